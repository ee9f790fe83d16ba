"""Transactions on a shared aiosqlite connection.

The bot has one aiosqlite connection that every handler and job awaits on. Two coroutines
that both ``BEGIN`` on it fail ("cannot start a transaction within a transaction"), and a
statement another coroutine runs while a transaction is open joins that transaction. So
every multi-statement write goes through :func:`transaction`, which serialises them per
connection; single statements need nothing (autocommit).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from weakref import WeakKeyDictionary

import aiosqlite

from bot.store.db import run

_LOCKS: WeakKeyDictionary[aiosqlite.Connection, asyncio.Lock] = WeakKeyDictionary()


@asynccontextmanager
async def transaction(db: aiosqlite.Connection) -> AsyncIterator[aiosqlite.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on error), one at a time per connection."""
    lock = _LOCKS.get(db)
    if lock is None:
        lock = _LOCKS[db] = asyncio.Lock()
    async with lock:
        await run(db, "BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            await run(db, "ROLLBACK")
            raise
        await run(db, "COMMIT")
