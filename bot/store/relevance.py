"""Relevance in the archive: what users see, re-scoring, and a source's topic.

Each article row keeps the classifier's opinion (``relevance_auto``, ``relevance_score``,
``relevance_cues``, ``relevance_version``) and whether a trusted source vouches for it
(``all_relevant``: a ``topic = "all"`` source, or an imported file). What users see is
``relevance``: the classifier's label, raised to 1 for a vouched-for article. Views read
only rows with ``relevance >= 1``; ``article_units`` (the per-province lists and counts)
holds only those rows, so it follows every change of ``relevance`` here.

Synchronous (``sqlite3``): used by the writer, the migration and ``danvan-bot rescore``;
the async paths run it in a worker thread on a connection of their own.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from bot.articles.extract import UNTITLED
from bot.articles.model import Relevance
from bot.articles.relevance import VERSION, classify_paragraphs
from bot.store import tx

RELEVANT_SQL = "relevance >= 1"


def shown(auto: int, all_relevant: bool) -> int:
    """The relevance users see: a vouched-for article is at least adjacent (1)."""
    return max(auto, 1) if all_relevant else auto


def cue_text(relevance: Relevance) -> str:
    return " ".join(relevance.cues)


def classify_stored(title: str, body: str) -> Relevance:
    """Classify an archived article (title and body as stored). A title the extractor
    derived from the lead (no headline on the page) is not read as a headline."""
    paragraphs = body.split("\n\n")
    head = title.rstrip("…").strip().lower()  # derive_title capitalises the first letter
    if title == UNTITLED or (head and paragraphs and head in paragraphs[0].lower()):
        title = ""
    return classify_paragraphs(title, paragraphs)


# --- article_units follows relevance ----------------------------------------------------------

_UNITS_INSERT = (
    "INSERT OR IGNORE INTO article_units(article_id, current, meeting, sort_date)"
    " SELECT DISTINCT p.article_id, p.current, a.meeting_kind IS NOT NULL, a.sort_date"
    " FROM article_provinces p JOIN articles a ON a.id = p.article_id"
    " WHERE a.id = ? AND a.relevance >= 1"
)
_UNITS_DELETE = (
    "DELETE FROM article_units WHERE article_id = ?"
    " AND (SELECT relevance FROM articles WHERE id = ?) < 1"
)


def sync_units(db: sqlite3.Connection, ids: Sequence[int]) -> None:
    """Make ``article_units`` (and through its triggers the province counts) agree with
    the ``relevance`` of these articles."""
    db.executemany(_UNITS_DELETE, [(i, i) for i in ids]).close()
    db.executemany(_UNITS_INSERT, [(i,) for i in ids]).close()


# --- re-scoring --------------------------------------------------------------------------------


@dataclass
class RescoreReport:
    scored: int = 0
    shown: int = 0  # hidden before, shown now
    hidden: int = 0  # shown before, hidden now
    relabelled: int = 0  # label changed (2 <-> 1 included)
    done: bool = True  # False: stopped by max_batches with articles left
    last_id: int = 0  # the last article looked at (to go on from with start_after)

    def add(self, other: RescoreReport) -> None:
        self.scored += other.scored
        self.shown += other.shown
        self.hidden += other.hidden
        self.relabelled += other.relabelled
        self.last_id = max(self.last_id, other.last_id)


Row = tuple[int, str, str, int, int]  # id, title, body, all_relevant, relevance shown before
Update = tuple[int, int, float, str, int, int]  # the columns of _UPDATE

_UPDATE = (
    "UPDATE articles SET relevance = ?, relevance_auto = ?, relevance_score = ?,"
    " relevance_cues = ?, relevance_version = ? WHERE id = ?"
)


def batch_query(after: int, size: int, stale_only: bool) -> tuple[str, tuple[int, ...]]:
    """The next ``size`` articles after id ``after`` (those of another version only)."""
    sql = "SELECT id, title, body, all_relevant, relevance FROM articles WHERE id > ?"
    if stale_only:
        return sql + " AND relevance_version != ? ORDER BY id LIMIT ?", (after, VERSION, size)
    return sql + " ORDER BY id LIMIT ?", (after, size)


def score_batch(rows: Sequence[Row]) -> tuple[list[Update], list[int], RescoreReport]:
    """Classify rows (pure, CPU only): the updates, the ids whose visibility changed, and
    the counts."""
    report = RescoreReport(scored=len(rows), last_id=rows[-1][0] if rows else 0)
    updates: list[Update] = []
    changed: list[int] = []
    for article_id, title, body, all_relevant, before in rows:
        result = classify_stored(title, body)
        after = shown(result.relevance, bool(all_relevant))
        updates.append(
            (after, result.relevance, result.score, cue_text(result), VERSION, article_id)
        )
        if after != before:
            report.relabelled += 1
            if (after >= 1) != (before >= 1):
                changed.append(article_id)
                report.shown += after >= 1
                report.hidden += after < 1
    return updates, changed, report


def apply_batch(db: sqlite3.Connection, updates: Sequence[Update], changed: Sequence[int]) -> None:
    """Write one batch's scores, in the caller's transaction."""
    db.executemany(_UPDATE, updates).close()
    sync_units(db, changed)


def rescore(
    db: sqlite3.Connection,
    *,
    stale_only: bool = False,
    batch_size: int = 500,
    own_transactions: bool = True,
    max_batches: int | None = None,
    start_after: int = 0,
) -> RescoreReport:
    """Classify stored articles again (every one, or those scored by another classifier
    version) and update what users see. No fetching: the stored title and body are read.

    ``own_transactions``: one short write transaction per batch (readers and the fetcher
    carry on between batches); False inside a caller's transaction (the migration).
    ``max_batches``: stop after that many (``done`` is then False if more were left);
    ``start_after``: go on from ``last_id`` of a previous call."""
    report = RescoreReport(last_id=start_after)
    batches = 0
    while True:
        rows = db.execute(*batch_query(report.last_id, batch_size, stale_only)).fetchall()
        if not rows:
            break
        updates, changed, counts = score_batch(rows)
        if own_transactions:
            tx.write_sync(db, apply_batch, updates, changed)
        else:
            apply_batch(db, updates, changed)
        report.add(counts)
        batches += 1
        if len(rows) < batch_size:
            break
        if max_batches is not None and batches >= max_batches:
            report.done = False
            break
    if report.done and start_after == 0:
        if own_transactions:
            tx.write_sync(db, mark_scored)
        else:
            mark_scored(db)
    return report


# The classifier version the whole archive is scored with, kept in one row so that a start
# knows without reading every article whether anything is stale.
def mark_scored(db: sqlite3.Connection) -> None:
    db.execute(
        "INSERT INTO relevance_state(id, version) VALUES (1, ?)"
        " ON CONFLICT(id) DO UPDATE SET version = excluded.version",
        (VERSION,),
    ).close()


async def archive_version(db: aiosqlite.Connection) -> int:
    async with db.execute("SELECT version FROM relevance_state WHERE id = 1") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def rescore_stale(db: aiosqlite.Connection, *, batch_size: int = 500) -> RescoreReport:
    """:func:`rescore` of the stale articles on the shared async connection, for the bot's
    start: nothing to read when the archive's version is current; otherwise batches read
    in turn with the bot's other queries, classified on a worker thread, written through
    the one writer (bot.store.tx) as short transactions."""
    report = RescoreReport()
    if await archive_version(db) == VERSION:
        return report
    while True:
        async with db.execute(*batch_query(report.last_id, batch_size, True)) as cur:
            rows = [
                (int(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4]))
                for r in await cur.fetchall()
            ]
        if not rows:
            break
        updates, changed, counts = await asyncio.to_thread(score_batch, rows)
        await tx.write(db, apply_batch, updates, changed)
        report.add(counts)
        if len(rows) < batch_size:
            break
    await tx.write(db, mark_scored)
    return report


# --- a source's topic -----------------------------------------------------------------------

# The articles a source brought in (its feed entries), as an id list query.
_OF_SOURCE = "SELECT article_id FROM feed_entries WHERE source_id = ? AND article_id IS NOT NULL"
SHOWN_OF_SOURCE = f"SELECT count(*) FROM articles WHERE id IN ({_OF_SOURCE}) AND relevance >= 1"


def topic_statements(source_id: int, topic: str) -> list[tuple[str, tuple[int, ...]]]:
    """The statements that apply a source's new topic to the articles it brought in: vouch
    for them ("all"), or stop vouching ("filter") unless another "all" source brought the
    same article; then what users see, and the per-province lists."""
    trust: tuple[str, tuple[int, ...]]
    if topic == "all":
        trust = (
            f"UPDATE articles SET all_relevant = 1 WHERE id IN ({_OF_SOURCE})",
            (source_id,),
        )
    else:
        trust = (
            f"UPDATE articles SET all_relevant = 0 WHERE id IN ({_OF_SOURCE}) AND NOT EXISTS"
            " (SELECT 1 FROM feed_entries e JOIN sources s ON s.id = e.source_id"
            "  WHERE e.article_id = articles.id AND s.topic = 'all' AND s.id != ?)",
            (source_id, source_id),
        )
    return [
        trust,
        (
            "UPDATE articles SET relevance = CASE WHEN all_relevant = 1"
            " THEN max(coalesce(relevance_auto, relevance), 1)"
            " ELSE coalesce(relevance_auto, relevance) END"
            f" WHERE id IN ({_OF_SOURCE})",
            (source_id,),
        ),
        (
            f"DELETE FROM article_units WHERE article_id IN ({_OF_SOURCE})"
            " AND article_id IN (SELECT id FROM articles WHERE relevance < 1)",
            (source_id,),
        ),
        (
            "INSERT OR IGNORE INTO article_units(article_id, current, meeting, sort_date)"
            " SELECT DISTINCT p.article_id, p.current, a.meeting_kind IS NOT NULL, a.sort_date"
            " FROM article_provinces p JOIN articles a ON a.id = p.article_id"
            f" WHERE a.relevance >= 1 AND a.id IN ({_OF_SOURCE})",
            (source_id,),
        ),
    ]


def apply_source_topic(db: sqlite3.Connection, source_id: int, topic: str) -> None:
    """:func:`topic_statements` on a synchronous connection, in the caller's transaction."""
    for sql, params in topic_statements(source_id, topic):
        db.execute(sql, params).close()


def vouch(db: sqlite3.Connection, article_id: int) -> None:
    """A trusted source brought an article already archived: show it."""
    db.execute(
        "UPDATE articles SET all_relevant = 1,"
        " relevance = max(coalesce(relevance_auto, relevance), 1) WHERE id = ?",
        (article_id,),
    ).close()
    sync_units(db, [article_id])
