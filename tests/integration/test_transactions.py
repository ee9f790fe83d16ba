"""Concurrent multi-statement writes on the one shared connection."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.store.db import connect
from bot.store.tx import transaction


async def test_concurrent_transactions_do_not_collide(tmp_path: Path) -> None:
    db = await connect(tmp_path / "t.db")
    try:

        async def write(i: int) -> None:
            async with transaction(db):
                await db.execute(
                    "INSERT INTO searches(query, created_at) VALUES (?, 'now')", (f"q{i}",)
                )
                await asyncio.sleep(0)  # let the others try to BEGIN meanwhile
                await db.execute(
                    "INSERT INTO searches(query, created_at) VALUES (?, 'now')", (f"r{i}",)
                )

        await asyncio.gather(*(write(i) for i in range(20)))
        async with db.execute("SELECT count(*) FROM searches") as cur:
            row = await cur.fetchone()
        assert row is not None and row[0] == 40
    finally:
        await db.close()


async def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = await connect(tmp_path / "t.db")
    try:
        with pytest.raises(RuntimeError):
            async with transaction(db):
                await db.execute("INSERT INTO searches(query, created_at) VALUES ('x', 'now')")
                raise RuntimeError("boom")
        async with db.execute("SELECT count(*) FROM searches") as cur:
            row = await cur.fetchone()
        assert row is not None and row[0] == 0
        async with transaction(db):  # and the connection is usable again
            await db.execute("INSERT INTO searches(query, created_at) VALUES ('y', 'now')")
    finally:
        await db.close()
