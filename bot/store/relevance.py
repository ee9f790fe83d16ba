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

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.articles.extract import UNTITLED
from bot.articles.model import Relevance
from bot.articles.relevance import VERSION, classify_paragraphs

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


_SELECT_ALL = (
    "SELECT id, title, body, all_relevant, relevance FROM articles WHERE id > ? ORDER BY id LIMIT ?"
)
_SELECT_STALE = (
    "SELECT id, title, body, all_relevant, relevance FROM articles"
    " WHERE id > ? AND relevance_version != ? ORDER BY id LIMIT ?"
)
_UPDATE = (
    "UPDATE articles SET relevance = ?, relevance_auto = ?, relevance_score = ?,"
    " relevance_cues = ?, relevance_version = ? WHERE id = ?"
)


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
    last_id = start_after
    batches = 0
    while True:
        if stale_only:
            rows = db.execute(_SELECT_STALE, (last_id, VERSION, batch_size)).fetchall()
        else:
            rows = db.execute(_SELECT_ALL, (last_id, batch_size)).fetchall()
        if not rows:
            break
        last_id = report.last_id = rows[-1][0]
        updates = []
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
        if own_transactions:
            db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(_UPDATE, updates).close()
            sync_units(db, changed)
            if own_transactions:
                db.execute("COMMIT")
        except BaseException:
            if own_transactions and db.in_transaction:
                db.execute("ROLLBACK")
            raise
        report.scored += len(rows)
        batches += 1
        if len(rows) < batch_size:
            break
        if max_batches is not None and batches >= max_batches:
            report.done = False
            break
    return report


def stale_count(db: sqlite3.Connection) -> int:
    (n,) = db.execute(
        "SELECT count(*) FROM articles WHERE relevance_version != ?", (VERSION,)
    ).fetchone()
    return int(n)


# --- a source's topic -----------------------------------------------------------------------

# The articles a source brought in (its feed entries), as an id list query.
_OF_SOURCE = "SELECT article_id FROM feed_entries WHERE source_id = ? AND article_id IS NOT NULL"
SHOWN_OF_SOURCE = f"SELECT count(*) FROM articles WHERE id IN ({_OF_SOURCE}) AND relevance >= 1"


def topic_statements(source_id: int, topic: str) -> list[tuple[str, tuple[int, ...]]]:
    """The statements that apply a source's new topic to the articles it brought in: vouch
    for them ("all"), or stop vouching ("filter") unless another "all" source brought the
    same article; then what users see, and the per-province lists. Set-based single
    statements, so both the sync and the async connection can run them."""
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
