"""``stats``' queries (bot.store.stats.collect) on a real SQLite file with every kind of row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store.db import connect
from bot.store.stats import WeekDeliveries, collect

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def test_counts_by_state(tmp_path: Path) -> None:
    db = await connect(tmp_path / "stats.db")
    try:
        stamp = NOW.isoformat()
        old = (NOW - timedelta(days=30)).isoformat()
        for i, added in enumerate((stamp, stamp, old)):
            await db.execute(
                "INSERT INTO articles(body_hash, source, title, body, summary, sort_date, level,"
                " added_at, updated_at) VALUES (?, 's', 't', 'b', 's', '2026-11-20', 'unknown',"
                " ?, ?)",
                (f"h{i}", added, added),
            )
        await db.executemany(
            "INSERT INTO sources(name, url, enabled, last_fetch_at, failures, last_error)"
            " VALUES (?, 'https://x.vn/rss', ?, ?, ?, ?)",
            [
                ("ok", 1, stamp, 0, None),
                ("failing", 1, stamp, 3, "HTTP 503 Service Unavailable"),
                ("off", 0, stamp, 5, "not a feed: the server sent an HTML page"),
                ("new", 1, None, 0, None),
            ],
        )
        for chat, chat_active, paused, active in (
            (1, 1, 0, 1),
            (2, 1, 1, 1),
            (3, 1, 0, 0),
            (4, 0, 0, 1),  # the chat blocked the bot
            (5, 1, 0, 1),
        ):
            await db.execute(
                "INSERT INTO chats(chat_id, active, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (chat, chat_active, stamp, stamp),
            )
            await db.execute(
                "INSERT INTO subscriptions(chat_id, paused, active, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (chat, paused, active, stamp, stamp),
            )
        await db.executemany(
            "INSERT INTO deliveries(chat_id, week, state, started_at) VALUES (?, ?, ?, ?)",
            [
                (1, "2026-W46", "sent", stamp),
                (2, "2026-W46", "failed", stamp),
                (1, "2026-W47", "sent", stamp),
                (5, "2026-W47", "sent", stamp),
                (3, "2026-W47", "skipped", stamp),
            ],
        )
        stats = await collect(db, NOW)
    finally:
        await db.close()

    assert (stats.articles, stats.articles_last_7_days) == (3, 2)
    assert stats.sources == {"ok": 1, "failing": 1, "disabled": 1, "never_fetched": 1}
    assert [f.name for f in stats.failing_sources] == ["failing"]  # disabled ones not listed
    assert stats.subscribers == {"active": 2, "paused": 1, "inactive": 2}
    assert stats.deliveries == (
        WeekDeliveries("2026-W47", sent=2, failed=0, other=1),
        WeekDeliveries("2026-W46", sent=1, failed=1, other=0),
    )
    data = stats.to_json()
    assert data["articles"] == 3
    assert data["deliveries"][0] == {"week": "2026-W47", "sent": 2, "failed": 0, "other": 1}


async def test_empty_database(tmp_path: Path) -> None:
    db = await connect(tmp_path / "empty.db")
    try:
        stats = await collect(db, NOW)
    finally:
        await db.close()
    assert stats.articles == 0 and stats.deliveries == () and stats.last_fetch_at is None
    assert sum(stats.sources.values()) == sum(stats.subscribers.values()) == 0
