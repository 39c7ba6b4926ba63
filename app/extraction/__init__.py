"""Troopwatch extraction: news text in, movement records out (no DB, no web imports)."""

from app.extraction.gazetteer import iter_gazetteer
from app.extraction.language import detect_language
from app.extraction.pipeline import EXTRACTOR_VERSION, extract
from app.extraction.records import GazetteerEntry, MovementRecord, PlaceMatch

__all__ = [
    "EXTRACTOR_VERSION",
    "GazetteerEntry",
    "MovementRecord",
    "PlaceMatch",
    "detect_language",
    "extract",
    "iter_gazetteer",
]
