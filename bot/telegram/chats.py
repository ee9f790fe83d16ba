"""The ``chats`` table from the Telegram side: who talks to the bot, and who blocked it."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.store.db import run


async def record_chat(
    db: aiosqlite.Connection, chat_id: int, chat_type: str, title: str | None, now: datetime
) -> None:
    """Insert or refresh a chat; a chat that writes to us is active again."""
    stamp = now.isoformat(timespec="seconds")
    await run(
        db,
        "INSERT INTO chats(chat_id, type, title, active, created_at, updated_at)"
        " VALUES (?, ?, ?, 1, ?, ?)"
        " ON CONFLICT(chat_id) DO UPDATE SET type = excluded.type, title = excluded.title,"
        " active = 1, updated_at = excluded.updated_at",
        (chat_id, chat_type, title, stamp, stamp),
    )


async def mark_inactive(db: aiosqlite.Connection, chat_id: int, now: datetime) -> None:
    """The bot was blocked or removed: stop sending there (subscriptions follow ``active``)."""
    stamp = now.isoformat(timespec="seconds")
    await run(db, "UPDATE chats SET active = 0, updated_at = ? WHERE chat_id = ?", (stamp, chat_id))


async def is_active(db: aiosqlite.Connection, chat_id: int) -> bool | None:
    async with db.execute("SELECT active FROM chats WHERE chat_id = ?", (chat_id,)) as cur:
        row = await cur.fetchone()
    return None if row is None else bool(row[0])
