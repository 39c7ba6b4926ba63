"""Reading uploaded .zip files without trusting them: entry count, total size, compression
ratio and paths are all checked before a byte is decompressed."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from app.articles.ingest.formats import IngestError


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_total_bytes: int
    max_ratio: int
    max_file_bytes: int


@dataclass(frozen=True)
class ZipEntry:
    """One file of the archive: its bytes, or the reason it was refused."""

    name: str
    data: bytes | None
    error: str | None = None


def _escapes(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":")


def read_zip(data: bytes, limits: ZipLimits) -> Iterator[ZipEntry]:
    """Yield the files of a zip. A bomb refuses the whole archive; an entry whose path
    escapes the folder is refused alone."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise IngestError(f"The zip file is corrupt: {exc}") from exc
    if len(infos) > limits.max_entries:
        raise IngestError(
            f"The zip holds {len(infos):,} files; the limit is {limits.max_entries:,}."
        )
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_total_bytes:
        raise IngestError(
            f"The zip unpacks to {declared:,} bytes; the limit is {limits.max_total_bytes:,} "
            "bytes (refused as a possible zip bomb)."
        )
    packed = sum(info.compress_size for info in infos)
    if declared > limits.max_ratio * max(packed, 1) and declared > 1_000_000:
        raise IngestError(
            f"The zip compresses {declared:,} bytes into {packed:,} "
            f"(over {limits.max_ratio}:1); refused as a possible zip bomb."
        )
    with archive:
        for info in infos:
            name = info.filename
            if _escapes(name):
                yield ZipEntry(name, None, "Refused: the path escapes the archive's folder.")
                continue
            if PurePosixPath(name).name.startswith(".") or name.startswith("__MACOSX/"):
                continue  # resource forks and hidden files are not articles
            if info.file_size > limits.max_file_bytes:
                yield ZipEntry(
                    name,
                    None,
                    f"The file is {info.file_size:,} bytes; the limit is "
                    f"{limits.max_file_bytes:,} bytes.",
                )
                continue
            try:
                # Headers can lie about sizes: never read more than the declared size + 1.
                with archive.open(info) as handle:
                    content = handle.read(info.file_size + 1)
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
                yield ZipEntry(name, None, f"The entry cannot be unpacked: {exc}")
                continue
            if len(content) > info.file_size:
                yield ZipEntry(name, None, "The entry is larger than its header says; refused.")
                continue
            yield ZipEntry(name, content)
