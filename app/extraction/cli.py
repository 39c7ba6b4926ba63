"""`troopwatch extract FILE... [--format jsonl|json|table]`."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import Any

from app.extraction.pipeline import extract
from app.extraction.records import MovementRecord, PlaceMatch


def _place(p: PlaceMatch | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"name": p.name, "kind": p.kind, "country": p.country, "lat": p.lat, "lon": p.lon}


def _row(article: str, r: MovementRecord) -> dict[str, Any]:
    return {
        "article": article,
        "unit": r.unit,
        "side": r.side,
        "origin": r.origin,
        "destination": r.destination,
        "source": r.source,
        "outlet": r.outlet,
        "status": r.status,
        "quantity": r.quantity,
        "event_date": r.event_date.isoformat() if r.event_date else None,
        "evidence": r.evidence,
        "evidence_start": r.evidence_start,
        "evidence_end": r.evidence_end,
        "origin_place": _place(r.origin_place),
        "destination_place": _place(r.destination_place),
    }


def _read(path: Path) -> tuple[str, datetime.date | None]:
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if path.suffix.lower() != ".json":
        return content, None
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: invalid JSON ({exc.msg}, line {exc.lineno})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ValueError(f"{path}: JSON file has no string field 'text'")
    published = None
    if data.get("published"):
        try:
            published = datetime.date.fromisoformat(str(data["published"]))
        except ValueError as exc:
            raise ValueError(f"{path}: bad 'published' date {data['published']!r}") from exc
    return data["text"], published


def _table(rows: list[dict[str, Any]]) -> str:
    cols = ["article", "unit", "origin", "destination", "source", "status"]
    widths = {c: min(28, max([len(c)] + [len(str(r[c] or "")) for r in rows])) for c in cols}
    lines = ["  ".join(c.ljust(widths[c]) for c in cols)]
    for r in rows:
        lines.append("  ".join(str(r[c] or "-")[: widths[c]].ljust(widths[c]) for c in cols))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run extraction over files and print records; returns a process exit code."""
    parser = argparse.ArgumentParser(prog="troopwatch extract", description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--format", choices=("jsonl", "json", "table"), default="jsonl")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    failed = 0
    for path in args.files:
        try:
            text, published = _read(path)
            records = extract(text, published=published)
        except (OSError, ValueError) as exc:
            print(f"troopwatch extract: {exc}", file=sys.stderr)
            failed += 1
            continue
        rows.extend(_row(path.stem, r) for r in records)
        if args.format == "jsonl":
            for r in rows:
                print(json.dumps(r, ensure_ascii=False))
            rows.clear()
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.format == "table":
        print(_table(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
