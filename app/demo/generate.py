"""Synthetic movements at scale: a busy war's worth of data for benchmarks and trials.

Articles and movements are written with ``COPY``; units, places and outlets follow Zipf-like
frequencies (a few appear everywhere, most rarely), dates span three years with a seasonal swell,
and every movement's evidence sentence is a real slice of its article's text. Place names come
from the gazetteer. The output is deterministic for a given seed.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import psycopg

from app.articles.service import content_hash

ProgressFn = Callable[[str], None]

GENERATED_EXTRACTOR = "synthetic-1"
# With this many movements or more, secondary indexes are dropped for the load and rebuilt after:
# building an index once is much faster than updating it a million times.
REBUILD_INDEXES_FROM = 50_000
CHUNK_ARTICLES = 10_000
# Countries whose places make up most of the synthetic war; other places appear rarely.
THEATRE_COUNTRIES = ("UA", "RU", "BY")
PROMINENT_KINDS = (
    "front_direction",
    "oblast",
    "military_district",
    "historical_region",
    "riverbank",
    "sea",
    "air_base",
    "exclave",
)

# Used when the gazetteer cannot be loaded: real places with their coordinates.
FALLBACK_PLACES: tuple[tuple[str, str, str, float, float], ...] = (
    ("Kursk Oblast", "oblast", "RU", 51.73, 36.19),
    ("Belgorod Oblast", "oblast", "RU", 50.6, 36.59),
    ("Bryansk Oblast", "oblast", "RU", 53.25, 34.37),
    ("Kharkiv Oblast", "oblast", "UA", 49.99, 36.23),
    ("Donetsk Oblast", "oblast", "UA", 48.0, 37.8),
    ("Zaporizhzhia Oblast", "oblast", "UA", 47.84, 35.14),
    ("Kherson Oblast", "oblast", "UA", 46.64, 32.61),
    ("Pokrovsk", "city", "UA", 48.28, 37.18),
    ("Kupiansk", "city", "UA", 49.71, 37.62),
    ("Kramatorsk", "city", "UA", 48.72, 37.56),
    ("Sumy", "city", "UA", 50.91, 34.8),
    ("Kaliningrad", "city", "RU", 54.71, 20.51),
    ("Rostov-on-Don", "city", "RU", 47.23, 39.72),
    ("Crimea", "oblast", "UA", 45.0, 34.1),
    ("Gomel", "city", "BY", 52.44, 30.98),
    ("Brest", "city", "BY", 52.1, 23.7),
)

OUTLETS = (
    "Reuters", "Associated Press", "Kyiv Independent", "Ukrainska Pravda", "BBC News",
    "The Guardian", "Meduza", "Novaya Gazeta Europe", "RBC-Ukraine", "Ukrinform", "Suspilne",
    "The Economist", "Politico", "Financial Times", "Le Monde", "Der Spiegel", "Espreso TV",
    "Hromadske", "Militarnyi", "Defense Express", "Radio Svoboda", "The New York Times",
    "Washington Post", "Wall Street Journal", "Bloomberg", "Al Jazeera", "Deutsche Welle",
    "Euronews", "LIGA.net", "NV", "Babel", "Zerkalo", "Nasha Niva", "The Insider", "iStories",
    "Mediazona", "Current Time", "Focus", "Glavcom", "Censor.net",
)  # fmt: skip

SOURCES = (
    ("General Staff of the Armed Forces of Ukraine", "organisation", "military command"),
    ("Russian Ministry of Defence", "organisation", "ministry"),
    ("Institute for the Study of War", "organisation", "think tank"),
    ("Ukrainian military intelligence (HUR)", "organisation", "intelligence service"),
    ("State Border Guard Service of Ukraine", "organisation", "border service"),
    ("Belarusian Hajun", "organisation", "monitoring group"),
    ("UK Ministry of Defence", "organisation", "ministry"),
    ("Oleksandr Syrskyi", "person", "commander-in-chief"),
    ("Andriy Demchenko", "person", "border service spokesman"),
    ("Vadym Skibitskyi", "person", "deputy intelligence chief"),
    ("Kurt Volker", "person", "former envoy"),
    ("Rochan Consulting", "organisation", "analysts"),
    ("DeepState", "organisation", "open-source mappers"),
    ("a regional governor", "person", "official"),
    ("a brigade spokesman", "person", "spokesman"),
    ("local residents", "person", "witnesses"),
    ("satellite imagery analysts", "organisation", "analysts"),
    ("a senior NATO official", "person", "official"),
    ("the Kremlin", "organisation", "government"),
    ("Ukraine's Operational Command South", "organisation", "military command"),
)

_UA_UNITS = (
    "Separate Mechanized Brigade", "Separate Assault Brigade", "Marine Brigade",
    "Airmobile Brigade", "Territorial Defense Brigade", "Separate Tank Brigade",
    "Artillery Brigade", "National Guard Brigade", "Army Corps",
)  # fmt: skip
_RU_UNITS = (
    "Motor Rifle Division", "Motor Rifle Regiment", "Motor Rifle Brigade", "Guards Tank Army",
    "Combined Arms Army", "Airborne Division", "Air Assault Division", "Naval Infantry Brigade",
    "Army Corps", "Tank Division", "Spetsnaz Brigade",
)  # fmt: skip
_GENERIC_UNITS = (
    ("troops", None), ("reserves", None), ("several battalions", None),
    ("North Korean troops", "North Korea"), ("Wagner fighters", "Russia"),
    ("assault groups", None), ("artillery units", None), ("air defence units", None),
)  # fmt: skip

_TEMPLATES: dict[str, tuple[str, ...]] = {
    "reported": (
        "{source} said the {unit} had moved from {origin} to {destination}.",
        "The {unit} was redeployed from {origin} to {destination}, {source} reported.",
        "According to {source}, {quantity}the {unit} arrived in {destination} from {origin}.",
        "{source} reported that the {unit} had been transferred from {origin} towards "
        "{destination}.",
    ),
    "planned": (
        "{source} said the {unit} was preparing to move from {origin} to {destination}.",
        "According to {source}, the {unit} will be redeployed from {origin} to {destination}.",
    ),
    "denied": (
        "{source} denied that the {unit} had left {origin} for {destination}.",
        "{source} rejected reports that the {unit} was moving from {origin} to {destination}.",
    ),
}
_FILLERS = (
    "Fighting continued along the front line.",
    "Officials gave no further details.",
    "The claim could not be independently verified.",
    "Satellite images published this week showed new field positions.",
    "Analysts said the shift reflected pressure on the sector.",
    "Shelling was reported overnight in several villages.",
)
_ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


@dataclass(frozen=True)
class Entity:
    id: int
    name: str
    side: str | None = None


@dataclass(frozen=True)
class GenerateStats:
    articles: int
    movements: int
    places: int
    units: int
    seconds: float


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else _ORDINAL_SUFFIX.get(n % 10, "th")
    return f"{n}{suffix}"


def _copy_text(value: Any) -> str:
    """One field in COPY's text format."""
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy_rows(rows: Iterator[Sequence[Any]]) -> Iterator[bytes]:
    batch: list[str] = []
    for row in rows:
        batch.append("\t".join(map(_copy_text, row)))
        if len(batch) >= 5000:
            yield ("\n".join(batch) + "\n").encode()
            batch.clear()
    if batch:
        yield ("\n".join(batch) + "\n").encode()


def _zipf_cum_weights(n: int, exponent: float = 1.07) -> list[float]:
    """Cumulative weights of ranks 1..n under a Zipf-like law (rank 1 is the most frequent)."""
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


PlaceRow = tuple[str, str, str, str | None, float, float]


def _theatre_places() -> list[PlaceRow]:
    """(key, name, kind, country, lat, lon) of places in the gazetteer, prominent ones first."""
    try:
        from app.extraction.gazetteer import iter_gazetteer
    except ImportError:
        return [
            (f"demo:{name.lower().replace(' ', '-')}", name, kind, country, lat, lon)
            for name, kind, country, lat, lon in FALLBACK_PLACES
        ]
    prominent: list[PlaceRow] = []
    towns: list[PlaceRow] = []
    elsewhere: list[PlaceRow] = []
    for entry in iter_gazetteer():
        if entry.lat is None or entry.lon is None:
            continue
        row = (entry.key, entry.name, entry.kind, entry.country, entry.lat, entry.lon)
        if entry.kind in PROMINENT_KINDS and entry.country in (*THEATRE_COUNTRIES, None):
            prominent.append(row)
        elif entry.country in THEATRE_COUNTRIES:
            towns.append(row)
        elif entry.kind in ("country", "air_base", "naval_base", "sea"):
            elsewhere.append(row)
    return prominent + towns + elsewhere


def _ensure_places(
    conn: psycopg.Connection[Any], rng: random.Random, limit: int = 3000
) -> list[Entity]:
    places = _theatre_places()
    head = places[:limit]
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE demo_place (key text, name text, kind text, country_code text,"
            " lat float8, lon float8) ON COMMIT DROP"
        )
        with cur.copy("COPY demo_place FROM STDIN") as copy:
            for chunk in _copy_rows(iter(head)):
                copy.write(chunk)
        cur.execute(
            "INSERT INTO place (key, name, kind, country_code, lat, lon, geo_precision)"
            " SELECT key, name, kind, country_code, lat, lon,"
            " CASE WHEN kind = 'city' THEN 2 ELSE 3 END FROM demo_place"
            " ON CONFLICT (key) DO NOTHING"
        )
        rows = cur.execute(
            "SELECT p.id, p.name, p.country_code FROM demo_place d JOIN place p USING (key)"
        ).fetchall()
    by_name = {name: Entity(id=pid, name=name, side=country) for pid, name, country in rows}
    # Keep the gazetteer's order (prominent first) but shuffle within the long tail of towns.
    ordered = [by_name[name] for _, name, *_ in head if name in by_name]
    unique = list(dict.fromkeys(ordered))
    top, rest = unique[:60], unique[60:]
    rng.shuffle(rest)
    return top + rest


def _unit_names(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """(name, echelon, side) of numbered formations, plus generic mentions."""
    names: dict[str, tuple[str, str, str]] = {}
    while len(names) < count:
        if rng.random() < 0.5:
            kind, side = rng.choice(_UA_UNITS), "Ukraine"
        else:
            kind, side = rng.choice(_RU_UNITS), "Russia"
        number = rng.randint(1, 250) if "Army" not in kind else rng.randint(1, 60)
        name = f"{_ordinal(number)} {kind}"
        names.setdefault(name, (name, kind.split()[-1].lower(), side))
    return list(names.values())


def _ensure_named(
    conn: psycopg.Connection[Any], table: str, rows: Sequence[tuple[Any, ...]], columns: str
) -> dict[str, int]:
    with conn.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(rows[0]))})"
            " ON CONFLICT (name) DO NOTHING",
            rows,
        )
        names = [row[0] for row in rows]
        found = cur.execute(
            f"SELECT name, id FROM {table} WHERE name = ANY(%s)", (names,)
        ).fetchall()
    return dict(found)


def _secondary_indexes(conn: psycopg.Connection[Any], tables: Sequence[str]) -> list[str]:
    """``CREATE INDEX`` statements of the indexes that back no constraint."""
    rows = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
        " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
        " LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid"
        " WHERE t.relname = ANY(%s) AND c.oid IS NULL AND t.relnamespace = 'public'::regnamespace",
        (list(tables),),
    ).fetchall()
    return [f"{name}\t{definition}" for name, definition in rows]


def generate(
    conn: psycopg.Connection[Any],
    *,
    articles: int,
    movements: int,
    seed: int = 20_240_801,
    end: date | None = None,
    progress: ProgressFn | None = None,
) -> GenerateStats:
    """Add ``articles`` articles carrying ``movements`` movements in one transaction.

    The caller commits (or rolls back). Existing rows are kept.
    """
    if articles < 1 or movements < 0:
        raise ValueError("articles must be at least 1 and movements at least 0")
    say = progress or (lambda message: None)
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not secrets)
    end = end or date.today()
    start = end - timedelta(days=3 * 365)
    span = (end - start).days

    places = _ensure_places(conn, rng)
    units_rows = _unit_names(rng, 1200)
    unit_ids = _ensure_named(conn, "unit", units_rows, "name, echelon, side")
    units = [Entity(unit_ids[name], name, side) for name, _, side in units_rows]
    rng.shuffle(units)
    # Vague mentions ("reserves") are common and resolve to no unit.
    generic = [Entity(-1, name, side) for name, side in _GENERIC_UNITS]
    units = [units[0], *generic[:3], *units[1:40], *generic[3:], *units[40:]]
    source_ids = _ensure_named(conn, "source", SOURCES, "name, kind, role")
    sources = [Entity(source_ids[name], name) for name, _, _ in SOURCES]
    say(f"{len(places)} places, {len(units)} units, {len(sources)} sources ready")

    place_cum = _zipf_cum_weights(len(places))
    unit_cum = _zipf_cum_weights(len(units))
    source_cum = _zipf_cum_weights(len(sources), 0.8)
    outlet_cum = _zipf_cum_weights(len(OUTLETS), 0.9)
    # Three years with a seasonal swell: more reports in late spring and late summer.
    day_weights = [
        1.0 + 0.45 * math.sin(2 * math.pi * (d / 365.0) - 0.6) + 0.2 * (d / span)
        for d in range(span)
    ]
    day_cum = list(itertools.accumulate(day_weights))

    rebuild = movements >= REBUILD_INDEXES_FROM
    dropped: list[str] = []
    with conn.cursor() as cur:
        cur.execute("LOCK TABLE article, movement IN SHARE ROW EXCLUSIVE MODE")
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        if rebuild:
            dropped = _secondary_indexes(conn, ("article", "movement"))
            for line in dropped:
                cur.execute(f"DROP INDEX {line.split(chr(9))[0]}")
            say(f"dropped {len(dropped)} secondary indexes for the load")
        next_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM article").fetchone()
        first_article = int(next_id[0]) if next_id else 1

    # Split the movements over the articles: a random composition, so counts vary per article.
    cuts = sorted(rng.sample(range(1, movements), articles - 1)) if movements > articles else []
    if cuts:
        bounds = [0, *cuts, movements]
        per_article = [b - a for a, b in itertools.pairwise(bounds)]
    else:
        per_article = [1 if i < movements else 0 for i in range(articles)]

    # Articles arrive over time, so ids grow with publication dates, as in a live database.
    all_days = sorted(rng.choices(range(len(day_cum)), cum_weights=day_cum, k=articles))
    written_articles = written_movements = 0
    for chunk_start in range(0, articles, CHUNK_ARTICLES):
        chunk_counts = per_article[chunk_start : chunk_start + CHUNK_ARTICLES]
        article_rows, movement_rows = _chunk(
            rng,
            first_id=first_article + chunk_start,
            counts=chunk_counts,
            days=all_days[chunk_start : chunk_start + CHUNK_ARTICLES],
            places=places,
            place_cum=place_cum,
            units=units,
            unit_cum=unit_cum,
            sources=sources,
            source_cum=source_cum,
            outlet_cum=outlet_cum,
            start=start,
        )
        with conn.cursor() as cur:
            with cur.copy(
                "COPY article (id, title, text, url, outlet, published_at, language,"
                " content_sha256, extraction_status, extractor_version) FROM STDIN"
            ) as copy:
                for block in _copy_rows(iter(article_rows)):
                    copy.write(block)
            with cur.copy(
                "COPY movement (article_id, unit_text, unit_id, side, origin_text,"
                " origin_place_id, destination_text, destination_place_id, source_text,"
                " source_id, outlet, status, quantity, event_date, date_precision, evidence,"
                " evidence_start, evidence_end, confidence, review_status, provenance,"
                " extractor_version) FROM STDIN"
            ) as copy:
                for block in _copy_rows(iter(movement_rows)):
                    copy.write(block)
        written_articles += len(article_rows)
        written_movements += len(movement_rows)
        say(f"{written_articles:,} articles, {written_movements:,} movements")

    with conn.cursor() as cur:
        cur.execute("SELECT setval(pg_get_serial_sequence('article', 'id'), max(id)) FROM article")
        for line in dropped:
            name, definition = line.split("\t", 1)
            cur.execute(definition)
            say(f"rebuilt {name}")
        cur.execute("ANALYZE article")
        cur.execute("ANALYZE movement")
        cur.execute("ANALYZE place")
    return GenerateStats(
        articles=written_articles,
        movements=written_movements,
        places=len(places),
        units=len(units),
        seconds=time.monotonic() - started,
    )


def _chunk(
    rng: random.Random,
    *,
    first_id: int,
    counts: Sequence[int],
    places: Sequence[Entity],
    place_cum: Sequence[float],
    units: Sequence[Entity],
    unit_cum: Sequence[float],
    sources: Sequence[Entity],
    source_cum: Sequence[float],
    outlet_cum: Sequence[float],
    days: Sequence[int],
    start: date,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    total = sum(counts)
    outlets = rng.choices(OUTLETS, cum_weights=outlet_cum, k=len(counts))
    origins = rng.choices(places, cum_weights=place_cum, k=total)
    destinations = rng.choices(places, cum_weights=place_cum, k=total)
    unit_picks = rng.choices(units, cum_weights=unit_cum, k=total)
    source_picks = rng.choices(sources, cum_weights=source_cum, k=total)
    article_rows: list[tuple[Any, ...]] = []
    movement_rows: list[tuple[Any, ...]] = []
    m = 0
    for i, count in enumerate(counts):
        article_id = first_id + i
        published = start + timedelta(days=days[i])
        outlet = outlets[i]
        parts: list[str] = [f"{outlet} report {article_id}."]
        offset = len(parts[0]) + 1
        for _ in range(count):
            origin, destination = origins[m], destinations[m]
            while destination.id == origin.id:
                destination = rng.choice(places[:200])
            row, sentence = _movement(
                rng,
                article_id=article_id,
                unit=unit_picks[m],
                origin=origin,
                destination=destination,
                source=source_picks[m],
                outlet=outlet,
                published=published,
                offset=offset,
            )
            movement_rows.append(row)
            parts.append(sentence)
            offset += len(sentence) + 1
            if rng.random() < 0.3:
                filler = rng.choice(_FILLERS)
                parts.append(filler)
                offset += len(filler) + 1
            m += 1
        text = " ".join(parts)
        first = movement_rows[-count][6] if count else None
        title = f"Troops shift towards {first}" if first else f"Front-line update {article_id}"
        slug = outlet.lower().replace(" ", "-").replace(".", "")
        article_rows.append(
            (
                article_id,
                title[:300],
                text,
                f"https://{slug}.example/news/{article_id}",
                outlet,
                published,
                "en",
                content_hash(text),
                "done",
                GENERATED_EXTRACTOR,
            )
        )
    return article_rows, movement_rows


def _movement(
    rng: random.Random,
    *,
    article_id: int,
    unit: Entity,
    origin: Entity,
    destination: Entity,
    source: Entity,
    outlet: str,
    published: date,
    offset: int,
) -> tuple[tuple[Any, ...], str]:
    roll = rng.random()
    status = "reported" if roll < 0.78 else "planned" if roll < 0.92 else "denied"
    quantity = None
    if rng.random() < 0.15:
        quantity = f"about {rng.choice((300, 500, 1_000, 1_500, 2_000, 5_000, 10_000)):,} troops"
    sentence = rng.choice(_TEMPLATES[status]).format(
        source=source.name,
        unit=unit.name,
        origin=origin.name,
        destination=destination.name,
        quantity=f"{quantity} of " if quantity else "",
    )
    sentence = sentence[0].upper() + sentence[1:]
    # Some places stay unresolved: only the surface text is known.
    origin_id: int | None = origin.id if rng.random() > 0.08 else None
    destination_id: int | None = destination.id if rng.random() > 0.05 else None
    undated = rng.random() < 0.01
    event_date = None if undated else published - timedelta(days=int(rng.expovariate(0.5)))
    review = rng.random()
    return (
        article_id,
        unit.name,
        None if unit.id < 0 else unit.id,
        unit.side,
        origin.name,
        origin_id,
        destination.name,
        destination_id,
        source.name,
        source.id,
        outlet,
        status,
        quantity,
        event_date,
        None if undated else "day",
        sentence,
        offset,
        offset + len(sentence),
        round(rng.uniform(0.35, 0.98), 2),
        "pending" if review < 0.7 else "confirmed" if review < 0.93 else "rejected",
        "extracted",
        GENERATED_EXTRACTOR,
    ), sentence
