"""What the shell hands to replies and jobs: settings, database handles, gazetteer, clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiosqlite

from bot.config import Settings
from bot.store.articles import ArticleWriter
from bot.store.db import connect, open_sync
from bot.text.provinces import Gazetteer


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    db: aiosqlite.Connection  # reads and small writes
    writer: ArticleWriter  # article saves (bulk, on a worker thread)
    gazetteer: Gazetteer
    clock: Callable[[], datetime] = field(default=utc_now)

    @classmethod
    async def open(cls, settings: Settings, clock: Callable[[], datetime] = utc_now) -> Services:
        db = await connect(settings.database)
        writer = ArticleWriter(open_sync(settings.database))
        return cls(settings, db, writer, Gazetteer.load(), clock)

    async def close(self) -> None:
        self.writer.close()
        await self.db.close()
