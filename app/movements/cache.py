"""Aggregates kept between requests until the data they count changes.

Facets, timeline lanes, map routes and counts over a million rows cost tens to hundreds of
milliseconds each, and many analysts ask for the same broad views. Each process keeps the
results it computed, keyed by what was asked and by the database's *data version*: the
``data_version`` sequence that every statement changing movement, article, place, unit or source
advances (migration 0107). A kept result is served while the version is unchanged, so an edit is
reflected on the very next request, in every process, with no time-based expiry.

Why the result is correct, step by step:

1. The version ``v`` is read first. Every writer advances the sequence in a statement trigger
   *after* taking a shared advisory lock that it holds until its transaction ends.
2. Before computing, the reader checks that no transaction holds that lock (its own included).
   Then every change numbered ``<= v`` has committed (or rolled back), so the figures computed
   next, in newer snapshots, include all of them: storing them under ``v`` is safe.
   A writer in flight means the figures are computed but not kept.
3. A change committed later advanced the sequence past ``v``: nobody asks for ``v`` again.

Sequences are not transactional: writers never wait for each other or for readers here, and a
rolled-back writer only costs one recomputation. Kept values are shared between requests and
threads: callers must treat them as read-only.

What one process computed, the others find in the ``kept_aggregate`` table under the same
rules (the version is stored with the value), so a page computed by one uvicorn worker is not
computed again by the next.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.movements.cache_models import KeptAggregate

log = logging.getLogger(__name__)

T = TypeVar("T")
# The data version: the sequence's oid, its last value and whether that value was handed out.
Version = tuple[int, int, bool]

# The advisory lock the writers' trigger holds (migration 0107): "tw" and "dv" in ASCII.
LOCK_KEYS = (29815, 25718)

# The sequence's identity is part of the version: a database restored from a dump recreates
# the sequence (a new oid) and may set it back to a value this process has already seen.
_VERSION = text("SELECT 'data_version'::regclass::oid, last_value, is_called FROM data_version")
_WRITERS = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND classid = :k1 AND objid = :k2 AND objsubid = 2)"
)


@dataclass(frozen=True)
class CacheStats:
    hits: int
    # Found in the database, kept there by another process.
    shared_hits: int
    misses: int
    # Results computed while a writer was in flight, so not kept.
    unkept: int
    entries: int
    weight: int


class AggregateCache:
    """A least-recently-used map of ``key -> (data version, value)``, bounded by total weight.

    A value's weight is a rough count of the bytes it holds (callers estimate it from its rows),
    so that a few big timelines cannot push the process's memory up: the least recently used
    entries go first past ``max_weight``.
    """

    def __init__(
        self, *, max_weight: int = 64 * 2**20, enabled: bool = True, shared: bool = True
    ) -> None:
        self.max_weight = max_weight
        self.enabled = enabled
        self._entries: OrderedDict[Hashable, tuple[Version, Any, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        # One lock per key being computed: concurrent requests for the same missing value
        # wait for the first to compute it instead of all computing it.
        self._computing: dict[Hashable, threading.Lock] = {}
        self._hits = self._misses = self._unkept = self._shared_hits = 0
        # Also keep results in the database for the app's other processes (kept_aggregate).
        self.shared = shared

    def get(
        self,
        session: Session,
        key: Hashable,
        compute: Callable[[], T],
        *,
        weight: Callable[[T], int] = lambda _value: 1_000,
    ) -> T:
        """The value kept under ``key`` for the current data version, else ``compute()``."""
        if not self.enabled:
            return compute()
        version = data_version(session)
        found = self._lookup(key, version)
        if found is not None:
            return found[0]  # type: ignore[no-any-return]
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            try:
                # Another request may have computed it while this one waited.
                found = self._lookup(key, version)
                if found is not None:
                    return found[0]  # type: ignore[no-any-return]
                # While a writer is in flight nothing is kept, nor looked for in the shared
                # store: the version is about to change anyway.
                keep = not writers_in_flight(session)
                digest = _digest(key)
                if keep and self.shared:
                    found = _shared_lookup(session, digest, version)
                    if found is not None:
                        with self._lock:
                            self._shared_hits += 1
                            self._store(key, version, found[0], max(1, weight(found[0])))
                        return found[0]  # type: ignore[no-any-return]
                value = compute()
                with self._lock:
                    self._misses += 1
                    if keep:
                        self._store(key, version, value, max(1, weight(value)))
                    else:
                        self._unkept += 1
                if keep and self.shared:
                    _shared_store(session, digest, version, value)
                return value
            finally:
                with self._lock:
                    self._computing.pop(key, None)

    def _lookup(self, key: Hashable, version: Version) -> tuple[Any] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version:
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return (entry[1],)

    def _store(self, key: Hashable, version: Version, value: Any, weight: int) -> None:
        if weight > self.max_weight:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._weight -= old[2]
        self._entries[key] = (version, value, weight)
        self._weight += weight
        while self._weight > self.max_weight:
            _, (_, _, dropped) = self._entries.popitem(last=False)
            self._weight -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weight = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(
                hits=self._hits,
                shared_hits=self._shared_hits,
                misses=self._misses,
                unkept=self._unkept,
                entries=len(self._entries),
                weight=self._weight,
            )


# -- the processes' shared store -------------------------------------------------------------
#
# Each process keeps what it computed; the kept_aggregate table lets the others (uvicorn
# workers, other hosts) reuse it instead of computing it again. A process that finds no row
# takes a transaction-level advisory lock on the key first: while another process computes the
# same value, it waits for that request to end and then reads its row.

_LOCK_CLASS = 29816
_SHARED_LOCK = text("SELECT pg_advisory_xact_lock(:cls, :key)")
_STORE_POOLS: dict[str, Engine] = {}
_STORE_POOLS_LOCK = threading.Lock()
# Rows of older data versions are never read again: they are swept now and then.
_SWEEP_EVERY = 50
_stores = itertools.count()


def _digest(key: Hashable) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()


def _version_text(version: Version) -> str:
    return ":".join(str(part) for part in version)


def _shared_lookup(session: Session, digest: str, version: Version) -> tuple[Any] | None:
    session.execute(_SHARED_LOCK, {"cls": _LOCK_CLASS, "key": int(digest[:7], 16)})
    row = session.execute(
        select(KeptAggregate.value).where(
            KeptAggregate.key_hash == digest, KeptAggregate.version == _version_text(version)
        )
    ).first()
    if row is None:
        return None
    # Written by this app's own processes only (see _shared_store).
    return (pickle.loads(row.value),)  # noqa: S301


def _store_pool(session: Session) -> Engine:
    """A small autocommit pool beside the app's: a row kept now outlives this request's
    transaction (which reads only and is rolled back), and the app's pool is left alone."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    name = engine.url.render_as_string(hide_password=False)
    with _STORE_POOLS_LOCK:
        pool = _STORE_POOLS.get(name)
        if pool is None:
            pool = _STORE_POOLS[name] = create_engine(
                engine.url, pool_size=1, max_overflow=1, pool_timeout=1.0, pool_pre_ping=True,
                isolation_level="AUTOCOMMIT",
            )  # fmt: skip
    return pool


def _shared_store(session: Session, digest: str, version: Version, value: Any) -> None:
    """Keep ``value`` for the other processes; a failure only costs them a recomputation."""
    current = _version_text(version)
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with _store_pool(session).connect() as conn:
            stmt = insert(KeptAggregate).values(key_hash=digest, version=current, value=data)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[KeptAggregate.key_hash],
                    set_={"version": current, "value": data, "stored_at": func.now()},
                )
            )
            if next(_stores) % _SWEEP_EVERY == 0:
                conn.execute(delete(KeptAggregate).where(KeptAggregate.version != current))
    except (SQLAlchemyError, pickle.PicklingError) as exc:
        log.warning("could not share a kept aggregate: %s", exc)


def data_version(session: Session) -> Version:
    """The database's current data version (see the module's docstring)."""
    oid, value, called = session.execute(_VERSION).one()
    return int(oid), int(value), bool(called)


def writers_in_flight(session: Session) -> bool:
    """True while any transaction that changed the aggregated tables has not ended."""
    k1, k2 = LOCK_KEYS
    return bool(session.execute(_WRITERS, {"k1": k1, "k2": k2}).scalar_one())


# The process's cache: configured from the settings when the app is created.
aggregate_cache = AggregateCache()
