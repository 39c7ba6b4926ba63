"""Ingestion: bytes from files, URLs and feeds -> clean article text and metadata."""
