"""Lemmas for the English words the grammar keys on, without spaCy's lemmatizer.

The rule lemmatizer costs about a fifth of the parse time, and the extractor only compares
lemmas against its own lexicons, so a table of generated inflections does the same job.
"""

from __future__ import annotations

from functools import lru_cache

from app.extraction import lexicon as lx

_IRREGULAR = {
    "send": ("sent",), "withdraw": ("withdrew", "withdrawn"), "fly": ("flew", "flown"),
    "bring": ("brought",), "leave": ("left",), "go": ("went", "gone"), "come": ("came",),
    "drive": ("drove", "driven"), "say": ("said",), "tell": ("told",),
    "write": ("wrote", "written"), "show": ("shown",), "begin": ("began", "begun"),
    "make": ("made",), "take": ("took", "taken"), "hold": ("held",), "be": (
        "is", "are", "was", "were", "been", "being", "am", "'s", "'re", "'m",
    ), "have": ("has", "had", "'ve", "'d"), "do": ("does", "did", "done"),
    "will": ("'ll",), "shall": (), "can": ("could",), "may": ("might",),
    "set": ("set",), "see": ("saw", "seen"), "run": ("ran",), "lead": ("led",),
    "give": ("gave", "given"), "get": ("got", "gotten"), "know": ("knew", "known"),
    "rise": ("rose", "risen"), "stand": ("stood",), "speak": ("spoke", "spoken"),
    "put": ("put",), "cut": ("cut",), "keep": ("kept",), "find": ("found",),
    "seek": ("sought",), "think": ("thought",), "meet": ("met",), "fall": ("fell", "fallen"),
    "bus": ("bussed", "bussing", "busses"),
}  # fmt: skip
_EXTRA_VERBS = {
    "be", "have", "do", "begin", "start", "continue", "deny", "reject", "refute", "dismiss",
    "make", "conduct", "complete", "finish", "land", "plan", "intend", "prepare", "expect",
    "aim", "decide", "agree", "order", "need", "schedule", "set", "station", "hold", "take",
    "strike", "keep", "mount", "equip", "arm", "force", "seize", "capture", "push",
}  # fmt: skip


def _regular(base: str) -> set[str]:
    forms = {base}
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {base + "es", base + "ed"}
    else:
        forms.add(base + "s")
        forms.add(base + "d" if base.endswith("e") else base + "ed")
    forms.add(base[:-1] + "ing" if base.endswith("e") and not base.endswith("ee") else base + "ing")
    # doubled final consonant: ship -> shipped, plan -> planned, drop -> dropped
    if (
        len(base) >= 3
        and base[-1] in "bdgmnprt"
        and base[-2] in "aeiou"
        and base[-3] not in "aeiou"
    ):
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return forms


def _table() -> dict[str, str]:
    verbs = (
        lx.EN_MOVE_VERBS | lx.EN_REPORT_VERBS | lx.EN_DEMAND_VERBS | lx.EN_PLAN_CUES
        | lx.EN_PURPOSE_VERBS | lx.EN_TRANSPORT_VERBS | lx.EN_OBJECT_IS_ORIGIN
        | lx.EN_OBJECT_IS_DESTINATION | _EXTRA_VERBS
    )  # fmt: skip
    table: dict[str, str] = {}
    for base in sorted(verbs):
        for form in _regular(base) | set(_IRREGULAR.get(base, ())):
            table.setdefault(form, base)
    return table


_VERB_FORMS = _table()


@lru_cache(maxsize=50_000)
def lemma(text: str, tag: str) -> str:
    """Lemma of a token from its text and fine-grained tag."""
    low = text.lower()
    if tag.startswith("VB") or tag == "MD":
        return _VERB_FORMS.get(low, low)
    if tag in ("NNS", "NNPS") and len(low) > 3:
        if low.endswith("ies"):
            return low[:-3] + "y"
        if low.endswith(("ches", "shes", "sses", "xes")):
            return low[:-2]
        if low.endswith("s") and not low.endswith("ss"):
            return low[:-1]
    return low
