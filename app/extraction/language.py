"""Cheap, deterministic language identification for en / uk / ru news text."""

from __future__ import annotations

import re

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z]")
# Letters that exist in only one of the two Cyrillic languages.
_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RU_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
_UK_WORDS = re.compile(r"\b(?:що|які|його|це|та|від|до|про|був|була|України)\b", re.IGNORECASE)
_RU_WORDS = re.compile(r"\b(?:что|который|его|это|и|от|был|была|России|также)\b", re.IGNORECASE)
_SAMPLE = 20_000
_CYR_WORD = re.compile(r"[\u0400-\u04FF'’]{2,}")


def detect_language(text: str) -> str:
    """Return "en", "uk" or "ru" for the dominant language of ``text`` (default "en")."""
    sample = text[:_SAMPLE]
    cyr = len(_CYRILLIC.findall(sample))
    lat = len(_LATIN.findall(sample))
    if cyr <= lat:
        return "en"
    uk = 3 * len(_UK_ONLY.findall(sample)) + len(_UK_WORDS.findall(sample))
    ru = 3 * len(_RU_ONLY.findall(sample)) + len(_RU_WORDS.findall(sample))
    if uk == ru:
        return _by_dictionary(sample)
    return "uk" if uk > ru else "ru"


def _by_dictionary(sample: str) -> str:
    """Tie-break short texts by how many words each language's dictionary knows."""
    from app.extraction.morph import analyzer

    words = _CYR_WORD.findall(sample.lower())[:40]
    known = {
        lang: sum(1 for w in words if analyzer(lang).word_is_known(w)) for lang in ("uk", "ru")
    }
    return "uk" if known["uk"] > known["ru"] else "ru"
