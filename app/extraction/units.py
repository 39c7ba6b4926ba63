"""Unit normalisation: number, echelon and type of named formations; quantities; sides."""

from __future__ import annotations

import re

_ECHELONS = {
    "army": "army", "corps": "corps", "division": "division", "brigade": "brigade",
    "regiment": "regiment", "battalion": "battalion", "company": "company", "fleet": "fleet",
    "flotilla": "flotilla", "group": "group", "squadron": "squadron",
    "армія": "army", "армия": "army", "корпус": "corps", "дивізія": "division",
    "дивизия": "division", "бригада": "brigade", "полк": "regiment", "батальйон": "battalion",
    "батальон": "battalion", "рота": "company", "флот": "fleet", "флотилія": "flotilla",
    "флотилия": "flotilla",
}  # fmt: skip
_SL_ECHELON_STEMS = {
    "арм": "army", "корп": "corps", "диві": "division", "диви": "division", "бриг": "brigade",
    "полк": "regiment", "бата": "battalion", "рот": "company", "флот": "fleet",
}  # fmt: skip
_TYPES = {
    "десантно-штурмов": "Air Assault", "повітряно-десантн": "Airborne",
    "воздушно-десантн": "Airborne", "механізован": "Mechanized", "механизированн": "Mechanized",
    "мотострілецьк": "Motor Rifle", "мотострелков": "Motor Rifle", "танков": "Tank",
    "штурмов": "Assault", "артилерійськ": "Artillery", "артиллерийск": "Artillery",
    "армійськ": "Army", "армейск": "Army", "загальновійськов": "Combined Arms",
    "общевойсков": "Combined Arms", "гвардійськ": "Guards", "гвардейск": "Guards",
    "морської піхоти": "Naval Infantry", "морской пехоты": "Naval Infantry",
    "окрем": "Separate", "отдельн": "Separate", "гірськ": "Mountain", "горн": "Mountain",
}  # fmt: skip
_EN_UNIT = re.compile(
    r"(?P<num>\d{1,4})(?:st|nd|rd|th)?\s+(?P<body>(?:[A-Z][\w-]*\s+){0,6}?)"
    r"(?P<ech>Army|Corps|Division|Brigade|Regiment|Battalion|Company|Fleet|Flotilla|Squadron)\b"
)
_SL_UNIT = re.compile(
    r"(?i)(?P<num>\d{1,4})-?(?:[а-яіїє]{1,3})?\s+(?P<body>(?:[а-яіїєґ'-]+\s+){0,5}?)"
    r"(?P<ech>арм\w*|корпус\w*|дивізі\w*|дивизи\w*|бригад\w*|полк\w*|батальйон\w*|батальон\w*|"
    r"рот[аиуы]|флот\w*)"
)
_QUANTITY = re.compile(
    r"(?i)(?:(?:about|some|around|roughly|nearly|almost|more than|over|up to|at least|"
    r"близько|понад|більше|майже|около|более|свыше|почти|до)\s+)?"
    r"(?:\d[\d,. ]*\d|\d)(?:\s*(?:thousand|million|тисяч\w*|тысяч\w*|млн))?"
    r"|(?i:several hundred|several thousand|hundreds|thousands|dozens|several|a few|"
    r"сотні|сотни|тисячі|тысячи|десятки|кілька|несколько)"
)
_SIDES = {
    "russia": "Russia", "russian": "Russia", "russians": "Russia", "moscow": "Russia",
    "kremlin": "Russia", "росія": "Russia", "россия": "Russia", "росси": "Russia",
    "росі": "Russia", "російськ": "Russia",
    "российск": "Russia", "рф": "Russia", "ukraine": "Ukraine", "ukrainian": "Ukraine",
    "kyiv": "Ukraine", "україна": "Ukraine", "україн": "Ukraine", "украин": "Ukraine",
    "зсу": "Ukraine", "всу": "Ukraine", "belarus": "Belarus", "belarusian": "Belarus",
    "minsk": "Belarus", "білорус": "Belarus", "белорус": "Belarus", "беларус": "Belarus",
    "north korea": "North Korea", "north korean": "North Korea", "pyongyang": "North Korea",
    "кндр": "North Korea", "північна корея": "North Korea", "северная корея": "North Korea",
    "israel": "Israel", "israeli": "Israel", "united states": "United States",
    "american": "United States", "pentagon": "United States", "washington": "United States",
    "us": "United States", "u.s.": "United States", "wagner": "Wagner", "вагнер": "Wagner",
    "rsf": "RSF", "burundi": "Burundi", "burundian": "Burundi", "rwanda": "Rwanda",
    "rwandan": "Rwanda", "congolese": "DR Congo", "china": "China", "chinese": "China",
    "iran": "Iran", "iranian": "Iran", "hezbollah": "Hezbollah", "syria": "Syria",
    "syrian": "Syria", "turkey": "Turkey", "turkish": "Turkey", "poland": "Poland",
    "polish": "Poland", "british": "United Kingdom", "britain": "United Kingdom",
    "uk": "United Kingdom", "french": "France", "france": "France", "german": "Germany",
    "germany": "Germany", "nato": "NATO", "противник": "Russia", "ворог": "Russia",
    "окупант": "Russia", "sudan": "Sudan", "sudanese": "Sudan",
}  # fmt: skip
_SIDE_RE = re.compile(
    r"(?i)(?<![\w])(" + "|".join(re.escape(k) for k in sorted(_SIDES, key=len, reverse=True)) + r")"
)


def normalize_unit(unit: str | None) -> tuple[str | None, str | None]:
    """(normalised name, echelon) for a specific numbered formation, else (None, echelon?)."""
    if not unit:
        return None, None
    m = _EN_UNIT.search(unit)
    if m:
        num = int(m.group("num"))
        body = " ".join(m.group("body").split())
        ech = m.group("ech").lower()
        name = " ".join(p for p in (_ordinal(num), body, m.group("ech")) if p)
        return name, _ECHELONS.get(ech, ech)
    m = _SL_UNIT.search(unit)
    if m:
        num = int(m.group("num"))
        body = m.group("body").lower()
        ech_word = m.group("ech").lower()
        ech = next((v for k, v in _SL_ECHELON_STEMS.items() if ech_word.startswith(k)), None)
        types = [v for k, v in _TYPES.items() if " " in k and k in body]
        for word in body.split():
            match = max(
                (k for k in _TYPES if " " not in k and word.startswith(k)), key=len, default=None
            )
            if match:
                types.append(_TYPES[match])
        name = " ".join([_ordinal(num), *dict.fromkeys(types), (ech or "").title()]).strip()
        return name, ech
    for word in re.findall(r"[\w-]+", unit.lower()):
        if word.rstrip("s") in _ECHELONS:
            return None, _ECHELONS[word.rstrip("s")]
    return None, None


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def quantity(unit: str | None) -> str | None:
    """Size stated in the unit phrase ("about 1,500", "several battalions")."""
    if not unit:
        return None
    for m in _QUANTITY.finditer(unit):
        text = m.group(0).strip()
        if not text:
            continue
        # a number glued to an echelon ("76th Division") is a name, not a size
        after = unit[m.end() : m.end() + 3]
        if re.match(r"(?:st|nd|rd|th|-)", after) or re.match(r"\d+-", text):
            continue
        return text
    return None


def side_of(*texts: str | None) -> str | None:
    """The first force owner named in the given phrases (agent first, then the unit)."""
    for t in texts:
        if not t:
            continue
        m = _SIDE_RE.search(t)
        if m:
            key = m.group(1).lower()
            return _SIDES.get(key) or next(
                (v for k, v in _SIDES.items() if key.startswith(k)), None
            )
    return None
