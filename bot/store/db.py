"""Open the database: pragmas, forward migrations, and a refusal of newer schemas."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 5000


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer danvan-bot than this one."""


def _configure(db: sqlite3.Connection) -> None:
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")


def migrate(db: sqlite3.Connection) -> int:
    """Run every migration step the database has not seen; return the version reached."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"database schema version {version} is newer than this danvan-bot "
            f"({SCHEMA_VERSION}); upgrade danvan-bot or restore an older backup"
        )
    for step in range(version, SCHEMA_VERSION):
        migration = MIGRATIONS[step]
        try:
            if isinstance(migration, str):
                db.executescript(
                    f"BEGIN IMMEDIATE;\n{migration}\nPRAGMA user_version = {step + 1};\nCOMMIT;"
                )
            else:
                db.execute("BEGIN IMMEDIATE")
                migration(db)
                db.execute(f"PRAGMA user_version = {step + 1}")
                db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION


def open_sync(path: str | Path) -> sqlite3.Connection:
    """A configured, migrated synchronous connection (for the CLI's simple paths and tests)."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    _configure(db)
    migrate(db)
    return db


async def connect(path: str | Path) -> aiosqlite.Connection:
    """A configured, migrated aiosqlite connection in autocommit mode.

    Write paths open their own transactions (``BEGIN IMMEDIATE``) so that each logical
    change commits as one unit.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # Migrate on a short-lived synchronous connection: simple, and done once per start.
    open_sync(path).close()
    db = await aiosqlite.connect(str(path), isolation_level=None)
    db.row_factory = aiosqlite.Row
    await run(db, f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await run(db, "PRAGMA synchronous = NORMAL")
    await run(db, "PRAGMA foreign_keys = ON")
    return db


async def run(
    db: aiosqlite.Connection, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
) -> int:
    """Execute one statement and close its cursor on the database thread; the row count.

    A cursor left to the garbage collector is finalised on whatever thread drops it, and
    finalising resets its prepared statement: the same cached statement may by then be
    running for another cursor on the database thread (a rare "bad parameter or other API
    misuse" was seen under concurrent feed rounds).
    """
    async with db.execute(sql, params) as cur:
        return int(cur.rowcount)


async def run_many(db: aiosqlite.Connection, sql: str, rows: Iterable[Sequence[Any]]) -> None:
    """``executemany`` with its cursor closed on the database thread (see :func:`run`)."""
    async with db.executemany(sql, rows) as cur:
        del cur
