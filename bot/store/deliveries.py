"""The digest delivery log (table ``deliveries``): one row per (chat, ISO week).

States: ``sending`` (begun, nothing in flight: resume from part ``parts_sent``),
``in_flight`` (part ``parts_sent`` was handed to Telegram and its answer not recorded: it
may have arrived), ``resending`` (that part is being sent a second time after such an
unknown outcome), ``sent``, ``failed`` (permanent: BadRequest, Forbidden, too many
attempts) and ``skipped``. The first three are unfinished; the others are final for that
week. ``bot.digest.deliver`` decides what an unfinished row means after a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from bot.store.db import run

FINAL_STATES = ("sent", "failed", "skipped")
UNFINISHED_STATES = ("sending", "in_flight", "resending")


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Delivery:
    chat_id: int
    week: str
    state: str
    attempts: int
    parts_sent: int
    error: str | None


async def get(db: aiosqlite.Connection, chat_id: int, week: str) -> Delivery | None:
    async with db.execute(
        "SELECT chat_id, week, state, attempts, parts_sent, error FROM deliveries"
        " WHERE chat_id = ? AND week = ?",
        (chat_id, week),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return Delivery(int(row[0]), str(row[1]), str(row[2]), int(row[3]), int(row[4]), row[5])


async def finished_chats(db: aiosqlite.Connection, weeks: set[str]) -> set[tuple[int, str]]:
    """(chat, week) pairs whose delivery is final, for the weeks asked."""
    if not weeks:
        return set()
    marks = ",".join("?" * len(weeks))
    async with db.execute(
        f"SELECT chat_id, week FROM deliveries WHERE week IN ({marks})"
        " AND state IN ('sent', 'failed', 'skipped')",
        tuple(sorted(weeks)),
    ) as cur:
        rows = await cur.fetchall()
    return {(int(r[0]), str(r[1])) for r in rows}


async def begin(db: aiosqlite.Connection, chat_id: int, week: str, now: datetime) -> Delivery:
    """Record the intent to send (before the first message goes out) and count the attempt.

    Returns the row: when it is final, the caller sends nothing; when it is unfinished, an
    earlier attempt got as far as the row says and the caller resumes there.
    """
    await run(
        db,
        "INSERT INTO deliveries(chat_id, week, state, attempts, parts_sent, started_at)"
        " VALUES (?, ?, 'sending', 1, 0, ?) ON CONFLICT(chat_id, week) DO UPDATE SET"
        " attempts = deliveries.attempts + 1"
        " WHERE deliveries.state IN ('sending', 'in_flight', 'resending')",
        (chat_id, week, _iso(now)),
    )
    found = await get(db, chat_id, week)
    assert found is not None
    return found


async def part_sent(db: aiosqlite.Connection, chat_id: int, week: str, parts_sent: int) -> None:
    """Parts before ``parts_sent`` arrived; nothing is in flight."""
    await run(
        db,
        "UPDATE deliveries SET parts_sent = ?, state = 'sending' WHERE chat_id = ? AND week = ?",
        (parts_sent, chat_id, week),
    )


async def mark(
    db: aiosqlite.Connection, chat_id: int, week: str, state: str, parts_sent: int
) -> None:
    """Set an unfinished state (``in_flight`` before a part leaves, ``resending``, or back
    to ``sending`` when it certainly did not arrive). Raises if the write fails: the caller
    must then not send."""
    if state not in UNFINISHED_STATES:
        raise ValueError(f"not an unfinished state: {state}")
    await run(
        db,
        "UPDATE deliveries SET state = ?, parts_sent = ? WHERE chat_id = ? AND week = ?",
        (state, parts_sent, chat_id, week),
    )


async def finish(
    db: aiosqlite.Connection,
    chat_id: int,
    week: str,
    state: str,
    now: datetime,
    *,
    parts_sent: int | None = None,
    error: str | None = None,
) -> None:
    await run(
        db,
        "UPDATE deliveries SET state = ?, error = ?, finished_at = ?,"
        " parts_sent = coalesce(?, parts_sent) WHERE chat_id = ? AND week = ?",
        (state, error, _iso(now), parts_sent, chat_id, week),
    )


async def note_error(db: aiosqlite.Connection, chat_id: int, week: str, error: str) -> None:
    """A transient failure: the row stays ``sending`` so the next run resumes it."""
    await run(
        db, "UPDATE deliveries SET error = ? WHERE chat_id = ? AND week = ?", (error, chat_id, week)
    )


async def unfinished(db: aiosqlite.Connection, week: str) -> list[Delivery]:
    async with db.execute(
        "SELECT chat_id, week, state, attempts, parts_sent, error FROM deliveries"
        " WHERE week = ? AND state IN ('sending', 'in_flight', 'resending') ORDER BY chat_id",
        (week,),
    ) as cur:
        rows = await cur.fetchall()
    return [Delivery(int(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4]), r[5]) for r in rows]


async def counts(db: aiosqlite.Connection, week: str | None = None) -> dict[str, int]:
    """Deliveries by state (for one week, or all)."""
    sql = "SELECT state, count(*) FROM deliveries"
    params: tuple[str, ...] = ()
    if week:
        sql += " WHERE week = ?"
        params = (week,)
    async with db.execute(sql + " GROUP BY state", params) as cur:
        rows = await cur.fetchall()
    return {str(r[0]): int(r[1]) for r in rows}
