"""extract(): article text in, frozen movement records out.

Stages: clean -> language -> sentences -> cue prefilter -> per-language frames ->
attribution carry (quotes, "Про це ...", pronouns) -> chain merge -> coreference of units
and places -> one record per (origin, destination) -> article-level merge -> resolution.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from app.extraction import attribution as attr
from app.extraction import lexicon as lx
from app.extraction.dates import resolve_date
from app.extraction.gazetteer import resolve_place
from app.extraction.language import detect_language
from app.extraction.mention import Mention
from app.extraction.records import MovementRecord, PlaceMatch
from app.extraction.segment import Sentence, split_sentences
from app.extraction.units import normalize_unit, quantity, side_of

EXTRACTOR_VERSION = "2026.11.2"
MAX_TEXT_CHARS = 2_000_000
MAX_PARSED_SENTENCES = 1_500
_SEP = "\x1f"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_GENERIC_KEY_WORDS = {
    "the", "a", "of", "region", "regions", "oblast", "oblasts", "direction", "directions",
    "axis", "sector", "front", "area", "province", "krai", "kray", "city", "republic",
    "territory", "district", "raion", "town", "village", "область", "обл", "напрямок",
    "напрямку", "направление", "направлении", "регион", "район", "місто", "город", "фронт",
}  # fmt: skip
_HEADLINE_SOURCE_EN = re.compile(
    r",\s*(?P<src>[^,]{2,80}?)\s+(?:says|said|claims|reports|tells|confirms|warns)\s*$"
)
_HEADLINE_SOURCE_SL = re.compile(r"\s[—–]\s*(?P<src>[A-ZА-ЯІЇЄҐ«\"][^—–]{1,59})$")
_SOURCE_ANAPHOR = re.compile(
    r"(?i)the (?:agency|service|group|project|monitor|organisation|organization)"
)
_NAMED_SPEAKER = re.compile(
    r"(?:^|[\s,])((?:[A-Z][a-zčšžćāūėį'’-]+ ){1,2}[A-Z][a-zčšžćāūėį'’-]+)\s+"
    r"(?:said|says|told|noted|added|reported|wrote)\b"
)
_SL_PLACE_ANAPHORS = {"регіон", "регион", "район", "республіку", "республику", "туди", "туда"}
# Heads that name a spot in a formation's own deployment, not a place an analyst can map
# ("more favourable positions", "their bases", "нові позиції").
_NON_PLACE_STEMS = ("position", "base", "позиці", "позици", "рубеж", "баз", "пункт", "місц",
                    "мест", "quarter", "location", "spot")  # fmt: skip
# Words that make a lowercase phrase place-like on their own ("the front line", "the north").
_PLACE_WORDS = {
    "front", "frontline", "line", "border", "frontier", "north", "south", "east", "west",
    "northeast", "northwest", "southeast", "southwest", "region", "direction", "sector",
    "axis", "oblast",
}  # fmt: skip
# The same for Cyrillic, as stems (case endings vary).
_PLACE_STEMS = ("фронт", "лінії", "лінія", "линия", "линии", "кордон", "границ", "північ",
                "півден", "схід", "сход", "захід", "заход", "север", "юг", "восто", "запад",
                "напрям", "направлен", "область", "област")  # fmt: skip
_UNANCHORED = {"the area", "the same area", "there", "the zone", "туди", "туда", "район"}
# Plural heads a headline uses for places the body names one by one.
_VAGUE_PLURALS = {"towns", "villages", "cities", "positions", "settlements", "areas",
                  "міст", "міста", "сіл", "села", "населені", "города", "городов", "сёла",
                  "позиції", "позиции", "пункти", "пункты"}  # fmt: skip


def _clean(text: str) -> str:
    """Replace control characters by spaces so offsets into the original stay valid."""
    return _CONTROL.sub(" ", text)


def _place_key(text: str | None, place: PlaceMatch | None) -> str:
    if place is not None:
        return place.key
    if not text:
        return ""
    t = unicodedata.normalize("NFKD", text.lower())
    t = "".join(c for c in t if not unicodedata.combining(c)).replace("’", "'")
    return " ".join(w for w in re.findall(r"[\w']+", t) if w not in _GENERIC_KEY_WORDS)


def _split(v: str) -> list[str]:
    return [x for x in v.split(_SEP) if x] if v else []


def _quoted_sentences(sentences: list[Sentence]) -> list[bool]:
    """Per sentence: does it open a quote or sit inside one left open in its paragraph?"""
    flags: list[bool] = []
    opened = False
    paragraph = -1
    for sent in sentences:
        if sent.paragraph != paragraph:
            opened, paragraph = False, sent.paragraph
        starts_open = opened
        has_open = False
        for ch in sent.text:
            if ch in "«“„":
                opened = has_open = True
            elif ch in "»”":
                opened = False
        flags.append(starts_open or has_open)
    return flags


def _quote_tail(text: str, sent: Sentence, sentences: list[Sentence], idx: int) -> str:
    """Text after the closing quote that contains ``sent`` (same paragraph)."""
    end = sent.end
    para = sent.paragraph
    j = idx
    while j < len(sentences) and sentences[j].paragraph == para:
        s = sentences[j]
        seg = text[max(s.start, sent.start) : s.end]
        pos = max(seg.rfind("»"), seg.rfind("”"), seg.rfind('"'))
        if pos >= 0 and (j > idx or pos > 0):
            start = max(s.start, sent.start) + pos + 1
            return text[start : min(len(text), start + 200)]
        j += 1
        end = s.end
    return text[end : end + 200]


def _attribute(mentions: list[Mention], sentences: list[Sentence], text: str, lang: str) -> None:
    from app.extraction.components import slavic

    # Headline attribution: "..., Lithuanian minister says" / "... — Волошин"
    headline_src = None
    if sentences:
        h = sentences[0].text
        hm = (_HEADLINE_SOURCE_EN if lang == "en" else _HEADLINE_SOURCE_SL).search(h)
        if hm:
            headline_src = hm.group("src").strip()
    last_person: str | None = None
    last_source: str | None = None
    last_outlet: str | None = None
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m)
    quoted_flags = _quoted_sentences(sentences)
    for idx, sent in enumerate(sentences):
        group = by_sentence.get(idx, [])
        quoted = quoted_flags[idx]
        for m in group:
            m.quote_tail = m.quote_tail or quoted
            if m.source is None and m.source_pronoun is None and m.quote_tail:
                speaker, kind = attr.speaker_after_quote(
                    _quote_tail(text, sent, sentences, idx), lang
                )
                m.source, m.source_pronoun = speaker, kind
            if m.source is None and m.source_pronoun is None and lang != "en":
                nxt = sentences[idx + 1] if idx + 1 < len(sentences) else None
                if nxt is not None:
                    src, outlet = slavic.this_said(nxt.text)
                    if src:
                        m.source, m.outlet = src, m.outlet or outlet
            if m.source is None and m.source_pronoun is None and m.quote_tail and lang == "en":
                m.source_pronoun = "person"
            if m.source_pronoun == "person" and m.source is None:
                m.source = last_person
            elif m.source_pronoun == "group" and m.source is None:
                m.source = last_source
            if m.source and re.fullmatch(
                r"(?i)the (?:newspaper|paper|outlet|publication)", m.source
            ):
                m.source = last_outlet or m.source
            elif m.source and _SOURCE_ANAPHOR.fullmatch(m.source) and last_source:
                m.source = last_source
            if idx == 0 and m.source is None and headline_src:
                m.source = headline_src
            if m.outlet is None and m.source and attr.is_outlet(m.source) and lang == "en":
                m.outlet = m.source
            if m.source is None and m.outlet:
                m.source = m.outlet
        # remember speakers named in this sentence, also when it holds no movement
        for m in group:
            if m.source:
                last_source = m.source
                if re.search(r"[A-ZА-ЯІЇЄ][\w'’-]+ [A-ZА-ЯІЇЄ][\w'’-]+", m.source) or (
                    m.source[:1].isupper() and len(m.source.split()) == 1
                ):
                    last_person = m.source
            if m.outlet:
                last_outlet = m.outlet
        names = _NAMED_SPEAKER.findall(sent.text)
        if names:
            last_person = names[-1]
        for pat in (r"(?:^|\s)(?:[A-Z][a-z]+ )?[A-Z][a-zčšž'’-]+(?=,? a spokes)",):
            found = re.findall(pat, sent.text)
            if found:
                last_person = found[-1].strip()
        outlet = attr.find_outlet(sent.text)
        if outlet:
            last_outlet = outlet


def _merge_chains(mentions: list[Mention]) -> list[Mention]:
    """Coordinated verbs in one sentence describe one movement: pulled out of X and sent to Y."""
    out: list[Mention] = []
    groups: dict[tuple[int, int], list[Mention]] = {}
    for m in mentions:
        groups.setdefault((m.sentence, m.chain), []).append(m)
    for members in groups.values():
        members.sort(key=lambda m: m.order)
        by_status: dict[str, list[Mention]] = {}
        for m in members:
            by_status.setdefault(m.status, []).append(m)
        for group in by_status.values():
            head = group[0]
            origins: list[str] = []
            dests: list[str] = []
            final = None
            for m in group:
                origins += [o for o in _split(m.extra.get("origins", "")) if o not in origins]
                d = _split(m.extra.get("dests", ""))
                if m.extra.get("final"):
                    final = d
                dests += [x for x in d if x not in dests]
                for f in ("source", "outlet", "agent"):
                    if getattr(head, f) is None:
                        setattr(head, f, getattr(m, f))
                if (head.unit is None or head.unit_anaphoric) and m.unit and not m.unit_anaphoric:
                    head.unit, head.unit_anaphoric = m.unit, False
            if len(group) > 1 and dests:
                # the last destination of a chain is where the movement ends
                dests = (
                    final or [dests[-1]] if len(dests) > 1 and not _coordinated(group) else dests
                )
            head.extra["origins"] = _SEP.join(origins)
            head.extra["dests"] = _SEP.join(dests)
            out.append(head)
    out.sort(key=lambda m: (m.sentence, m.order))
    # an origin-only movement borrows the destination of its neighbour in the sentence
    for i, m in enumerate(out):
        if m.extra.get("origins") and not m.extra.get("dests"):
            for n in (out[i - 1] if i > 0 else None, out[i + 1] if i + 1 < len(out) else None):
                if n is not None and n.sentence == m.sentence and n.extra.get("dests"):
                    m.extra["dests"] = n.extra["dests"]
                    if m.unit is None:
                        m.unit = n.unit
                    break
    return out


def _coordinated(group: list[Mention]) -> bool:
    """True when one member alone lists several destinations (a list, not a route)."""
    return any(len(_split(m.extra.get("dests", ""))) > 1 for m in group)


def _is_place_anaphor(text: str, lang: str) -> bool:
    low = text.lower().strip()
    if lang == "en":
        return low in lx.EN_PLACE_ANAPHORS
    return low in _SL_PLACE_ANAPHORS


def _non_place(text: str, lang: str) -> bool:
    """A lowercase phrase whose head is a generic spot ("new positions", "their bases")."""
    words = re.findall(r"[\w'’-]+", text)
    if not words or any(w[:1].isupper() for w in words):
        return False
    low = [w.lower() for w in words]
    if any(w in _PLACE_WORDS or w.rstrip("s") in _PLACE_WORDS for w in low):
        return False
    if any(w.startswith(_PLACE_STEMS) for w in low):
        return False
    if not any(w.startswith(_NON_PLACE_STEMS) for w in low):
        return False
    return resolve_place(text, lang) is None


def _expand(mentions: list[Mention], lang: str) -> list[Mention]:
    out: list[Mention] = []
    last_unit: str | None = None
    last_dest: str | None = None
    for m in mentions:
        if m.unit_anaphoric or m.unit is None:
            if last_unit and (
                m.unit is None
                or m.unit.lower() in lx.EN_UNIT_ANAPHORS
                or m.unit.lower() in ("їх", "их", "них")
            ):
                m.unit = last_unit
        else:
            last_unit = m.unit
        origins = _split(m.extra.get("origins", "")) or [""]
        dests = _split(m.extra.get("dests", "")) or [""]
        resolved_dests = []
        for d in dests:
            if d and _is_place_anaphor(d, lang) and last_dest:
                resolved_dests.append(last_dest)
            elif d and (_non_place(d, lang) or d.lower() in _UNANCHORED):
                # not a destination; the record lives on only if it has an origin
                resolved_dests.append("")
            else:
                resolved_dests.append(d)
        resolved_dests = [d for d in resolved_dests if d] or [""]
        origins = [o for o in origins if not (o and _non_place(o, lang))] or [""]
        if not any(resolved_dests):
            # "left the port" alone says nothing an analyst can place
            origins = [o for o in origins if not (o and _is_place_anaphor(o, lang))] or [""]
        for o in origins:
            for d in resolved_dests:
                if (o and d and _place_key(o, None) == _place_key(d, None)) or not (o or d):
                    continue
                c = Mention(**{f: getattr(m, f) for f in Mention.__slots__ if f != "extra"})
                c.extra = dict(m.extra)
                c.origin = o or None
                c.destination = d or None
                out.append(c)
        concrete = [
            d
            for d in resolved_dests
            if d and not d.lower().startswith(("the north", "the south", "the east", "the west"))
        ]
        if concrete:
            last_dest = concrete[-1]
    return out


_UNIT_STOP = {"the", "some", "of", "its", "their", "part", "частину", "частина", "часть", "частью"}
# Shared adjectives say nothing about whether two unit phrases name the same force.
_GENERIC_UNIT_PREFIXES = {"troop", "force", "units", "unit", "війсь", "войск", "сил", "сили",
                          "підро", "подра", "milit", "soldi", "військ"}  # fmt: skip
_UNIT_STOP_PREFIXES = {"военн", "війсь", "росси", "росій", "russi", "milit", "ukrai", "украї",
                       "украи", "other", "addit"}  # fmt: skip


def _compatible(keep: MovementRecord, other: MovementRecord, *, same: bool) -> bool:
    """``other`` may be folded into ``keep``: same status and related units, except that a
    headline (written in note form) folds into any body record of the same places."""
    if other.evidence_start == 0 and keep.evidence_start > 0:
        return True
    if keep.status != other.status:
        return False
    if not keep.unit or not other.unit or keep.evidence_start == 0:
        return True
    wa = {w[:5] for w in re.findall(r"\w+", keep.unit.lower()) if w not in _UNIT_STOP}
    wb = {w[:5] for w in re.findall(r"\w+", other.unit.lower()) if w not in _UNIT_STOP}
    # generic mentions ("troops", "війська") may refer to any force moving between the
    # same places; specific ones must share a word that is not a common adjective
    if same and (wa <= _GENERIC_UNIT_PREFIXES or wb <= _GENERIC_UNIT_PREFIXES):
        return True
    return bool((wa & wb) - _UNIT_STOP_PREFIXES)


def _merge_article(records: list[MovementRecord]) -> list[MovementRecord]:
    """Headline and body mentions of one movement collapse into the most complete record."""
    out: list[MovementRecord] = []
    for r in records:
        rk = (_place_key(r.origin, None), _place_key(r.destination, None))
        rp = (_key_of(r.origin_place), _key_of(r.destination_place))
        merged = False
        for i, o in enumerate(out):
            ok = (_place_key(o.origin, None), _place_key(o.destination, None))
            op = (_key_of(o.origin_place), _key_of(o.destination_place))
            # inflected forms of one resolved place ("Суджі"/"Суджу") are the same place
            s0 = _same_side(rk[0], ok[0], rp[0], op[0])
            s1 = _same_side(rk[1], ok[1], rp[1], op[1])
            same = s0 and s1
            r_partial_of_o = (not rk[0] or s0 or _same_place(rk[0], ok[0])) and (
                not rk[1] or s1 or _same_place(rk[1], ok[1])
            )
            o_partial_of_r = (not ok[0] or s0 or _same_place(ok[0], rk[0])) and (
                not ok[1] or s1 or _same_place(ok[1], rk[1])
            )
            if not (same or r_partial_of_o or o_partial_of_r):
                continue
            if same:
                # prefer the body sentence over the headline, then the fuller record
                keep, other = (r, o) if o.evidence_start == 0 and r.evidence_start > 0 else (o, r)
            else:
                keep, other = (o, r) if r_partial_of_o else (r, o)
            if not _compatible(keep, other, same=same):
                continue
            out[i] = _fill(keep, other)
            merged = True
            break
        if not merged:
            out.append(r)
    return _fold_vague_headlines(out)


_VAGUE_GOAL = re.compile(
    r"(?i)(?<!\w)(?:to|into|toward|towards|до|в|у|на|к)\s+(?:[\w'’-]+\s+)?(?:"
    + "|".join(sorted(_VAGUE_PLURALS))
    + r")(?!\w)"
)


def _fold_vague_headlines(records: list[MovementRecord]) -> list[MovementRecord]:
    """A headline going "to Donetsk towns" is the body's "to Pokrovsk and Kostiantynivka"
    said loosely: fold it into the body record instead of keeping a record of its own."""
    out = list(records)
    body_words: dict[int, set[str]] = {}
    for h in [r for r in records if r.evidence_start == 0 and r.destination]:
        words = {w.lower() for w in re.findall(r"[\w'’-]+", h.destination or "")}
        # "to villages near Kupiansk" reports Kupiansk, but the headline still speaks loosely
        vague = bool(words & _VAGUE_PLURALS) or bool(_VAGUE_GOAL.search(h.evidence))
        # "to the Donetsk region" in the headline, "to Pokrovsk in the Donetsk region" below
        dest_key = _place_key(h.destination, None).split()
        hk = _place_key(h.origin, None)
        for i, b in enumerate(out):
            if b.evidence_start == 0 or not b.destination or b.status != h.status:
                continue
            if h.side and b.side and h.side != b.side:
                continue
            if hk and not _same_place(hk, _place_key(b.origin, None)):
                continue
            if not vague:
                if b.evidence_start not in body_words:
                    body_words[b.evidence_start] = {
                        w[:5] for w in _place_key(b.evidence, None).split()
                    }
                body = body_words[b.evidence_start]
                named_below = bool(dest_key) and all(w[:5] in body for w in dest_key)
                if not named_below or not _compatible(b, h, same=True):
                    continue
                if _same_place(_place_key(b.destination, None), " ".join(dest_key)):
                    continue  # the ordinary merge has judged this pair already
            out[i] = _fill(b, h)
            out.remove(h)
            break
    return out


def _same_side(a: str, b: str, pa: str, pb: str) -> bool:
    """Same key, or inflected forms of one resolved place ("Суджі"/"Суджу")."""
    return a == b or bool(pa and pa == pb and a and b and a[:4] == b[:4])


def _key_of(place: PlaceMatch | None) -> str:
    return place.key if place is not None else ""


def _same_place(a: str, b: str) -> bool:
    """Same key, or one name's words contained in the other's ("buffer zone")."""
    if a == b:
        return True
    if not a or not b:
        return False
    # five-letter prefixes let inflected Cyrillic forms meet ("Курскую"/"Курской")
    wa, wb = {w[:5] for w in a.split()}, {w[:5] for w in b.split()}
    return wa <= wb or wb <= wa


def _fill(keep: MovementRecord, other: MovementRecord) -> MovementRecord:
    from dataclasses import replace

    updates = {}
    for f in ("unit", "unit_normalized", "unit_echelon", "side", "source", "source_role",
              "outlet", "quantity", "event_date", "date_precision"):  # fmt: skip
        if getattr(keep, f) is None and getattr(other, f) is not None:
            updates[f] = getattr(other, f)
    if updates.get("event_date") is not None:
        updates["date_precision"] = other.date_precision
    updates["confidence"] = min(0.99, max(keep.confidence, other.confidence) + 0.05)
    return replace(keep, **updates)


def _source_role(source: str | None) -> str | None:
    if not source:
        return None
    m = re.search(
        r"(?i)\b(minister|spokesperson|spokesman|spokeswoman|commander(?:-in-chief)?|president|"
        r"governor|secretary|chief|official|officials|general|adviser|речник|міністр|министр|"
        r"президент|командувач|командующий|губернатор|секретар|секретарь|пресс-секретарь|"
        r"головнокомандувач)\b",
        source,
    )
    return m.group(1).lower() if m else None


def extract(
    text: str, published: datetime.date | None = None, language: str | None = None
) -> list[MovementRecord]:
    """Movement records stated in ``text`` (headline first line, then body)."""
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    if language is not None and language not in ("en", "uk", "ru"):
        raise ValueError(f"unsupported language {language!r}; expected en, uk or ru")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text is {len(text)} characters; the limit is {MAX_TEXT_CHARS}")
    if not text.strip():
        return []
    clean = _clean(text)
    lang = language or detect_language(clean)
    sentences = split_sentences(clean)
    cued = [(i, s) for i, s in enumerate(sentences) if lx.MOVEMENT_CUE.search(s.text)]
    # bound the work on pathological input; real articles have a few dozen cued sentences
    cued = cued[:MAX_PARSED_SENTENCES]
    if lang == "en":
        from app.extraction.components import english

        mentions = english.extract(cued)
    else:
        from app.extraction.components import slavic

        mentions = slavic.extract(cued, lang)
    _attribute(mentions, sentences, clean, lang)
    mentions = _expand(_merge_chains(mentions), lang)
    records = []
    last_side: str | None = None
    for m in mentions:
        sent = sentences[m.sentence]
        origin_place = resolve_place(m.origin, lang) if m.origin else None
        dest_place = resolve_place(m.destination, lang) if m.destination else None
        norm, echelon = normalize_unit(m.unit)
        # whose force: the agent or the unit's own adjective; else the side of the previous
        # movement in the article; the sentence at large is the last resort
        side = side_of(m.agent, m.unit) or last_side
        if side is None:
            side = side_of(sent.text.replace(m.source, " ") if m.source else sent.text)
        last_side = side
        event_date, precision = resolve_date(sent.text, published)
        confidence = 0.55 + 0.15 * bool(m.origin and m.destination) + 0.1 * bool(m.source)
        confidence += 0.05 * bool(origin_place or dest_place) + 0.05 * bool(
            m.unit and not m.unit_anaphoric
        )
        records.append(
            MovementRecord(
                unit=m.unit,
                unit_normalized=norm,
                unit_echelon=echelon,
                side=side,
                origin=m.origin,
                origin_place=origin_place,
                destination=m.destination,
                destination_place=dest_place,
                source=m.source,
                source_role=_source_role(m.source),
                outlet=m.outlet,
                status=m.status,
                quantity=quantity(m.unit),
                event_date=event_date,
                date_precision=precision,
                evidence=text[sent.start : sent.end],
                evidence_start=sent.start,
                evidence_end=sent.end,
                confidence=round(min(confidence, 0.95), 2),
                language=lang,
            )
        )
    return _merge_article(records)
