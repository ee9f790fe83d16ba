"""A full disk during ``digest --send`` (issue 16.3): SQLite's own "database or disk is
full", from a database capped at its current size plus a little (tests/e2e/sqlite_full.py).

A part whose intent cannot be written is not sent; the run stops at the first failure,
says so once, and exits non-zero; with space back, the next run completes and no chat gets
its digest twice (at most the parts in flight at the failure may repeat, once each)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .harness import (
    DIGEST_WEEK,
    BotProcess,
    add_subscribers,
    delivery_states,
    digests_per_chat,
    running_world,
)

SQLITE_FULL = str(Path(__file__).with_name("sqlite_full.py"))
FULL = "database or disk is full"


def pages_in_use(database: Path) -> int:
    db = sqlite3.connect(database)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (pages,) = db.execute("PRAGMA page_count").fetchone()
    finally:
        db.close()
    return int(pages)


async def test_full_database_stops_the_send_and_the_rerun_duplicates_nothing(
    tmp_path: Path,
) -> None:
    async with running_world(tmp_path / "w", start=False) as world:
        ids = add_subscribers(world.database, 300)
        room = pages_in_use(world.database) + 2  # a few dozen delivery rows, not 300
        send = ("digest", "--week", DIGEST_WEEK, "--send")
        full = BotProcess(world.emulator, world.config, entry=(SQLITE_FULL,),
                          args=(str(room), *send))  # fmt: skip
        await full.start(wait_polling=False)
        assert await full.wait_exit(timeout=60) == 1, full.output
        assert FULL in full.output and "Traceback" not in full.output
        assert full.output.count(FULL) <= 3, "said once, not once per chat"
        assert "run `danvan-bot digest --send` again" in full.output

        received = digests_per_chat(world.emulator)
        assert 0 < len(received) < len(ids)
        db = sqlite3.connect(world.database)
        try:
            rows = dict(db.execute("SELECT chat_id, state FROM deliveries").fetchall())
        finally:
            db.close()
        # Nothing went out without a record: every chat that got its digest has a row
        # saying so (or saying that the part was in flight).
        assert all(rows.get(chat) in ("sent", "in_flight") for chat in received)
        in_flight = [c for c, state in rows.items() if state == "in_flight"]

        rerun = BotProcess(world.emulator, world.config, args=send)
        await rerun.start(wait_polling=False)
        assert await rerun.wait_exit(timeout=120) == 0, rerun.output
        per_chat = digests_per_chat(world.emulator)
        assert set(per_chat) == set(ids)
        twice = [c for c, n in per_chat.items() if n > 1]
        assert set(twice) <= set(in_flight) and all(n <= 2 for n in per_chat.values())
        assert delivery_states(world.database) == {"sent": len(ids)}
