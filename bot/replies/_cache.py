"""Aggregates over the whole archive (province counts), remembered until the archive changes.

``/tinh`` and the ``/hoinghi`` keyboard count every article by province: hundreds of
milliseconds at 100,000 articles, yet the answer only changes when articles are written.
Articles are written on other connections (the ArticleWriter, the importer, another
process), which SQLite reports through ``PRAGMA data_version`` on this one; writes on this
connection show in ``total_changes``. Either moving means "recompute": never stale.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import aiosqlite

T = TypeVar("T")

_CACHES: WeakKeyDictionary[aiosqlite.Connection, dict[Any, tuple[tuple[int, int], Any]]] = (
    WeakKeyDictionary()
)


async def archive_version(db: aiosqlite.Connection) -> tuple[int, int]:
    async with db.execute("PRAGMA data_version") as cur:
        row = await cur.fetchone()
    return (int(row[0]) if row else 0, db.total_changes)


async def cached(db: aiosqlite.Connection, key: Any, compute: Callable[[], Awaitable[T]]) -> T:
    """``compute()``'s value for ``key``, recomputed only after the database changed."""
    version = await archive_version(db)
    cache = _CACHES.setdefault(db, {})
    hit = cache.get(key)
    if hit is not None and hit[0] == version:
        value: T = hit[1]
        return value
    value = await compute()
    cache[key] = (version, value)
    return value
