"""Feed sources and the entries already seen, in SQLite (tables ``sources``, ``feed_entries``).

The database is the truth of what is due and what was imported: a restart, a missed
scheduler run or a second process loses nothing and imports nothing twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.config import SourceSettings
from bot.store import tx
from bot.store.db import run, run_many
from bot.store.relevance import SHOWN_OF_SOURCE, apply_source_topic


@dataclass(frozen=True)
class SourceRow:
    id: int
    name: str
    url: str
    province: str | None
    interval_minutes: int | None
    enabled: bool
    origin: str  # config | chat
    etag: str | None
    last_modified: str | None
    last_fetch_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    failures: int
    next_due_at: datetime | None
    entries_total: int
    kind: str = "feed"  # feed | page
    topic: str = "filter"  # filter | all (see [[sources]] topic)

    @property
    def state(self) -> str:
        """ok | failing | disabled | never_fetched (the states ``stats`` counts)."""
        if not self.enabled:
            return "disabled"
        if self.last_fetch_at is None:
            return "never_fetched"
        return "failing" if self.failures else "ok"


@dataclass(frozen=True)
class SeenEntry:
    article_id: int | None
    content_hash: str


_COLUMNS = (
    "id, name, url, province, interval_minutes, enabled, origin, etag, last_modified,"
    " last_fetch_at, last_success_at, last_error, failures, next_due_at, entries_total, kind,"
    " topic"
)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _row(r: Sequence[Any]) -> SourceRow:
    return SourceRow(
        id=int(r[0]),
        name=r[1],
        url=r[2],
        province=r[3],
        interval_minutes=r[4],
        enabled=bool(r[5]),
        origin=r[6],
        etag=r[7],
        last_modified=r[8],
        last_fetch_at=_dt(r[9]),
        last_success_at=_dt(r[10]),
        last_error=r[11],
        failures=int(r[12]),
        next_due_at=_dt(r[13]),
        entries_total=int(r[14]),
        kind=str(r[15] or "feed"),
        topic=str(r[16] or "filter"),
    )


async def sync_config_sources(db: aiosqlite.Connection, sources: Sequence[SourceSettings]) -> None:
    """Upsert the configured sources by name; disable config sources no longer configured.

    Sources added from chat (origin 'chat') are left alone, and a source an admin paused
    stays paused. A changed URL forgets the validators (ETag/Last-Modified) of the old one
    and makes the source due now.
    """
    # Single statements, no explicit transaction: the aiosqlite connection is shared by
    # concurrent coroutines, and a BEGIN here could collide with another's transaction.
    before = {row.name: row.topic for row in await list_sources(db)}
    await run_many(
        db,
        "INSERT INTO sources(name, url, province, interval_minutes, enabled, origin, kind)"
        " VALUES (?, ?, ?, ?, ?, 'config', ?)"
        " ON CONFLICT(name) DO UPDATE SET"
        "  etag = CASE WHEN url = excluded.url THEN etag END,"
        "  last_modified = CASE WHEN url = excluded.url THEN last_modified END,"
        "  next_due_at = CASE WHEN url = excluded.url THEN next_due_at END,"
        "  url = excluded.url, province = excluded.province,"
        "  interval_minutes = excluded.interval_minutes,"
        "  enabled = excluded.enabled AND NOT admin_paused, origin = 'config',"
        "  kind = excluded.kind",
        [(s.name, s.url, s.province, s.interval_minutes, int(s.enabled), s.kind) for s in sources],
    )
    names = [s.name for s in sources]
    where = f" AND name NOT IN ({','.join('?' * len(names))})" if names else ""
    await run(db, f"UPDATE sources SET enabled = 0 WHERE origin = 'config'{where}", names)
    for s in sources:
        if before.get(s.name, "filter") != s.topic:
            await set_topic(db, s.name, s.topic)


async def add_source(
    db: aiosqlite.Connection,
    name: str,
    url: str,
    *,
    province: str | None = None,
    origin: str = "chat",
    kind: str = "feed",
    topic: str = "filter",
) -> SourceRow:
    """Add a source (from chat); an existing name keeps its row. Due at once."""
    await run(
        db,
        "INSERT INTO sources(name, url, province, origin, kind, topic)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO NOTHING",
        (name, url, province, origin, kind, topic),
    )
    found = await get_source(db, name)
    assert found is not None
    return found


async def set_topic(db: aiosqlite.Connection, name: str, topic: str) -> int | None:
    """Change a source's topic ("filter" | "all") and apply it to the articles it already
    brought in, in one write transaction. Returns the change in how many of them users see
    (None: no such source)."""
    found = await get_source(db, name)
    if found is None:
        return None
    return await tx.write(db, _set_topic, found.id, topic)


def _set_topic(conn: sqlite3.Connection, source_id: int, topic: str) -> int:
    (before,) = conn.execute(SHOWN_OF_SOURCE, (source_id,)).fetchone()
    conn.execute("UPDATE sources SET topic = ? WHERE id = ?", (topic, source_id)).close()
    apply_source_topic(conn, source_id, topic)
    (after,) = conn.execute(SHOWN_OF_SOURCE, (source_id,)).fetchone()
    return int(after) - int(before)


@dataclass(frozen=True)
class SourceCounts:
    """What a source brought in: shown to users (kept) and left out by the classifier."""

    kept: int = 0
    filtered: int = 0


async def counts_by_source(db: aiosqlite.Connection) -> dict[str, SourceCounts]:
    """Kept and filtered articles per ``articles.source`` (feed name or file), from the
    covering index articles_source_relevance."""
    sql = "SELECT source, sum(relevance >= 1), sum(relevance < 1) FROM articles GROUP BY source"
    async with db.execute(sql) as cur:
        return {
            str(name): SourceCounts(int(kept), int(filtered))
            for name, kept, filtered in await cur.fetchall()
        }


async def set_enabled(db: aiosqlite.Connection, name: str, enabled: bool) -> bool:
    """An admin's pause or resume; a pause outlives restarts (the config sync keeps it)."""
    changed = await run(
        db,
        "UPDATE sources SET enabled = ?, admin_paused = ? WHERE name = ?",
        (int(enabled), int(not enabled), name),
    )
    return changed > 0


async def list_sources(db: aiosqlite.Connection) -> list[SourceRow]:
    async with db.execute(f"SELECT {_COLUMNS} FROM sources ORDER BY name") as cur:
        return [_row(tuple(r)) for r in await cur.fetchall()]


async def get_source(db: aiosqlite.Connection, name: str) -> SourceRow | None:
    async with db.execute(f"SELECT {_COLUMNS} FROM sources WHERE name = ?", (name,)) as cur:
        r = await cur.fetchone()
    return _row(tuple(r)) if r else None


async def due_sources(db: aiosqlite.Connection, now: datetime) -> list[SourceRow]:
    """Enabled sources whose next due time has come (or that were never fetched)."""
    sql = (
        f"SELECT {_COLUMNS} FROM sources WHERE enabled = 1"
        " AND (next_due_at IS NULL OR next_due_at <= ?) ORDER BY next_due_at IS NOT NULL,"
        " next_due_at, name"
    )
    async with db.execute(sql, (iso(now),)) as cur:
        return [_row(tuple(r)) for r in await cur.fetchall()]


async def record_success(
    db: aiosqlite.Connection,
    source_id: int,
    *,
    now: datetime,
    next_due: datetime,
    etag: str | None,
    last_modified: str | None,
    entries_added: int = 0,
) -> None:
    """A fetch that worked (200 parsed, or 304): reset the failure count and backoff."""
    await run(
        db,
        "UPDATE sources SET last_fetch_at = ?, last_success_at = ?, last_error = NULL,"
        " failures = 0, next_due_at = ?, etag = ?, last_modified = ?,"
        " entries_total = entries_total + ? WHERE id = ?",
        (iso(now), iso(now), iso(next_due), etag, last_modified, entries_added, source_id),
    )


async def record_failure(
    db: aiosqlite.Connection, source_id: int, *, now: datetime, next_due: datetime, error: str
) -> None:
    await run(
        db,
        "UPDATE sources SET last_fetch_at = ?, last_error = ?, failures = failures + 1,"
        " next_due_at = ? WHERE id = ?",
        (iso(now), error[:500], iso(next_due), source_id),
    )


async def seen_entries(
    db: aiosqlite.Connection, source_id: int, keys: Iterable[str]
) -> dict[str, SeenEntry]:
    """What we already recorded for these entry keys of one source."""
    keys = list(keys)
    found: dict[str, SeenEntry] = {}
    for start in range(0, len(keys), 500):  # stay under SQLite's variable limit
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = (
            "SELECT entry_key, article_id, content_hash FROM feed_entries"
            f" WHERE source_id = ? AND entry_key IN ({marks})"
        )
        async with db.execute(sql, (source_id, *chunk)) as cur:
            for key, article_id, content_hash in await cur.fetchall():
                found[key] = SeenEntry(article_id, content_hash)
    return found


async def record_entries(
    db: aiosqlite.Connection,
    source_id: int,
    rows: Sequence[tuple[str, int | None, str]],
    now: datetime,
) -> None:
    """Remember (entry key -> article id, content hash) so a re-fetch does not re-import."""
    if not rows:
        return
    # One statement (see sync_config_sources for why no BEGIN). Losing it in a crash only
    # means the entries are processed again and recognised by the article store.
    await run_many(
        db,
        "INSERT INTO feed_entries(source_id, entry_key, article_id, content_hash, seen_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(source_id, entry_key) DO UPDATE SET"
        " article_id = coalesce(excluded.article_id, article_id),"
        " content_hash = excluded.content_hash, seen_at = excluded.seen_at",
        [(source_id, key, article_id, h, iso(now)) for key, article_id, h in rows],
    )
