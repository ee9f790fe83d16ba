"""The one writer per process (bot.store.tx) on real SQLite files.

- writes from many coroutines (statements, transactions, article batches) queue up and all
  land; a statement never joins another coroutine's transaction;
- another process holding the write lock: writes wait, then succeed; past the wait they fail
  with a message that says so, and nothing is half-written; reads never wait (WAL);
- a full database ("database or disk is full") surfaces as itself, not as "cannot rollback".
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.articles.model import Article, Extraction
from bot.articles.pipeline import body_hash
from bot.store import tx
from bot.store.articles import ArticleWriter, save_many_sync
from bot.store.db import connect, open_sync
from bot.store.tx import DatabaseBusyError, run, transaction, write_sync

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def article(n: int, words: int = 20) -> Article:
    body = f"Hội nghị dân vận số {n}. " + " ".join(f"từ{n}x{i}" for i in range(words))
    return Article(
        body=body,
        source="test",
        extraction=Extraction(
            title=f"Bài {n}",
            published=None,
            event_date="2026-11-20",
            provinces=(),
            level="province",
            meeting_kind=None,
            chairs=(),
            summary="",
        ),
        url=f"https://example.vn/{n}",
        body_hash=body_hash(body),
    )


def count(path: Path, table: str) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        db.close()


def hold_write_lock(path: Path) -> tuple[sqlite3.Connection, threading.Event]:
    """Another connection (as another process would) holding the write lock until released."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO searches(query, created_at) VALUES ('other', 'x')")
    return other, threading.Event()


async def test_mixed_writes_from_many_coroutines_all_land(tmp_path: Path) -> None:
    db = await connect(tmp_path / "w.db")
    writer = ArticleWriter(db)
    try:

        async def statements(i: int) -> None:
            await run(db, "INSERT INTO searches(query, created_at) VALUES (?, 'x')", (f"s{i}",))

        async def transactions(i: int) -> None:
            async with transaction(db):
                await run(db, "INSERT INTO searches(query, created_at) VALUES (?, 'x')", (f"a{i}",))
                await asyncio.sleep(0)  # others try to write meanwhile
                await run(db, "INSERT INTO searches(query, created_at) VALUES (?, 'x')", (f"b{i}",))

        async def batches(i: int) -> None:
            await writer.save_many([article(10 * i + k) for k in range(10)], NOW)

        await asyncio.gather(
            *(statements(i) for i in range(30)),
            *(transactions(i) for i in range(30)),
            *(batches(i) for i in range(10)),
        )
    finally:
        await db.close()
    assert count(tmp_path / "w.db", "searches") == 90
    assert count(tmp_path / "w.db", "articles") == 100


async def test_a_statement_never_joins_another_coroutines_transaction(tmp_path: Path) -> None:
    db = await connect(tmp_path / "w.db")
    try:
        inside = asyncio.Event()

        async def doomed() -> None:
            async with transaction(db):
                await run(db, "INSERT INTO searches(query, created_at) VALUES ('doomed', 'x')")
                inside.set()
                for _ in range(10):  # the other coroutine runs up to its write meanwhile
                    await asyncio.sleep(0)
                raise RuntimeError("rolled back")

        async def independent() -> None:
            await inside.wait()
            await run(db, "INSERT INTO searches(query, created_at) VALUES ('kept', 'x')")

        results = await asyncio.gather(doomed(), independent(), return_exceptions=True)
        assert isinstance(results[0], RuntimeError) and results[1] is None
        async with db.execute("SELECT query FROM searches") as cur:
            rows = [r[0] for r in await cur.fetchall()]
    finally:
        await db.close()
    assert rows == ["kept"]


async def test_a_write_waits_for_another_process_then_succeeds(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    db = await connect(path)
    other, _ = hold_write_lock(path)
    try:
        pending = asyncio.create_task(
            run(db, "INSERT INTO searches(query, created_at) VALUES ('mine', 'x')")
        )
        # While it waits, reads on the same connection are answered (WAL, event loop free).
        async with db.execute("SELECT count(*) FROM searches") as cur:
            row = await cur.fetchone()
        assert row is not None and row[0] == 0
        assert not pending.done()
        other.execute("COMMIT")
        assert await asyncio.wait_for(pending, 30) == 1
    finally:
        other.close()
        await db.close()
    assert count(path, "searches") == 2


async def test_a_write_that_waits_too_long_says_so_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    db = await connect(path)
    other, _ = hold_write_lock(path)
    try:
        with pytest.raises(DatabaseBusyError, match="stayed locked by another process"):
            await tx.write(db, save_many_batch, [article(1)], wait=0.3)
        with pytest.raises(DatabaseBusyError):
            async with transaction(db, wait=0.3):
                pass
    finally:
        other.execute("ROLLBACK")
        other.close()
    try:  # and the connection is usable again
        await ArticleWriter(db).save_many([article(2)], NOW)
    finally:
        await db.close()
    assert count(path, "articles") == 1


def save_many_batch(conn: sqlite3.Connection, articles: list[Article]) -> None:
    from bot.store.articles import save_batch

    save_batch(conn, articles, NOW)


def test_sync_writer_waits_and_gives_up_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    conn = open_sync(path)
    other, _ = hold_write_lock(path)
    try:
        with pytest.raises(DatabaseBusyError, match=str(path.name)):
            write_sync(conn, save_many_batch, [article(1)], wait=0.3)
        # A reader is not blocked by the writer holding the lock.
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        timer = threading.Timer(0.2, lambda: other.execute("COMMIT"))
        timer.start()
        save_many_sync(conn, [article(3)], NOW)  # waits for the commit, then writes
        timer.join()
    finally:
        other.close()
        conn.close()
    assert count(path, "articles") == 1


def limit_growth(conn: sqlite3.Connection) -> None:
    """This connection may not grow the file by more than two pages: SQLite then answers
    with its real "database or disk is full" (SQLITE_FULL), as on a full disk."""
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count = {pages + 2}").close()


def full_database(path: Path) -> sqlite3.Connection:
    conn = open_sync(path)
    limit_growth(conn)
    return conn


def test_a_full_database_says_it_is_full(tmp_path: Path) -> None:
    conn = full_database(tmp_path / "full.db")
    try:
        with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
            save_many_sync(conn, [article(n, words=400) for n in range(50)], NOW)
        assert not conn.in_transaction
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    finally:
        conn.close()


async def test_a_full_database_says_it_is_full_to_the_async_writer(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    db = await connect(path)
    try:
        await tx.on_thread(db, limit_growth)
        with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
            await ArticleWriter(db).save_many([article(n, words=400) for n in range(50)], NOW)
        with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
            async with transaction(db):
                await tx.on_thread(db, save_many_batch, [article(n, 400) for n in range(50)])
        # Still usable for what fits.
        await run(db, "INSERT INTO searches(query, created_at) VALUES ('small', 'x')")
    finally:
        await db.close()
    assert count(path, "articles") == 0


async def test_a_write_behind_a_reader_with_an_old_snapshot_waits_instead_of_failing(
    tmp_path: Path,
) -> None:
    """A cursor still open on the shared connection pins an old snapshot; once another
    process commits, SQLite refuses a write on that connection at once (SQLITE_BUSY_SNAPSHOT,
    "database is locked"). The writer waits until the reader is done, then writes."""
    path = tmp_path / "w.db"
    db = await connect(path)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        for i in range(3):
            await run(db, "INSERT INTO searches(query, created_at) VALUES (?, 'x')", (f"q{i}",))
        reader = await db.execute("SELECT query FROM searches ORDER BY id")
        assert await reader.fetchone() is not None  # a statement in progress: a snapshot
        other.execute("INSERT INTO searches(query, created_at) VALUES ('other process', 'x')")
        writing = asyncio.create_task(
            run(db, "INSERT INTO searches(query, created_at) VALUES ('mine', 'x')")
        )
        for _ in range(20):  # give the write every chance to fail while the reader is open
            await asyncio.sleep(0)
        assert not writing.done()
        await reader.close()
        assert await asyncio.wait_for(writing, 30) == 1
    finally:
        other.close()
        await db.close()
    assert count(path, "searches") == 5
