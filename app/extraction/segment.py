"""Split article text into sentences with character offsets, in one linear pass."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longest stretch handed to a parser; longer runs (tables, text without stops) are cut so
# parsing time stays bounded.
MAX_SENTENCE_CHARS = 600

_ABBREV = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "rear", "brig",
    "st", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "u.s", "u.k", "inc", "co", "corp", "jr", "sr", "gov", "sen", "rep", "pres",
    "e.g", "i.e", "etc", "approx", "ген", "им", "т.е", "т.д", "г", "ул", "обл", "тис", "тыс",
    "млн", "км", "с", "ст", "див", "напр", "р", "рр",
}  # fmt: skip

# A sentence ends at . ! ? or … followed by optional closing quotes/brackets and whitespace,
# or at a line break. Bounded quantifiers keep this linear.
_BOUNDARY = re.compile(r"[.!?…]+[\"'»”’)\]]{0,3}(?=\s)|\n+")
_WORD_BEFORE = re.compile(r"([\w.]{1,12})$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence span; ``paragraph`` counts blank-line separated blocks, 0 is the headline."""

    start: int
    end: int
    text: str
    paragraph: int


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in _ABBREV:
        return True
    # Initials such as "J." or "Д." are not sentence ends.
    return len(word) == 1 and word.isalpha()


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences; offsets index into ``text`` unchanged."""
    out: list[Sentence] = []
    paragraph = 0
    start = 0
    n = len(text)

    def emit(s: int, e: int) -> None:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        while e - s > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", s, s + MAX_SENTENCE_CHARS)
            cut = cut if cut > s else s + MAX_SENTENCE_CHARS
            out.append(Sentence(s, cut, text[s:cut], paragraph))
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            out.append(Sentence(s, e, text[s:e], paragraph))

    for m in _BOUNDARY.finditer(text):
        if m.group(0).startswith("\n"):
            emit(start, m.start())
            start = m.end()
            if out and out[-1].paragraph == paragraph:
                paragraph += 1
            continue
        if m.group(0) == "." and _is_abbreviation(text, m.start()):
            continue
        emit(start, m.end())
        start = m.end()
    if start < n:
        emit(start, n)
    return out
