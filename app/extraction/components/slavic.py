"""Ukrainian and Russian movement frames from tokens, pymorphy3 lemmas and case patterns.

There is no trained parser for these languages on PyPI, so a frame is built inside one
clause around a movement verb (or nominalisation): origin = з/із/с/из/от + genitive,
destination = до + genitive, в/у/на + accusative, к + dative, or "у напрямку / в сторону"
+ genitive; the unit is the first force noun phrase in the clause outside those phrases.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.extraction import attribution as attr
from app.extraction import lexicon as lx
from app.extraction.gazetteer import resolve_place
from app.extraction.mention import Mention
from app.extraction.morph import Parse, analyzer, normalize_word, parse
from app.extraction.segment import Sentence

_PRONOUNS = {"його": "person", "її": "person", "его": "person", "ее": "person", "её": "person",
             "їх": "group", "их": "group", "них": "group", "їхніми": "group"}  # fmt: skip
_LOCK = threading.Lock()
_TOKENIZERS: dict[str, Any] = {}
_MAX_PHRASE = 6
_QUOTES_OPEN = '«“"„'
_QUOTES_CLOSE = '»”"'
_QUANT_WORDS = {
    "тисяча", "тисяч", "тисячу", "тысяча", "тысяч", "тысячу", "сотня", "сотні", "сотни",
    "десятки", "десяток", "кілька", "несколько", "понад", "більше", "близько", "около",
    "более", "свыше", "до", "майже", "почти", "частина", "часть", "третина", "треть",
    "половина", "значний", "значительный", "кількість", "количество", "мільйон", "миллион",
}  # fmt: skip
_UNIT_HEAD_EXTRA = {"частина", "часть", "кількість", "количество", "третина", "треть",
                    "половина"}  # fmt: skip


@dataclass(slots=True)
class Tok:
    text: str
    start: int
    p: Parse

    @property
    def low(self) -> str:
        return normalize_word(self.text)


def _tokenizer(lang: str) -> Any:
    with _LOCK:
        if lang not in _TOKENIZERS:
            import spacy

            _TOKENIZERS[lang] = spacy.blank(lang)
        return _TOKENIZERS[lang]


def _tokens(text: str, lang: str) -> list[Tok]:
    doc = _tokenizer(lang).make_doc(text)
    out: list[Tok] = []
    i = 0
    while i < len(doc):
        t = doc[i]
        # "северо-востоке", "десантно-штурмової": one word, inflected on its last part
        if (
            i + 2 < len(doc) and doc[i + 1].text == "-" and not t.whitespace_
            and not doc[i + 1].whitespace_ and t.is_alpha and doc[i + 2].is_alpha
        ):  # fmt: skip
            last = doc[i + 2]
            out.append(Tok(text[t.idx : last.idx + len(last.text)], t.idx, parse(last.text, lang)))
            i += 3
            continue
        out.append(Tok(t.text, t.idx, parse(t.text, lang)))
        i += 1
    return out


def _verb_lemma(t: Tok) -> str:
    lem = t.p.lemma
    for suffix in ("ся", "сь"):
        if lem.endswith(suffix) and lem[: -len(suffix)] in lx.SL_MOVE_VERBS:
            return lem[: -len(suffix)]
    return lem


def _is_move(t: Tok) -> str | None:
    if t.p.pos in ("VERB", "INFN", "PRTF", "PRTS", "GRND"):
        for lem in (_verb_lemma(t), *t.p.lemmas):
            base = lem[:-2] if lem.endswith(("ся", "сь")) else lem
            if base in lx.SL_MOVE_VERBS:
                return "verb"
    if t.p.pos == "NOUN" and t.p.lemma in lx.SL_MOVE_NOUNS:
        return "noun"
    if t.p.pos == "ADJF" and t.p.lemma in lx.SL_MOVE_PARTICIPLES:
        return "verb"
    # a past-tense verb whose first reading is a noun ("прибыли" as "profit")
    if t.p.pos in ("NOUN", "ADJF") and t.low.endswith(_PAST_ENDINGS) and _past_move(t.low):
        return "verb"
    return None


_PAST_ENDINGS = ("ли", "ла", "ло", "лись", "лися", "лась", "лася")


@lru_cache(maxsize=4096)
def _past_move(word: str) -> bool:
    """Any past-tense verb reading of ``word`` is a movement verb (language by alphabet)."""
    lang = "uk" if any(c in "іїєґ'" for c in word) else "ru"
    for code in dict.fromkeys((lang, "uk", "ru")):
        for r in analyzer(code).parse(word)[:8]:
            if r.tag.POS == "VERB" and r.tag.tense == "past":
                lem = normalize_word(r.normal_form)
                base = lem[:-2] if lem.endswith(("ся", "сь")) else lem
                if base in lx.SL_MOVE_VERBS:
                    return True
    return False


def _is_word(t: Tok) -> bool:
    return any(c.isalnum() for c in t.text)


def _np(toks: list[Tok], i: int, end: int, *, allow_gen: bool = True) -> int:
    """End index (exclusive) of the noun phrase starting at ``i``: adjectives, numerals, one
    head noun, then genitive dependents ("району Кам'янського", "військового округу")."""
    j = i
    seen_noun = False
    while j < end and j - i < _MAX_PHRASE:
        t = toks[j]
        if not _is_word(t):
            if t.text in ("-", "‑") and seen_noun:
                j += 1
                continue
            if t.text in _QUOTES_OPEN + _QUOTES_CLOSE and j + 1 < end:
                j += 1
                continue
            break
        low = t.low
        if low in lx.SL_ORIGIN_PREPS or low in lx.SL_DEST_PREPS or low in lx.SL_CLAUSE_BREAKS:
            # "кордону з Україною": the border phrase keeps its "з" + instrumental
            if (
                seen_noun
                and low in ("з", "із", "с")
                and toks[j - 1].p.lemma in ("кордон", "граница")
            ):
                k = j + 1
                while k < end and toks[k].p.pos in ("ADJF", "NOUN") and "ablt" in toks[k].p.cases:
                    k += 1
                if k > j + 1:
                    return k
            break
        if low in ("і", "й", "та", "и", "або", "или", "а", "також", "также"):
            break
        pos = t.p.pos
        clause_word = pos in ("VERB", "INFN", "GRND", "PRED", "CONJ", "PRCL", "ADVB", "PRTS")
        capitalised_name = t.text[:1].isupper() and pos not in ("CONJ", "PRCL")
        if clause_word and low not in ("більш", "более") and not capitalised_name:
            break
        if seen_noun:
            # after the head only genitive modifiers or capitalised names continue the phrase
            if not allow_gen or _is_move(t):
                break  # "з Бурятії прибули": a verb misread as a genitive noun
            if (
                "gent" in t.p.cases
                and not _force_ok(toks, i, j)
                and toks[i].p.lemma not in _UNIT_HEAD_EXTRA
                and _force_follows(toks, j, end)
            ):
                break  # "на Курщину північнокорейських військових": the object, not the place
            if ("gent" in t.p.cases and t.low not in _QUANT_WORDS) or (
                t.text[:1].isupper()
                and (t.p.lemma not in lx.SL_FORCE_LEMMAS or (t.text.isupper() and len(t.text) > 1))
            ):
                j += 1
                continue
            break
        if pos == "NOUN" or (t.text[:1].isupper() and pos not in ("ADJF", "PRTF")) or pos == "":
            seen_noun = True
        j += 1
    return j


def _force_follows(toks: list[Tok], j: int, end: int) -> bool:
    """toks[j:] is adjectives then a force noun (an animate object after a place)."""
    k = j
    while k < end and k - j < 4:
        if toks[k].p.lemma in lx.SL_FORCE_LEMMAS:
            return True  # "військових" is filed as an adjective
        if toks[k].p.pos not in ("ADJF", "PRTF", "NUMR"):
            return False
        k += 1
    return False


def head_index(toks: list[Tok], head: Tok, a: int, b: int) -> int:
    """Index of ``head`` within toks[a:b] (b when absent)."""
    for i in range(a, b):
        if toks[i] is head:
            return i
    return b


def _attribution_before(toks: list[Tok], comma: int) -> bool:
    """The stretch before ``comma`` is an attribution ("Як повідомили в ГУР,")."""
    j = comma - 1
    while j >= 0 and toks[j].text not in (",", ".", ";", ":"):
        if _SAY_WORD.fullmatch(toks[j].text.lower()):
            return True
        j -= 1
    return False


def _clause_bounds(toks: list[Tok], k: int) -> tuple[int, int]:
    lo = k
    while lo > 0:
        t = toks[lo - 1]
        if t.text == "," and _attribution_before(toks, lo - 1):
            break
        if t.text in (";", ":", "—", "–") or (
            t.text == ","
            and lo < len(toks)
            and (toks[lo].low in lx.SL_CLAUSE_BREAKS or toks[lo].p.lemma in lx.SL_CLAUSE_BREAKS)
        ):
            break
        if (
            (t.low in lx.SL_CLAUSE_BREAKS or t.p.lemma in lx.SL_CLAUSE_BREAKS)
            and lo - 1 > 0
            and toks[lo - 2].text == ","
        ):
            lo -= 1
            break
        lo -= 1
    hi = k + 1
    while hi < len(toks):
        t = toks[hi]
        if t.text in (";", ":") or (
            t.text in (",", "—")
            and hi + 1 < len(toks)
            and (
                toks[hi + 1].low in lx.SL_CLAUSE_BREAKS
                or toks[hi + 1].p.lemma in lx.SL_CLAUSE_BREAKS
            )
        ):
            break
        if t.text in _QUOTES_CLOSE and hi > k + 1:
            break
        if t.text == "," and hi + 1 < len(toks) and _SAY_WORD.fullmatch(toks[hi + 1].text.lower()):
            break
        hi += 1
    return lo, hi


def _phrase(toks: list[Tok], a: int, b: int, text: str, base: int) -> str:
    if b <= a:
        return ""
    s = toks[a].start - base
    e = toks[b - 1].start - base + len(toks[b - 1].text)
    return text[s:e].strip(' ,«»"')


def _place_ok(toks: list[Tok], a: int, b: int) -> bool:
    for t in toks[a:b]:
        if t.text[:1].isupper() or t.p.lemma in lx.SL_PLACE_LEMMAS or t.low in lx.SL_PLACE_LEMMAS:
            return True
        if any(lem in lx.SL_PLACE_LEMMAS for lem in t.p.lemmas):
            return True
    # adjectives of places ("на Запорізький") are capitalised and caught above
    return False


def _force_ok(toks: list[Tok], a: int, b: int) -> bool:
    return any(
        t.p.lemma in lx.SL_FORCE_LEMMAS or any(lem in lx.SL_FORCE_LEMMAS for lem in t.p.lemmas)
        for t in toks[a:b]
    )


def _scan_places(toks: list[Tok], lo: int, hi: int, verb: int, text: str, base: int,
                 lemma: str, lang: str = "uk"
                 ) -> tuple[list[str], list[str], set[int]]:  # fmt: skip
    origins: list[str] = []
    dests: list[str] = []
    used: set[int] = set()
    i = lo
    while i < hi:
        t = toks[i]
        low = t.low
        nxt = toks[i + 1].low if i + 1 < hi else ""
        role = None
        start = i + 1
        if (low, nxt) in lx.SL_TOWARD:
            role, start = "dest", i + 2
        elif low in lx.SL_ORIGIN_PREPS:
            role = "origin"
        elif low in lx.SL_DEST_PREPS:
            role = "dest"
        if role is None or start >= hi:
            i += 1
            continue
        k = start + 1 if toks[start].p.pos == "ADVB" and start + 1 < hi else start
        end = _np(toks, start, hi)
        head = next((x for x in toks[k:end] if x.p.pos == "NOUN" or x.text[:1].isupper()), toks[k])
        cases = head.p.cases
        # agreeing adjectives narrow an ambiguous noun ("підготовлені позиції" is accusative)
        for x in toks[k : head_index(toks, head, k, end)]:
            if x.p.pos in ("ADJF", "PRTF") and x.p.cases and cases & x.p.cases:
                cases = cases & x.p.cases
        toward = (low, nxt) in lx.SL_TOWARD
        if not toward and role == "origin" and cases and "gent" not in cases:
            role = None
        elif not toward and role == "dest":
            need = lx.SL_DEST_PREPS[low]
            names = [x for x in toks[k:end] if x.text[:1].isupper()]
            misread_name = (
                head.text[:1].isupper()
                and (
                    (need in ("gent", "datv") and cases <= {"nomn", "voct"})
                    # "в Часов Яр": one word of a two-word name reads as another case
                    or (len(names) > 1 and any(need in x.p.cases for x in names))
                )
                and resolve_place(_phrase(toks, start, end, text, base), lang) is not None
            )
            if (
                cases
                and need not in cases
                and not (need == "accs" and "nomn" in cases)
                and not misread_name
            ):
                role = None
        # "з авіабази X в провінції Y": an acc/loc-ambiguous phrase right after an origin
        # says where the origin is, not where the unit goes
        back = i - 1
        if back >= 0 and toks[back].text == ")":
            while back > 0 and toks[back].text != "(":
                back -= 1
            back -= 1
        if (
            role == "dest"
            and low in ("в", "у", "на")
            and "loct" in cases
            and back in used
            and (low, nxt) not in lx.SL_TOWARD
        ):
            role = None
        if role == "dest" and (low, nxt) in lx.SL_TOWARD:
            dests.clear()
        # later phrases of one role only count when coordinated ("з X та з Y")
        prev = toks[i - 1].low if i > 0 else ""
        listed = origins if role == "origin" else dests
        if (
            role is not None
            and listed
            and prev not in ("і", "й", "та", "и", "також", "также", ",")
            and (low, nxt) not in lx.SL_TOWARD
        ):
            role = None
        if role is None or end <= start:
            i += 1
            continue
        shared = _shared_head(toks, k, hi)
        if role is not None and shared is not None:
            # "з Херсонського та Запорізького напрямків": one place per adjective
            head_sg = _singular(toks[shared[1] - 1], lang)
            listed.extend(
                f"{_phrase(toks, a, a + 1, text, base)} {head_sg}".strip() for a in shared[0]
            )
            used.update(range(i, shared[1]))
            i = shared[1]
            continue
        if toks[k].p.lemma in lx.SL_GENERIC_PLACE_HEADS or toks[end - 1].p.lemma in (
            lx.SL_GENERIC_PLACE_HEADS | {"рубіж", "рубеж"}
        ):
            # "на вигідніші рубежі ближче до кордону / під Бахмутом": the qualifier places them
            end = _locating_tail(toks, end, hi)
        only_adj = all(x.p.pos in ("ADJF", "ADVB", "PRTF") for x in toks[k:end])
        ok = _place_ok(toks, start, end) or (only_adj and role == "dest" and bool(origins))
        if ok:
            phrase = _phrase(toks, start, end, text, base)
            if toks[k].p.lemma in lx.SL_GENERIC_PLACE_HEADS:
                inner = _inner_places(toks, end, hi, text, base)
                if inner:
                    (origins if role == "origin" else dests).extend(inner[0])
                    used.update(range(i, inner[1]))
                    i = inner[1]
                    continue
            if phrase:
                listed.append(phrase)
                used.update(range(i, end))
                # "з Часова Яра и Торецка": further names share the preposition
                while (
                    end + 1 < hi
                    and toks[end].low in ("і", "й", "та", "и")
                    and toks[end + 1].text[:1].isupper()
                    and toks[end + 1].p.pos not in ("PREP", "CONJ")
                    and toks[end + 1].p.lemma not in lx.SL_FORCE_LEMMAS
                ):
                    nxt_end = _np(toks, end + 1, hi)
                    if nxt_end <= end + 1:
                        break
                    agrees = not cases or bool(toks[end + 1].p.cases & cases)
                    nxt_phrase = _phrase(toks, end + 1, nxt_end, text, base)
                    if not agrees and resolve_place(nxt_phrase, lang) is None:
                        break
                    listed.append(_phrase(toks, end + 1, nxt_end, text, base))
                    used.update(range(end, nxt_end))
                    end = nxt_end
        i = max(end, i + 1)
    # accusative object of leave-verbs is the origin: "залишили Суджу"
    if lemma in lx.SL_OBJECT_IS_ORIGIN:
        for j in range(verb + 1, hi):
            t = toks[j]
            if j in used or not _is_word(t):
                continue
            if t.p.pos in ("NOUN", "ADJF", "") and ("accs" in t.p.cases or t.text[:1].isupper()):
                end = _np(toks, j, hi, allow_gen=True)
                if t.p.lemma in lx.SL_GENERIC_PLACE_HEADS:
                    inner = _inner_places(toks, end, hi, text, base)
                    if inner:
                        origins[:0] = inner[0]
                        used.update(range(j, inner[1]))
                    break
                if _place_ok(toks, j, end):
                    origins.insert(0, _phrase(toks, j, end, text, base))
                    used.update(range(j, end))
                break
            if t.low in lx.SL_ORIGIN_PREPS or t.low in lx.SL_DEST_PREPS:
                break
    return origins, dests, used


_NEAR_WORDS = {"під", "под", "біля", "поблизу", "возле", "около", "вблизи", "неподалік"}


def _locating_tail(toks: list[Tok], end: int, hi: int) -> int:
    """Extend a generic spot ("позиції") over "ближче до X" / "під X" that locates it."""
    j = end
    if j + 1 < hi and toks[j].low in ("ближче", "ближе") and toks[j + 1].low in ("до", "к"):
        j += 2
    elif j < hi and toks[j].low in _NEAR_WORDS:
        j += 1
    else:
        return end
    tail = _np(toks, j, hi)
    return tail if tail > j else end


# The Ukrainian dictionary does not inflect; the heads front reports share, by hand.
_UK_SINGULAR = {
    "напрямків": "напрямку", "напрямки": "напрямок", "напрямках": "напрямку",
    "областей": "області", "областях": "області", "районів": "району", "райони": "район",
    "фронтів": "фронту", "ділянок": "ділянки", "ділянки": "ділянку", "кордонів": "кордону",
    "регіонів": "регіону", "регіони": "регіон", "секторів": "сектору",
}  # fmt: skip


_STAY_PREPS = {"в", "у", "во", "на", "під", "под", "біля", "около", "возле", "поблизу", "вблизи"}
_RELATIVES = {"який", "яка", "яке", "які", "котрий", "который", "которая", "которое", "которые"}


def _stay_origin(toks: list[Tok], verb: int, text: str) -> str | None:
    """Where the unit stood before the movement: a stay verb or participle earlier in the
    sentence with its locative phrase ("ранее находившиеся в X", "які стояли під X")."""
    for j in range(verb):
        t = toks[j]
        if t.p.pos not in ("VERB", "PRTF", "PRTS", "GRND", "INFN"):
            continue
        lemmas = {_verb_lemma(t), *t.p.lemmas}
        if not any(lem in lx.SL_STAY_VERBS for lem in lemmas):
            continue
        for a in range(j + 1, min(verb, j + 4)):
            if toks[a].low in _STAY_PREPS:
                end = _np(toks, a + 1, verb)
                if end > a + 1 and _place_ok(toks, a + 1, end):
                    return _phrase(toks, a + 1, end, text, 0)
                break
    return None


_DASHES = ("—", "–", "-")


def _gapped(
    toks: list[Tok], verb: int, hi: int, text: str, lemma: str, lang: str
) -> list[tuple[str, list[str], list[str], int]]:
    """ "перекинули 24-ту бригаду до X, а 41-шу — до Y": a second unit with the verb left
    out, marked by a dash, moves to its own place."""
    found: list[tuple[str, list[str], list[str], int]] = []
    n = len(toks)
    for j in range(verb + 1, min(n, hi + 1) - 3):
        if toks[j].text != "," or toks[j + 1].low not in ("а", "і", "й", "и", "та"):
            continue
        dash = next((d for d in range(j + 3, min(n, j + 7)) if toks[d].text in _DASHES), None)
        if dash is None or dash + 1 >= n:
            continue
        middle = toks[j + 2 : dash]
        if any(_is_move(t) or t.p.pos == "VERB" for t in middle):
            continue
        if not any(t.text[:1].isdigit() or t.p.lemma in lx.SL_FORCE_LEMMAS for t in middle):
            continue
        if toks[dash + 1].low not in lx.SL_DEST_PREPS and toks[dash + 1].low not in (
            lx.SL_ORIGIN_PREPS
        ):
            continue
        end = next((e for e in range(dash + 1, n) if toks[e].text in (",", ";", ".")), n)
        origins, dests, _ = _scan_places(toks, dash + 1, end, dash, text, 0, lemma, lang)
        if origins or dests:
            found.append((_phrase(toks, j + 2, dash, text, 0), origins, dests, j))
    return found


def _singular(head: Tok, lang: str) -> str:
    """The singular of a plural head noun in the same case ("напрямків" -> "напрямку")."""
    for r in analyzer(lang).parse(head.low)[:4]:
        if r.tag.POS == "NOUN" and r.tag.number == "plur" and r.tag.case:
            form = r.inflect({"sing", r.tag.case})
            if form is not None:
                word = str(form.word)
                return word[:1].upper() + word[1:] if head.text[:1].isupper() else word
    return _UK_SINGULAR.get(head.low, head.text)


def _shared_head(toks: list[Tok], k: int, hi: int) -> tuple[list[int], int] | None:
    """ADJ (, ADJ)* (та|і|и) ADJ NOUN-plural: places sharing one plural head noun."""
    adjs: list[int] = []
    j = k
    while j < hi and toks[j].p.pos == "ADJF" and toks[j].text[:1].isupper():
        adjs.append(j)
        if j + 1 < hi and toks[j + 1].text == ",":
            j += 2
        elif j + 1 < hi and toks[j + 1].low in ("і", "й", "та", "и"):
            j += 2
            if j < hi and toks[j].p.pos == "ADJF" and toks[j].text[:1].isupper():
                adjs.append(j)
                j += 1
            break
        else:
            return None
    if len(adjs) < 2 or j >= hi or toks[j - 1].p.pos != "ADJF":
        return None
    head = toks[j]
    if head.p.pos != "NOUN" or not (head.p.plural or head.p.lemma in lx.SL_PLACE_LEMMAS):
        return None
    return adjs, j + 1


def _inner_places(
    toks: list[Tok], i: int, hi: int, text: str, base: int
) -> tuple[list[str], int] | None:
    """Locations after a generic head: "об'єкти в центрі та на сході Сирії" gives
    ["центрі Сирії", "сході Сирії"] (a trailing genitive is shared)."""
    phrases: list[tuple[int, int]] = []
    while i < hi and toks[i].low in ("в", "у", "на"):
        end = _np(toks, i + 1, hi)
        if end <= i + 1:
            break
        phrases.append((i + 1, end))
        i = end
        if (
            i < hi
            and toks[i].low in ("і", "й", "та", "и")
            and i + 1 < hi
            and toks[i + 1].low in ("в", "у", "на")
        ):
            i += 1
    if not phrases:
        return None
    out = [_phrase(toks, a, b, text, base) for a, b in phrases]
    # a trailing genitive ("Сирії") belongs to every coordinated phrase
    a, b = phrases[-1]
    tail = [x for x in range(a + 1, b) if "gent" in toks[x].p.cases and toks[x].text[:1].isupper()]
    if tail:
        gen = _phrase(toks, tail[0], b, text, base)
        out = [o if o.endswith(gen) else f"{o} {gen}" for o in out]
    return out, i


def _unit(toks: list[Tok], lo: int, hi: int, used: set[int], verb: int, text: str,
          base: int, nominal: bool) -> tuple[str | None, bool]:  # fmt: skip
    """First force noun phrase of the clause; for nominalisations the genitive after it."""
    order = list(range(verb + 1, hi)) if nominal else [*range(lo, verb), *range(verb + 1, hi)]
    v = toks[verb] if 0 <= verb < len(toks) else None
    if (
        not nominal
        and v is not None
        and v.p.pos == "VERB"
        and not v.low.endswith(("ся", "сь"))
        and any(
            j not in used and "accs" in toks[j].p.cases and toks[j].p.lemma in lx.SL_FORCE_LEMMAS
            for j in range(verb + 1, hi)
        )
    ):
        # "Армия перебросила 24-ю бригаду": the object of an active verb is what moved
        order = [*range(verb + 1, hi), *range(lo, verb)]
    # the enemy, or an army named by its abbreviation ("ЗСУ перекинули 24-ту бригаду"),
    # names who moves only when no unit is named
    agent_only = [
        j
        for j in order
        if toks[j].p.lemma in lx.SL_AGENT_LEMMAS
        or (toks[j].text.isupper() and len(toks[j].text) > 1)
    ]
    order = [j for j in order if j not in agent_only] + agent_only
    for j in order:
        if j in used:
            continue
        t = toks[j]
        if t.low in ("їх", "их", "них"):
            return t.text, True
        if not (
            t.p.lemma in lx.SL_FORCE_LEMMAS or any(lem in lx.SL_FORCE_LEMMAS for lem in t.p.lemmas)
        ):
            continue
        if t.p.pos not in ("NOUN", "ADJF", ""):
            continue
        if any(c in t.p.cases for c in ("loct", "ablt")) and not (
            t.p.cases & {"nomn", "accs", "gent"}
        ):
            continue
        # extend left over numerals, quantity words and adjectives
        a = j
        while a - 1 >= lo and a - 1 not in used and a - 1 != verb and (
            toks[a - 1].p.pos in ("ADJF", "NUMR", "PRTF") or toks[a - 1].low in _QUANT_WORDS
            or toks[a - 1].text[:1].isdigit() or toks[a - 1].p.lemma in _UNIT_HEAD_EXTRA
            or toks[a - 1].text in ("-",)
            # "24-ю и 41-ю бригады": coordinated numbers share the head
            or (toks[a - 1].low in ("і", "й", "та", "и") and a - 2 >= lo
                and toks[a - 2].text[:1].isdigit())
        ) and toks[a - 1].p.lemma not in lx.SL_CLAUSE_BREAKS:  # fmt: skip
            a -= 1
        b = _np(toks, j, hi)
        if j < verb < b:
            b = verb  # a verb misread as a genitive noun ("Десантники прибыли")
        while b > j + 1 and (b - 1) in used:
            b -= 1
        return _phrase(toks, a, b, text, base) or None, False
    return None, False


def _district_units(
    toks: list[Tok], a: int, b: int, used: set[int], text: str
) -> list[tuple[str, str]]:
    """Force nouns followed by a military district in the genitive."""
    found: list[tuple[str, str]] = []
    for j in range(a, b - 1):
        t = toks[j]
        if j in used or t.p.lemma not in lx.SL_FORCE_LEMMAS:
            continue
        end = _np(toks, j + 1, b)
        if end <= j + 1:
            continue
        phrase = _phrase(toks, j + 1, end, text, 0)
        place = resolve_place(phrase, "ru") or resolve_place(phrase, "uk")
        if place is not None and place.kind == "military_district":
            found.append((_phrase(toks, j, end, text, 0), phrase))
            used.update(range(j, end))
    return found


def _status(toks: list[Tok], lo: int, verb: int, hi: int) -> str:
    window = toks[max(lo, verb - 3) : verb]
    if any(t.low in lx.SL_NEGATIONS for t in window):
        return "denied"
    v = toks[verb]
    if v.p.future and not v.p.present:
        return "planned"
    before = toks[max(lo, verb - 4) : verb]
    if any(t.p.lemma in lx.SL_PLAN_CUES or t.low in lx.SL_PLAN_CUES for t in before):
        return "planned"
    return "reported"


def _demanded(toks: list[Tok], verb: int) -> bool:
    return any(t.p.lemma in lx.SL_DEMAND_VERBS for t in toks[max(0, verb - 8) : verb])


_ACCORDING = re.compile(
    r"(?i)(?:за словами|за даними|за інформацією|по словам|по данным|по информации|"
    r"як повідоми\w*|как сообщи\w*)\s+(?P<src>[^,.;:]{2,120})"
)
_ACCORDING_PRONOUN = re.compile(
    r"(?i)(?:^|[\s,])(?:за|по)\s+(?P<pr>його|її|їх|его|ее|её|их)\s+"
    r"(?:словами|словам|даними|данным|інформацією|информации|оцінками|оценкам)"
)
_CITING = re.compile(
    r"(?i)(?:з посиланням на|со ссылкой на)\s+(?P<src>[^,.;:]{2,120}?)"
    r"(?=\s+(?:повідоми|сообщи|заяви|пише|пишет|написа)\w*|[,.;:]|$)"
)
_PUBLISHED_BY = re.compile(
    r"(?i)(?:яку|який|яке|які|которую|который|которое|которые)\s+(?:[\w’'-]+\s+){0,3}?"
    r"(?:оприлюдни\w*|опублікува\w*|опубликова\w*|показа\w*|представи\w*|поширив\w*)\s+"
    r"(?P<src>[^,.;]{2,120})"
)
_THIS_SAID = re.compile(
    r"(?i)^(?:про це|об этом|це|это)\b[^.]{0,120}?\b(?P<verb>\w+)\s+(?P<src>[^.]{2,160})"
)
_SAY_WORD = re.compile(
    r"(?<![\w])(?:заяви\w*|заявля\w*|повідоми\w*|повідомля\w*|сказа\w*|розпові\w*|зазначи\w*|"
    r"зазнача\w*|наголоси\w*|написа\w*|пише|пишуть|сообщи\w*|сообща\w*|рассказа\w*|отмети\w*|"
    r"пишет|пишут|утвержда\w*|стверджу\w*|підтверди\w*|подтверди\w*|передає|передает|"
    r"оприлюдни\w*|опубликова\w*|опублікува\w*|показа\w*|вважа\w*|считает|считают|"
    r"попереди\w*|предупреди\w*|звинувати\w*|обвини\w*)(?![\w])"
)
_INVERTED = re.compile(
    r"(?:,\s*|\s)(?:—\s*)?(?:заяви\w*|повідоми\w*|сказа\w*|розпові\w*|сообщаю\w*|сообщи\w*|"
    r"пише|пишет|пишуть|пишут|передає|передает|заявляю\w*|рассказа\w*|повідомля\w*|сообща\w*)"
    r"\s+(?P<src>[^,.;:]{2,120})"
)
_OUTLET_CUE = re.compile(
    r"(?i)(?:в ефірі|в эфире|в інтерв'ю|в интервью|передає|передает|газета|агентство|видання|"
    r"издание|телеканалу|телеканал)\s+(?P<o>(?:[\w'-]+\s+){0,4}?«[^»]{2,60}»|"
    r"[A-ZА-ЯІЇЄ][\w'.-]*(?:\s+[A-ZА-ЯІЇЄ][\w'.-]*){0,5})"
)


_CUT_SOURCE = re.compile(
    r"(?i)\s(?:в|у|на|під час|во время|после|після|за)\s+"
    r"(?:інтерв|интерв|ефір|эфир|брифінг|брифинг|"
    r"пятниц|п'ятниц|п’ятниц|понеділ|понедель|вівтор|вторник|сред|серед|четвер|суббот|субот|"
    r"неділ|воскрес|telegram|телеграм|сообщени|повідомленн|заяв|ход|розмов|разговор|коментар|"
    r"комментар|сво|звернен|обращ|минул|прошл|ніч|ноч)"
)
_DROP_WORDS = re.compile(
    r"(?i)(?<![\w])(?:раніше|ранее|також|также|вчера|учора|вчора|сьогодні|сегодня|нібито|якобы|"
    r"напередодні|накануне|водночас|тим часом|тем временем|кроме того|крім того|зокрема|як|как|"
    r"в частности)(?![\w])"
)


def _clean_source(src: str) -> str:
    src = _CUT_SOURCE.split(src.strip())[0]
    src = _DROP_WORDS.sub(" ", src)
    src = re.sub(r"(?i)^(?:в|у|від|от)\s+", "", " ".join(src.split()))
    return src.strip(" ,—–-")


def _has_move_word(text: str, lang: str) -> bool:
    return any(_is_move(t) == "verb" for t in _tokens(text, lang))


def sentence_attribution(text: str, lang: str = "uk") -> tuple[str | None, str | None]:
    """(source, outlet) stated in a Ukrainian or Russian sentence."""
    source = outlet = None
    m = _CITING.search(text)
    if m:
        source = m.group("src").strip()
        pre = text[: m.start()]
        o = _OUTLET_CUE.search(pre) or re.search(
            r"(?P<o>The [A-Z][\w ]+|[A-Z][\w]+(?: [A-Z][\w]+)*)\s*$", pre.strip()
        )
        if o:
            outlet = o.group("o").strip()
    if source is None:
        pm = _ACCORDING_PRONOUN.search(text)
        if pm:
            return pm.group("pr"), outlet
    if source is None:
        m = _ACCORDING.search(text)
        if m:
            source = _clean_source(m.group("src")) or None
    if source is None:
        m = _SAY_WORD.search(text)
        if m and m.start() > 0:
            pre = text[: m.start()].rsplit(",", 1)[-1]
            pre = _clean_source(pre)
            if pre and len(pre.split()) <= 14 and not _has_move_word(pre, lang):
                source = pre
    if source is None:
        m = _INVERTED.search(text)
        if m:
            source = _clean_source(m.group("src")) or None
    o = _OUTLET_CUE.search(text)
    if o and outlet is None:
        outlet = o.group("o").strip()
    outlet = outlet or attr.find_outlet(text)
    if outlet:
        outlet = outlet.strip(" .,;")
    if source and outlet and outlet in source:
        # "пише видання X" names the outlet, not a separate source
        source = None
    return (source or None), (outlet or None)


def this_said(text: str) -> tuple[str | None, str | None]:
    """Attribution of the previous sentence: "Про це ... заявив X" / "Об этом сообщил X"."""
    m = _THIS_SAID.match(text.strip())
    if not m:
        return None, None
    say = _SAY_WORD.search(text)
    src = _clean_source(text[say.end() :] if say else m.group("src"))
    src = re.split(r"[.;]", src)[0]
    rel = _PUBLISHED_BY.search(text)
    if rel:
        src = _clean_source(rel.group("src"))
    src = re.split(r",\s*(?:передає|передает|пише|пишет)", src)[0].strip()
    outlet = None
    o = _OUTLET_CUE.search(text)
    if o:
        outlet = o.group("o").strip(" .,;")
    return src or None, outlet


def _in_quote(text: str, pos: int) -> bool:
    opened = 0
    for ch in text[:pos]:
        if ch in "«“„":
            opened += 1
        elif ch in "»”":
            opened = max(0, opened - 1)
    return opened > 0


def extract(sentences: list[tuple[int, Sentence]], lang: str) -> list[Mention]:
    """Movement mentions in Ukrainian or Russian sentences."""
    out: list[Mention] = []
    for idx, sent in sentences:
        toks = _tokens(sent.text, lang)
        text = sent.text
        sent_source, sent_outlet = sentence_attribution(text, lang)
        pronoun = None
        if sent_source and sent_source.split()[0].lower() in _PRONOUNS:
            # "за його словами" / "по их данным": the speaker named before
            pronoun = _PRONOUNS[sent_source.split()[0].lower()]
            sent_source = None
        moves = [(k, kind) for k, t in enumerate(toks) if (kind := _is_move(t)) is not None]
        clause_ids: dict[tuple[int, int], int] = {}
        for n, (k, kind) in enumerate(moves):
            t = toks[k]
            lo, hi = _clause_bounds(toks, k)
            # coordinated verbs share the clause; each scans only its own stretch for places
            left = max(lo, moves[n - 1][0] + 1) if n > 0 else lo
            right = min(hi, moves[n + 1][0]) if n + 1 < len(moves) else hi
            if kind == "noun":
                left = k + 1
            lemma = _verb_lemma(t)
            gapped_text = kind == "verb" and ("—" in text or "–" in text or " - " in text)
            gaps = _gapped(toks, k, right, text, lemma, lang) if gapped_text else []
            if gaps:
                right = gaps[0][3]  # the gapped conjunct holds its own places
            origins, dests, used = _scan_places(toks, left, right, k, text, 0, lemma, lang)
            if not origins and kind == "verb":
                # "бригада, яка утримувала позиції під X, виведена ...": where it stood
                stayed = _stay_origin(toks, k, text)
                if stayed:
                    origins = [stayed]
            if not origins and not dests:
                continue
            if kind == "verb" and _demanded(toks, k):
                continue
            unit, anaphoric = _unit(toks, lo, hi, used, k, text, 0, kind == "noun")
            if (
                unit is None
                and lo >= 2
                and toks[lo - 1].text == ","
                and (toks[lo].p.lemmas | {toks[lo].low}) & _RELATIVES
            ):
                # "Підрозділи, які ..., перекинули": the unit is the relative's antecedent
                a = _clause_bounds(toks, lo - 2)[0]
                unit, anaphoric = _unit(toks, a, lo - 1, used, lo - 1, text, 0, False)
            if unit is None and kind == "noun":
                continue
            chain = clause_ids.setdefault((lo, hi), len(clause_ids))
            m = Mention(
                sentence=idx,
                order=k,
                chain=chain,
                unit=unit,
                unit_anaphoric=anaphoric or unit is None,
                status=_status(toks, lo, k, hi),
                source=sent_source,
                source_pronoun=pronoun,
                outlet=sent_outlet,
            )
            m.extra["origins"] = "\x1f".join(origins)
            m.extra["dests"] = "\x1f".join(dests)
            m.quote_tail = _in_quote(text, t.start)
            out.append(m)
            for g_unit, g_origins, g_dests, _ in gaps:
                g = Mention(**{f: getattr(m, f) for f in Mention.__slots__ if f != "extra"})
                g.unit, g.unit_anaphoric, g.order = g_unit, False, m.order + 1
                g.chain = 2000 + m.chain  # a movement of its own
                g.extra = {"origins": "\x1f".join(g_origins), "dests": "\x1f".join(g_dests)}
                out.append(g)
            # "..., а також частини Ленінградського військового округу": a further unit
            # named by its home district moves from that district
            for unit2, district in _district_units(toks, k + 1, hi, used, text):
                extra = Mention(**{f: getattr(m, f) for f in Mention.__slots__ if f != "extra"})
                extra.unit, extra.unit_anaphoric, extra.order = unit2, False, m.order + 1
                extra.chain = 1000 + m.chain  # a separate movement, not a chain member
                extra.extra = {"origins": district, "dests": m.extra["dests"]}
                out.append(extra)
    return out
