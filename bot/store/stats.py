"""Counts for ``danvan-bot stats`` and the admin command ``/thongke``: one query each, one
dataclass out. Read-only."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.store.sources import iso

SOURCE_STATES = ("ok", "failing", "disabled", "never_fetched")
SUBSCRIBER_STATES = ("active", "paused", "inactive")


@dataclass(frozen=True)
class WeekDeliveries:
    week: str  # YYYY-Www
    sent: int = 0
    failed: int = 0
    other: int = 0  # sending, skipped


@dataclass(frozen=True)
class FailingSource:
    name: str
    failures: int
    last_error: str | None
    last_success_at: str | None


@dataclass(frozen=True)
class Stats:
    articles: int
    articles_last_7_days: int
    feed_entries: int  # feed items imported (per source), however many keys each has
    sources: dict[str, int]  # ok | failing | disabled | never_fetched
    subscribers: dict[str, int]  # active | paused | inactive
    deliveries: tuple[WeekDeliveries, ...] = ()  # newest week first
    failing_sources: tuple[FailingSource, ...] = field(default_factory=tuple)
    last_fetch_at: str | None = None  # latest fetch of any source, ISO UTC

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["deliveries"] = [asdict(w) for w in self.deliveries]
        data["failing_sources"] = [asdict(f) for f in self.failing_sources]
        return data


async def _one(db: aiosqlite.Connection, sql: str, params: tuple[Any, ...] = ()) -> Any:
    async with db.execute(sql, params) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def collect(db: aiosqlite.Connection, now: datetime, *, weeks: int = 8) -> Stats:
    """Everything ``stats`` shows, as of ``now`` (aware)."""
    articles = int(await _one(db, "SELECT count(*) FROM articles") or 0)
    recent = int(
        await _one(
            db, "SELECT count(*) FROM articles WHERE added_at >= ?", (iso(now - timedelta(7)),)
        )
        or 0
    )
    # Distinct (source, article): a guid-keyed entry is also remembered under its link.
    entries = int(
        await _one(
            db,
            "SELECT count(*) FROM (SELECT DISTINCT source_id,"
            " coalesce(article_id, entry_key) FROM feed_entries)",
        )
        or 0
    )

    sources = dict.fromkeys(SOURCE_STATES, 0)
    sql = (
        "SELECT CASE WHEN enabled = 0 THEN 'disabled' WHEN last_fetch_at IS NULL"
        " THEN 'never_fetched' WHEN failures > 0 THEN 'failing' ELSE 'ok' END AS state,"
        " count(*) FROM sources GROUP BY state"
    )
    async with db.execute(sql) as cur:
        for state, n in await cur.fetchall():
            sources[str(state)] = int(n)
    failing: list[FailingSource] = []
    sql = (
        "SELECT name, failures, last_error, last_success_at FROM sources"
        " WHERE enabled = 1 AND failures > 0 ORDER BY failures DESC, name LIMIT 20"
    )
    async with db.execute(sql) as cur:
        for name, failures, error, success in await cur.fetchall():
            failing.append(FailingSource(name, int(failures), error, success))
    last_fetch = await _one(db, "SELECT max(last_fetch_at) FROM sources")

    subscribers = dict.fromkeys(SUBSCRIBER_STATES, 0)
    sql = (
        "SELECT CASE WHEN s.active = 0 OR coalesce(c.active, 1) = 0 THEN 'inactive'"
        " WHEN s.paused = 1 THEN 'paused' ELSE 'active' END AS state, count(*)"
        " FROM subscriptions s LEFT JOIN chats c ON c.chat_id = s.chat_id GROUP BY state"
    )
    async with db.execute(sql) as cur:
        for state, n in await cur.fetchall():
            subscribers[str(state)] = int(n)

    by_week: dict[str, dict[str, int]] = {}
    sql = (
        "SELECT week, state, count(*) FROM deliveries WHERE week IN"
        " (SELECT DISTINCT week FROM deliveries ORDER BY week DESC LIMIT ?)"
        " GROUP BY week, state"
    )
    async with db.execute(sql, (weeks,)) as cur:
        for week, state, n in await cur.fetchall():
            counts = by_week.setdefault(str(week), {"sent": 0, "failed": 0, "other": 0})
            key = state if state in ("sent", "failed") else "other"
            counts[key] += int(n)
    deliveries = tuple(
        WeekDeliveries(week, **counts) for week, counts in sorted(by_week.items(), reverse=True)
    )
    return Stats(
        articles=articles,
        articles_last_7_days=recent,
        feed_entries=entries,
        sources=sources,
        subscribers=subscribers,
        deliveries=deliveries,
        failing_sources=tuple(failing),
        last_fetch_at=last_fetch,
    )
