"""Digest subscriptions and the chats they belong to (tables ``chats`` and ``subscriptions``).

One subscription per chat. Unsubscribing (/huy) and Telegram refusing the chat (Forbidden)
both set ``active = 0``; the row stays so that re-subscribing keeps nothing surprising.

A forum group's subscription remembers the topic (``thread_id``) where /dangky was sent:
the digest goes there. The terminal chat (``danvan-bot chat``) can subscribe too, as a chat
of type ``terminal``: its digest is printed when the chat opens, never sent to Telegram,
so :func:`active` (what the fan-out reads) leaves it out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.digest.schedule import ScheduleEntry
from bot.store.db import run
from bot.store.tx import transaction

TERMINAL = "terminal"  # chats.type of the terminal chat: nothing is sent to it


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    weekday: int  # 0 = Monday
    time: str  # HH:MM local
    timezone: str
    provinces: tuple[str, ...]  # current units; empty = all
    paused: bool
    active: bool
    created_at: datetime
    updated_at: datetime
    chat_type: str = "private"
    thread_id: int | None = None  # forum topic the digest goes to (None: the chat itself)

    @property
    def at(self) -> dt.time:
        return dt.time.fromisoformat(self.time)

    def schedule_entry(self) -> ScheduleEntry:
        return ScheduleEntry(self.chat_id, self.weekday, self.at, self.timezone, self.created_at)


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


_SELECT = (
    "SELECT s.chat_id, s.weekday, s.time, s.timezone, s.provinces, s.paused, s.active,"
    " s.created_at, s.updated_at, c.type, c.active, s.thread_id"
    " FROM subscriptions s JOIN chats c ON c.chat_id = s.chat_id"
)


def _row(r: Sequence[Any]) -> Subscription:
    return Subscription(
        chat_id=int(r[0]),
        weekday=int(r[1]),
        time=str(r[2]),
        timezone=str(r[3]),
        provinces=tuple(json.loads(r[4] or "[]")),
        paused=bool(r[5]),
        active=bool(r[6]) and bool(r[10]),
        created_at=datetime.fromisoformat(r[7]),
        updated_at=datetime.fromisoformat(r[8]),
        chat_type=str(r[9]),
        thread_id=None if r[11] is None else int(r[11]),
    )


async def get(db: aiosqlite.Connection, chat_id: int) -> Subscription | None:
    async with db.execute(_SELECT + " WHERE s.chat_id = ?", (chat_id,)) as cur:
        row = await cur.fetchone()
    return _row(tuple(row)) if row else None


async def active(db: aiosqlite.Connection) -> list[Subscription]:
    """Subscriptions that receive digests through Telegram: active, not paused, in an
    active chat (not the terminal's)."""
    sql = (
        _SELECT + " WHERE s.active = 1 AND s.paused = 0 AND c.active = 1 AND c.type != ?"
        " ORDER BY s.chat_id"
    )
    async with db.execute(sql, (TERMINAL,)) as cur:
        rows = await cur.fetchall()
    return [_row(tuple(r)) for r in rows]


async def subscribe(
    db: aiosqlite.Connection,
    chat_id: int,
    *,
    weekday: int,
    at: str,
    timezone: str,
    provinces: Sequence[str],
    now: datetime,
    chat_type: str = "private",
    title: str | None = None,
    thread_id: int | None = None,
) -> Subscription:
    """Create or replace a chat's subscription and (re)activate it and its chat; in a forum
    group, the digest goes to ``thread_id`` (the topic of the latest /dangky).

    A re-subscription keeps ``created_at`` unless the old one was cancelled: a cancelled
    subscription starts afresh, so it does not fire an overdue digest at once.
    """
    stamp = _iso(now)
    async with transaction(db):
        await run(
            db,
            "INSERT INTO chats(chat_id, type, title, active, created_at, updated_at)"
            " VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT(chat_id) DO UPDATE SET"
            " type = excluded.type, title = coalesce(excluded.title, chats.title),"
            " active = 1, updated_at = excluded.updated_at",
            (chat_id, chat_type, title, stamp, stamp),
        )
        await run(
            db,
            "INSERT INTO subscriptions(chat_id, weekday, time, timezone, provinces, paused,"
            " active, created_at, updated_at, thread_id) VALUES (?, ?, ?, ?, ?, 0, 1, ?, ?, ?)"
            " ON CONFLICT(chat_id) DO UPDATE SET weekday = excluded.weekday,"
            " time = excluded.time, timezone = excluded.timezone,"
            " provinces = excluded.provinces, paused = 0, thread_id = excluded.thread_id,"
            " created_at = CASE WHEN subscriptions.active = 1 THEN subscriptions.created_at"
            " ELSE excluded.created_at END,"
            " active = 1, updated_at = excluded.updated_at",
            (
                chat_id,
                weekday,
                at,
                timezone,
                json.dumps(list(provinces), ensure_ascii=False),
                stamp,
                stamp,
                thread_id,
            ),
        )
    found = await get(db, chat_id)
    assert found is not None
    return found


async def update(
    db: aiosqlite.Connection,
    chat_id: int,
    now: datetime,
    *,
    weekday: int | None = None,
    at: str | None = None,
    provinces: Sequence[str] | None = None,
    paused: bool | None = None,
) -> Subscription | None:
    """Change some settings of an active subscription; None when there is none."""
    sets: dict[str, Any] = {}
    if weekday is not None:
        sets["weekday"] = weekday
    if at is not None:
        sets["time"] = at
    if provinces is not None:
        sets["provinces"] = json.dumps(list(provinces), ensure_ascii=False)
    if paused is not None:
        sets["paused"] = int(paused)
    sets["updated_at"] = _iso(now)
    assignments = ", ".join(f"{k} = :{k}" for k in sets)
    await run(
        db,
        f"UPDATE subscriptions SET {assignments} WHERE chat_id = :chat_id AND active = 1",
        {**sets, "chat_id": chat_id},
    )
    found = await get(db, chat_id)
    return found if found and found.active else None


async def unsubscribe(db: aiosqlite.Connection, chat_id: int, now: datetime) -> bool:
    """/huy: True when there was an active subscription."""
    changed = await run(
        db,
        "UPDATE subscriptions SET active = 0, updated_at = ? WHERE chat_id = ? AND active = 1",
        (_iso(now), chat_id),
    )
    return changed > 0


async def deactivate_chat(db: aiosqlite.Connection, chat_id: int, now: datetime) -> None:
    """Telegram refuses this chat (blocked, kicked): stop everything for it."""
    stamp = _iso(now)
    async with transaction(db):
        await run(
            db,
            "UPDATE subscriptions SET active = 0, updated_at = ? WHERE chat_id = ?",
            (stamp, chat_id),
        )
        await run(
            db, "UPDATE chats SET active = 0, updated_at = ? WHERE chat_id = ?", (stamp, chat_id)
        )


async def migrate_chat(db: aiosqlite.Connection, old_id: int, new_id: int, now: datetime) -> None:
    """A group became a supergroup: its chat, subscription and delivery log move to the
    new id. When the new id already exists (migrated before), the old rows are dropped."""
    stamp = _iso(now)
    async with transaction(db):
        async with db.execute("SELECT 1 FROM chats WHERE chat_id = ?", (new_id,)) as cur:
            exists = await cur.fetchone() is not None
        if exists:
            await run(db, "DELETE FROM subscriptions WHERE chat_id = ?", (old_id,))
            await run(db, "DELETE FROM chats WHERE chat_id = ?", (old_id,))
        else:
            # ON UPDATE CASCADE carries the subscription along.
            await run(
                db,
                "UPDATE chats SET chat_id = ?, type = 'supergroup', updated_at = ?"
                " WHERE chat_id = ?",
                (new_id, stamp, old_id),
            )
        await run(
            db, "UPDATE OR IGNORE deliveries SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
        )
        await run(db, "DELETE FROM deliveries WHERE chat_id = ?", (old_id,))


async def counts(db: aiosqlite.Connection) -> dict[str, int]:
    """For stats: active, paused and cancelled subscriptions."""
    sql = (
        "SELECT sum(s.active = 1 AND s.paused = 0 AND c.active = 1),"
        " sum(s.active = 1 AND s.paused = 1), sum(s.active = 0 OR c.active = 0)"
        " FROM subscriptions s JOIN chats c ON c.chat_id = s.chat_id"
    )
    async with db.execute(sql) as cur:
        row = await cur.fetchone()
    a, p, c = (int(x or 0) for x in (row or (0, 0, 0)))
    return {"active": a, "paused": p, "inactive": c}
