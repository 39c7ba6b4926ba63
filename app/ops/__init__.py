"""Operations: readiness, request logs, database errors, backup and restore."""
