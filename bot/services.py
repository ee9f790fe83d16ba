"""What the shell hands to replies and jobs: settings, database handles, gazetteer, clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiosqlite

from bot.config import Settings
from bot.store.articles import ArticleWriter
from bot.store.db import connect
from bot.text.provinces import Gazetteer


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    db: aiosqlite.Connection  # reads, and the process's one writer (bot.store.tx)
    writer: ArticleWriter  # article saves: batches through the same writer
    gazetteer: Gazetteer
    clock: Callable[[], datetime] = field(default=utc_now)

    @classmethod
    async def open(cls, settings: Settings, clock: Callable[[], datetime] = utc_now) -> Services:
        """Open the database and load the gazetteer; on any failure nothing is left open."""
        db = await connect(settings.database)
        try:
            return cls(settings, db, ArticleWriter(db), Gazetteer.load(), clock)
        except BaseException:
            await db.close()
            raise

    async def close(self) -> None:
        self.writer.close()
        await self.db.close()
