import pytest

from app.articles.ingest.archive import ZipLimits, read_zip
from app.articles.ingest.formats import IngestError
from tests.unit.ingest.support import zip_bomb, zip_bytes

LIMITS = ZipLimits(
    max_entries=10, max_total_bytes=50_000_000, max_ratio=100, max_file_bytes=5_000_000
)


def test_files_in_folders_are_read() -> None:
    data = zip_bytes({"a.txt": b"one", "dir/b.html": b"<p>two</p>", "dir/": b""})
    entries = list(read_zip(data, LIMITS))
    assert [(e.name, e.data, e.error) for e in entries] == [
        ("a.txt", b"one", None),
        ("dir/b.html", b"<p>two</p>", None),
    ]


def test_a_zip_bomb_is_refused_before_unpacking() -> None:
    with pytest.raises(IngestError, match="zip bomb"):
        list(read_zip(zip_bomb(60_000_000), LIMITS))


def test_a_highly_compressed_zip_under_the_total_is_refused_by_ratio() -> None:
    with pytest.raises(IngestError, match="over 100:1"):
        list(read_zip(zip_bomb(20_000_000), LIMITS))


def test_too_many_entries_are_refused() -> None:
    data = zip_bytes({f"f{i}.txt": b"x" for i in range(11)})
    with pytest.raises(IngestError, match="holds 11 files; the limit is 10"):
        list(read_zip(data, LIMITS))


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd.txt", "a/../../b.txt", "C:/x.txt"])
def test_paths_escaping_the_folder_are_refused_alone(name: str) -> None:
    entries = list(read_zip(zip_bytes({name: b"bad", "good.txt": b"fine"}), LIMITS))
    by_name = {e.name: e for e in entries}
    assert by_name[name].data is None
    assert "escapes" in (by_name[name].error or "")
    assert by_name["good.txt"].data == b"fine"


def test_a_corrupt_zip_is_refused() -> None:
    with pytest.raises(IngestError, match="corrupt"):
        list(read_zip(b"PK\x03\x04garbage", LIMITS))
