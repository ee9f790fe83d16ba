"""Writes: one writer per process, and how it meets the writers of other processes.

**In a process** every write goes through one connection (the aiosqlite connection that
the services share; a command-line import's own ``sqlite3`` connection) and, on it, through
one first-come-first-served queue: a per-connection ``asyncio.Lock``. :func:`transaction`
holds it from ``BEGIN IMMEDIATE`` to ``COMMIT``; :func:`write` runs a whole function (a
batch of article saves) in one transaction on the connection's own thread; :func:`run` and
:func:`run_many` give a single statement its own transaction unless the calling task is
already inside one. So two coroutines never interleave their writes, and a statement never
joins someone else's transaction by accident.

**Between processes** (the bot polling, an admin's ``fetch`` or ``import``, a ``backup``)
SQLite's one write lock decides. ``BEGIN IMMEDIATE`` takes it before the first statement,
so a transaction never fails half-way for want of it. While another process holds it, an
attempt waits at most a short slice in SQLite's busy handler (blocking the connection's
thread), then the event loop is given back (queued reads go on) and the attempt is
repeated, until :data:`WRITE_WAIT_SECONDS` have passed: then :class:`DatabaseBusyError`
says what happened, and nothing was written.

Reads never wait for a writer: the database is in WAL mode, where readers see the last
committed state while a write is in progress.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import aiosqlite

T = TypeVar("T")

# How long a write waits for another process's write lock before giving up.
WRITE_WAIT_SECONDS = 30.0
# The busy timeout everything else on a connection runs with (reads in WAL mode see
# SQLITE_BUSY only in rare moments, such as another process recovering the WAL).
BUSY_TIMEOUT_MS = 5000
# One attempt at the write lock waits this long in SQLite's busy handler. Async callers
# then yield to the event loop before the next attempt; synchronous callers just retry.
ASYNC_SLICE_MS = 50
SYNC_SLICE_MS = 250

_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


class DatabaseBusyError(sqlite3.OperationalError):
    """Another process held the database's write lock for longer than a write may wait.

    An OperationalError, as SQLite's own "database is locked": code that handles database
    errors (a feed round's per-source guard, the digest's delivery log) handles it too."""


class _Busy:
    """The write lock was taken by another process: try again."""


_BUSY = _Busy()

_LOCKS: WeakKeyDictionary[aiosqlite.Connection, asyncio.Lock] = WeakKeyDictionary()
# The connection whose write lock the current task holds (inside transaction()).
_HOLDER: ContextVar[aiosqlite.Connection | None] = ContextVar("write_holder", default=None)


def is_busy(exc: BaseException) -> bool:
    """True for "database is locked" (SQLITE_BUSY / SQLITE_LOCKED and their extended codes)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    return "locked" in str(exc)


def database_file(conn: sqlite3.Connection) -> str:
    """The file a connection is on (for messages)."""
    try:
        for row in conn.execute("PRAGMA database_list"):
            if row[1] == "main":
                return str(row[2]) or ":memory:"
    except sqlite3.Error:
        pass
    return "the database"


def _busy_error(conn: sqlite3.Connection, waited: float) -> DatabaseBusyError:
    return DatabaseBusyError(
        f"{database_file(conn)} stayed locked by another process for {waited:.0f} s "
        "(a long import or a restore?); nothing was written, try again when it is done"
    )


# --- on the connection's thread ------------------------------------------------------------


def _try_begin(conn: sqlite3.Connection, slice_ms: int) -> bool:
    """``BEGIN IMMEDIATE``, waiting at most ``slice_ms`` for the lock; False if still busy."""
    conn.execute(f"PRAGMA busy_timeout = {slice_ms}")
    try:
        conn.execute("BEGIN IMMEDIATE")
        return True
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            return False
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def rollback_if_open(conn: sqlite3.Connection) -> None:
    """Roll back, unless SQLite already did: after "database or disk is full" it rolls the
    transaction back itself, and a second ROLLBACK ("no transaction is active") would hide
    the real error."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _commit(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("COMMIT")
    except BaseException:
        rollback_if_open(conn)
        raise


def _attempt(
    conn: sqlite3.Connection, slice_ms: int, fn: Callable[..., T], args: Sequence[Any]
) -> T | _Busy:
    """One try at running ``fn(conn, *args)`` as one transaction."""
    if not _try_begin(conn, slice_ms):
        return _BUSY
    try:
        result = fn(conn, *args)
    except BaseException:
        rollback_if_open(conn)
        raise
    _commit(conn)
    return result


def _statement(conn: sqlite3.Connection, sql: str, params: Any) -> int:
    cur = conn.execute(sql, params)
    try:
        return int(cur.rowcount)
    finally:
        cur.close()  # here, on the database thread (see run())


def _statements(conn: sqlite3.Connection, sql: str, rows: list[Sequence[Any]]) -> int:
    cur = conn.executemany(sql, rows)
    try:
        return int(cur.rowcount)
    finally:
        cur.close()


# --- synchronous connections (command-line import, benchmarks) ---------------------------


def write_sync(
    conn: sqlite3.Connection,
    fn: Callable[..., T],
    *args: Any,
    wait: float = WRITE_WAIT_SECONDS,
) -> T:
    """``fn(conn, *args)`` in one ``BEGIN IMMEDIATE`` transaction, retried while another
    process holds the write lock, for at most ``wait`` seconds."""
    started = time.monotonic()
    while True:
        result = _attempt(conn, SYNC_SLICE_MS, fn, args)
        if not isinstance(result, _Busy):
            return result
        waited = time.monotonic() - started
        if waited >= wait:
            raise _busy_error(conn, waited)


# --- the async writer -----------------------------------------------------------------------


def _lock(db: aiosqlite.Connection) -> asyncio.Lock:
    lock = _LOCKS.get(db)
    if lock is None:
        lock = _LOCKS[db] = asyncio.Lock()
    return lock


def _raw(db: aiosqlite.Connection) -> sqlite3.Connection:
    # aiosqlite runs every call on the connection's one thread; _execute queues a function
    # there, which lets a whole batch run as one call instead of one await per statement.
    return db._conn


async def on_thread(db: aiosqlite.Connection, fn: Callable[..., T], *args: Any) -> T:
    """``fn(conn, *args)`` on the connection's thread, in its queue (no transaction)."""
    result: T = await db._execute(fn, _raw(db), *args)  # type: ignore[no-untyped-call]
    return result


async def _retrying(
    db: aiosqlite.Connection, fn: Callable[..., T | _Busy], *args: Any, wait: float
) -> T:
    loop = asyncio.get_running_loop()
    started = loop.time()
    pause = 0.01
    while True:
        result = await on_thread(db, fn, *args)
        if not isinstance(result, _Busy):
            return result
        waited = loop.time() - started
        if waited >= wait:
            raise await on_thread(db, _busy_error, waited)
        await asyncio.sleep(pause)  # let queued reads run meanwhile
        pause = min(pause * 2, 0.2)


async def write(
    db: aiosqlite.Connection, fn: Callable[..., T], *args: Any, wait: float = WRITE_WAIT_SECONDS
) -> T:
    """``fn(conn, *args)`` on the connection's thread as one write transaction (joining the
    caller's own transaction when there is one). ``fn`` must not await or commit."""
    if _HOLDER.get() is db:
        return await on_thread(db, fn, *args)
    async with _lock(db):
        return await _retrying(db, _attempt, ASYNC_SLICE_MS, fn, args, wait=wait)


@asynccontextmanager
async def transaction(
    db: aiosqlite.Connection, *, wait: float = WRITE_WAIT_SECONDS
) -> AsyncIterator[aiosqlite.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on error), one at a time per connection.

    Statements other coroutines run on ``db`` meanwhile are reads, or writes that wait their
    turn (:func:`run`). A transaction inside a transaction of the same task joins it.
    """
    if _HOLDER.get() is db:
        yield db
        return
    async with _lock(db):
        await _retrying(db, _try_begin_or_busy, ASYNC_SLICE_MS, wait=wait)
        token = _HOLDER.set(db)
        try:
            yield db
        except BaseException:
            await on_thread(db, rollback_if_open)
            raise
        finally:
            _HOLDER.reset(token)
        await on_thread(db, _commit)


def _try_begin_or_busy(conn: sqlite3.Connection, slice_ms: int) -> bool | _Busy:
    return True if _try_begin(conn, slice_ms) else _BUSY


async def run(
    db: aiosqlite.Connection, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
) -> int:
    """Execute one writing statement in its turn; the row count.

    Its cursor is closed on the database thread: a cursor left to the garbage collector is
    finalised on whatever thread drops it, and finalising resets its prepared statement,
    which may by then be running for another cursor there ("bad parameter or other API
    misuse" was seen under concurrent feed rounds).
    """
    return await write(db, _statement, sql, params)


async def run_many(db: aiosqlite.Connection, sql: str, rows: Iterable[Sequence[Any]]) -> None:
    """``executemany`` of one writing statement in its turn (see :func:`run`)."""
    await write(db, _statements, sql, list(rows))


async def pragma(db: aiosqlite.Connection, sql: str) -> None:
    """A statement outside any transaction (connection set-up)."""
    await on_thread(db, _statement, sql, ())
