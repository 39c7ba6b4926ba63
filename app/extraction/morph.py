"""Lazy pymorphy3 analysers for Ukrainian and Russian, with per-word caches."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_LOCK = threading.Lock()
_ANALYZERS: dict[str, Any] = {}
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'"})


def normalize_word(word: str) -> str:
    """Lowercase and unify apostrophes and ё, which news text spells inconsistently."""
    return word.lower().translate(_APOSTROPHES).replace("ё", "е")


def analyzer(lang: str) -> Any:
    """Return the pymorphy3 analyser for ``lang`` ("uk" or "ru"), loaded once per process."""
    with _LOCK:
        if lang not in _ANALYZERS:
            import pymorphy3

            _ANALYZERS[lang] = pymorphy3.MorphAnalyzer(lang=lang)
        return _ANALYZERS[lang]


@dataclass(frozen=True, slots=True)
class Parse:
    """The few facts about a word that the patterns use."""

    lemma: str
    pos: str
    cases: frozenset[str]
    lemmas: frozenset[str]
    plural: bool
    gender: str
    future: bool
    present: bool
    past: bool
    infinitive: bool


@lru_cache(maxsize=200_000)
def parse(word: str, lang: str) -> Parse:
    """Analyse one word; all readings contribute cases and lemmas, the first gives POS."""
    w = normalize_word(word)
    if not any(c.isalpha() for c in w) or len(w) > 40:
        return Parse(w, "", frozenset(), frozenset({w}), False, "", False, False, False, False)
    readings = analyzer(lang).parse(w)[:4]
    first = readings[0]
    cases: set[str] = set()
    lemmas: set[str] = {w}
    for r in readings:
        if r.tag.case:
            cases.add(str(r.tag.case))
        lemmas.add(normalize_word(r.normal_form))
    pos = str(first.tag.POS or "")
    return Parse(
        lemma=normalize_word(first.normal_form),
        pos=pos,
        cases=frozenset(cases),
        lemmas=frozenset(lemmas),
        plural=first.tag.number == "plur",
        gender=str(first.tag.gender or ""),
        future=any(r.tag.tense == "futr" for r in readings[:2] if r.tag.POS == "VERB"),
        present=any(r.tag.tense == "pres" for r in readings[:3] if r.tag.POS == "VERB"),
        past=first.tag.tense == "past",
        infinitive=pos == "INFN",
    )


def lemma(word: str, lang: str) -> str:
    """First-reading lemma of ``word``."""
    return parse(word, lang).lemma
