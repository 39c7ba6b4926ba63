"""Fuzzy lookup of places, units and sources for autocomplete (pg_trgm)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import Session

from app.entities.models import Place, Source, Unit

EntityKind = Literal["place", "unit", "source"]
ENTITY_KINDS: tuple[EntityKind, ...] = ("place", "unit", "source")
WORD_THRESHOLD = 0.4


@dataclass(frozen=True)
class Suggestion:
    id: int
    name: str
    detail: str


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def suggest(session: Session, kind: EntityKind, query: str, *, limit: int = 8) -> list[Suggestion]:
    """Best matches for ``query``: prefixes, then trigram-similar names (``%`` and ``%>``, both
    served by the name's GIN trigram index), most similar first."""
    q = query.strip()[:200]
    if not q:
        return []
    models: dict[str, type[Place] | type[Unit] | type[Source]] = {
        "place": Place,
        "unit": Unit,
        "source": Source,
    }
    model = models[kind]
    name = model.name
    # The default word-similarity cut-off (0.6) misses one-letter transliteration differences
    # ("Briansk" ~ "Bryansk Oblast" scores 0.45); lowered for this transaction only.
    session.execute(
        select(func.set_config("pg_trgm.word_similarity_threshold", str(WORD_THRESHOLD), True))
    )
    # Word similarity finds "Briansk" in "Bryansk Oblast"; plain similarity ranks whole names.
    score = func.greatest(func.similarity(name, literal(q)), func.word_similarity(literal(q), name))
    prefix = name.ilike(_escape_like(q) + "%", escape="\\")
    columns = [model.id, name, score.label("score"), prefix.label("prefix")]
    if model is Place:
        columns += [Place.kind, Place.country_code]
    elif model is Unit:
        columns += [Unit.echelon, Unit.side]
    else:
        columns += [Source.kind, Source.role]
    stmt = (
        select(*columns)
        .where(or_(name.op("%")(q), name.op("%>")(q), prefix))
        .order_by(prefix.desc(), score.desc(), name)
        .limit(limit)
    )
    found = [
        Suggestion(
            id=row[0],
            name=row[1],
            detail=", ".join(str(part) for part in row[4:] if part),
        )
        for row in session.execute(stmt)
    ]
    if model is Place and len(found) < limit and len(q) >= 3 and not q.isascii():
        found += _places_by_alias(
            session, q, exclude={s.id for s in found}, limit=limit - len(found)
        )
    return found


def _places_by_alias(
    session: Session, q: str, *, exclude: set[int], limit: int
) -> list[Suggestion]:
    """Places whose aliases (other spellings, Ukrainian and Russian names) start with ``q``.

    Names are in Latin script, so only non-Latin queries ask, and only when names gave too few
    matches: the aliases have no index, so this scans the table (0.1-0.2 s for 42,000 places)."""
    alias = func.unnest(Place.aliases).column_valued("alias_name")
    matching = (
        select(alias)
        .where(alias.ilike(_escape_like(q) + "%", escape="\\"))
        .limit(1)
        .scalar_subquery()
    )
    stmt = (
        select(Place.id, Place.name, Place.kind, Place.country_code, matching.label("alias"))
        .where(matching.is_not(None))
        .order_by(Place.geo_precision.desc().nulls_last(), Place.name)
        .limit(limit + len(exclude))
    )
    return [
        Suggestion(
            id=row.id,
            name=row.name,
            detail=", ".join(str(part) for part in (row.kind, row.country_code, row.alias) if part),
        )
        for row in session.execute(stmt)
        if row.id not in exclude
    ][:limit]
