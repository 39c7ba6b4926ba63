"""Who said it: reporting cues, outlets, and speakers carried across quotes."""

from __future__ import annotations

import re

# Publications commonly cited in conflict reporting (en / uk / ru spellings).
OUTLETS = (
    "Politico", "Reuters", "Associated Press", "AP", "AFP", "Agence France-Presse", "Bloomberg",
    "The Wall Street Journal", "Wall Street Journal", "WSJ", "The New York Times",
    "New York Times", "NYT", "The Washington Post", "Washington Post", "The Economist",
    "Financial Times", "FT", "The Guardian", "The Times", "The Telegraph", "BBC", "CNN", "NBC",
    "CBS", "ABC News", "Fox News", "Sky News", "Al Jazeera", "Der Spiegel", "Spiegel", "Bild",
    "Le Monde", "Kyiv Independent", "Kyiv Post", "Ukrainska Pravda", "Ukrinform", "Suspilne",
    "Espreso TV", "Espresso TV", "Hromadske", "RBC-Ukraine", "Interfax-Ukraine", "UNIAN",
    "Meduza", "Mediazona", "Novaya Gazeta", "TASS", "RIA Novosti", "RIA", "Interfax",
    "Kommersant", "Izvestia", "RBC", "Rossiya-1", "Rossiya 1", "Channel One", "Yonhap",
    "Kyodo", "Newsweek", "Axios", "Defense News", "Radio Liberty", "Radio Free Europe",
    "RFE/RL", "Voice of America", "Deutsche Welle", "DW",
    "Українська правда", "Укрінформ", "Суспільне", "Еспресо", "Громадське", "УНІАН",
    "ТАСС", "РИА Новости", "Интерфакс", "Коммерсант", "Известия", "РБК", "Медуза",
    "Медиазона", "Новая газета", "Россия-1", "Росія-1", "Первый канал", "Єдині новини",
)  # fmt: skip
OUTLET_RE = re.compile(
    r"(?<![\w])(?:"
    + "|".join(re.escape(o) for o in sorted(OUTLETS, key=len, reverse=True))
    + r")(?![\w])"
)
# Words that make an organisation name a publication.
MEDIA_WORD = re.compile(
    r"(?i)\b(?:TV|television|newspaper|news|times|post|journal|radio|news agency|channel|outlets?|"
    r"телеканал|телемарафон|газета|агентство|видання|издание|канал)\b"
)
PERSON_PRONOUNS = frozenset({"he", "she", "він", "вона", "он", "она"})
GROUP_PRONOUNS = frozenset({"they", "it", "вони", "воно", "они", "оно"})

# Speaker after a closing quote: «...», — сказав Волошин. / "...," he noted.
_QUOTE_TAIL = re.compile(r"^[\s,.;:]*[—–-]?\s*(?P<text>[^.!?]{1,160})", re.UNICODE)
EN_SAY = re.compile(
    r"\b(?:said|says|noted|notes|added|adds|told|tells|stressed|explained|wrote|writes|"
    r"reported|reports|claimed|claims|confirmed|warned|insisted|argued|stated|declared)\b"
)
SL_SAY = re.compile(
    r"(?i)\b(?:сказа\w*|зазнач\w*|заяви\w*|заяв\w*|повідоми\w*|розпові\w*|наголоси\w*|"
    r"дода\w*|підкресли\w*|пояснив\w*|написа\w*|отмети\w*|сообщи\w*|рассказа\w*|"
    r"подчеркну\w*|добави\w*|поясни\w*|уточни\w*)\b"
)


def speaker_after_quote(tail: str, lang: str) -> tuple[str | None, str | None]:
    """Return (speaker, pronoun kind) named right after a closing quote mark, if any."""
    m = _QUOTE_TAIL.match(tail)
    if not m:
        return None, None
    text = m.group("text").strip()
    say = EN_SAY if lang == "en" else SL_SAY
    sm = say.search(text)
    if not sm:
        return None, None
    before = text[: sm.start()].strip(" ,—–-")
    after = text[sm.end() :].strip(" ,—–-")
    # "he noted" / "сказав Волошин" / "Волошин сказав" / "the source said"
    cand = before or after
    cand = re.split(r"[,;]| on | in | to | at | під час | в ", cand)[0].strip()
    if not cand:
        return None, None
    low = cand.lower()
    if low in PERSON_PRONOUNS:
        return None, "person"
    if low in GROUP_PRONOUNS:
        return None, "group"
    if len(cand.split()) > 8:
        return None, None
    return cand, None


def find_outlet(text: str) -> str | None:
    """A known publication named in ``text``."""
    m = OUTLET_RE.search(text)
    return m.group(0) if m else None


def is_outlet(name: str | None) -> bool:
    """Whether ``name`` reads as a publication rather than a person or official body."""
    if not name:
        return False
    return bool(OUTLET_RE.search(name) or MEDIA_WORD.search(name))
