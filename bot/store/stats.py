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
class SourceRelevance:
    """What one source (feed name, or file source) brought: shown to users and left out."""

    name: str
    kept: int
    filtered: int
    topic: str | None  # filter | all for configured and chat sources; None otherwise


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
    relevant: int = 0  # articles users see (relevance >= 1)
    filtered: int = 0  # articles the relevance classifier left out
    per_source: tuple[SourceRelevance, ...] = ()  # most articles first

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["deliveries"] = [asdict(w) for w in self.deliveries]
        data["failing_sources"] = [asdict(f) for f in self.failing_sources]
        data["per_source"] = [asdict(p) for p in self.per_source]
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

    # Per articles.source, from the covering index (source, relevance); sources that
    # brought nothing yet are listed too.
    topics: dict[str, str] = {}
    async with db.execute("SELECT name, topic FROM sources") as cur:
        for name, topic in await cur.fetchall():
            topics[str(name)] = str(topic)
    by_source: dict[str, tuple[int, int]] = dict.fromkeys(topics, (0, 0))
    sql = "SELECT source, sum(relevance >= 1), sum(relevance < 1) FROM articles GROUP BY source"
    async with db.execute(sql) as cur:
        for name, kept, dropped in await cur.fetchall():
            by_source[str(name)] = (int(kept), int(dropped))
    per_source = tuple(
        SourceRelevance(name, kept, dropped, topics.get(name))
        for name, (kept, dropped) in sorted(
            by_source.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0])
        )
    )

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
        relevant=sum(p.kept for p in per_source),
        filtered=sum(p.filtered for p in per_source),
        per_source=per_source,
    )


@dataclass(frozen=True)
class FilteredArticle:
    """An article the classifier calls not dân vận (relevance_auto 0), for an admin's check."""

    id: int
    title: str
    url: str | None
    date: str  # the date it files under
    score: float
    cues: str
    kept: bool  # shown anyway: a topic = "all" source or an imported file vouches for it


async def filtered_articles(
    db: aiosqlite.Connection, source: str, *, limit: int = 50
) -> list[FilteredArticle]:
    """What the classifier left out of one source, newest first (``stats --filtered``)."""
    sql = (
        "SELECT id, title, url, sort_date, coalesce(relevance_score, 0), relevance_cues,"
        " relevance >= 1 FROM articles WHERE source = ? AND coalesce(relevance_auto, 1) < 1"
        " ORDER BY sort_date DESC, id DESC LIMIT ?"
    )
    async with db.execute(sql, (source, limit)) as cur:
        return [
            FilteredArticle(int(i), str(t), u, str(d), float(sc), str(c), bool(k))
            for i, t, u, d, sc, c, k in await cur.fetchall()
        ]
