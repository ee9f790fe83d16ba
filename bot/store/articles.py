"""Articles in SQLite: save with de-duplication, and the read queries the replies use."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import aiosqlite

from bot.articles.model import Article, ProvinceMention, StoredArticle
from bot.articles.relevance import VERSION as RELEVANCE_VERSION
from bot.store import index, tx
from bot.store.relevance import classify_stored, cue_text, shown, vouch
from bot.text.dates import VN_TZ

SaveStatus = Literal["new", "updated", "duplicate"]


@dataclass(frozen=True)
class SaveResult:
    id: int
    status: SaveStatus


_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "zarsrc", "gidzl")


def canonical_url(url: str | None) -> str | None:
    """The URL that identifies an article: scheme-less host in lower case, no fragment,
    no tracking parameters, no trailing slash."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip() or None
    if not parts.netloc:
        return url.strip() or None
    host = parts.netloc.lower().removeprefix("www.")
    query = "&".join(
        p for p in parts.query.split("&") if p and not p.lower().startswith(_TRACKING_PARAMS)
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("", host, path, query, ""))[2:]


UNDATED_SORT_DATE = "0000-00-00"


def sort_date(article: Article, added: datetime | None = None) -> str:
    """The date an article files under: its event, else its publication date.

    Never the day we got it: an article nothing dates files under ``0000-00-00``, and one
    whose event has no year (and no publication date) under ``0000-MM-DD``: both after
    every dated article in "newest first" lists, and in no week (no digest, no weekly
    summary). ``added`` is not used; it stays for callers that pass it.
    """
    ev = article.extraction.event_date
    if ev and len(ev) == 10 and ev[4] == "-":
        return ev
    # Calendar dates in Vietnam, where the news happens: 06:00 there is yesterday in UTC.
    if article.published is not None:
        return article.published.astimezone(VN_TZ).date().isoformat()
    if ev and ev.startswith("--"):
        return "0000" + ev[1:]
    return UNDATED_SORT_DATE


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat(timespec="seconds") if dt else None


def save_many_sync(
    db: sqlite3.Connection, articles: Iterable[Article], now: datetime
) -> list[SaveResult]:
    """Save a batch in one transaction (the fast path for imports), waiting its turn
    while another process writes (see bot.store.tx)."""
    return tx.write_sync(db, save_batch, list(articles), now)


def save_batch(
    db: sqlite3.Connection, articles: Iterable[Article], now: datetime
) -> list[SaveResult]:
    """Save a batch inside the caller's transaction."""
    index_ops: list[index.IndexOp] = []
    results = [_save(db, a, now, index_ops) for a in articles]
    index.apply(db, index_ops)  # last: see index.apply
    return results


def _save(
    db: sqlite3.Connection, article: Article, now: datetime, index_ops: list[index.IndexOp]
) -> SaveResult:
    ex = article.extraction
    curl = canonical_url(article.url)
    row = None
    if curl:
        row = db.execute(
            "SELECT id, body_hash, title, body, all_relevant FROM articles WHERE canonical_url = ?",
            (curl,),
        ).fetchone()
    if row is None:
        dup = db.execute(
            "SELECT id, all_relevant FROM articles WHERE body_hash = ?", (article.body_hash,)
        ).fetchone()
        if dup is not None:
            if article.all_relevant and not dup[1]:
                vouch(db, dup[0])  # a trusted source vouches for what another brought
            return SaveResult(dup[0], "duplicate")
    relevance = ex.relevance or classify_stored(ex.title, article.body)
    all_relevant = article.all_relevant or bool(row is not None and row[4])
    values: dict[str, Any] = {
        "canonical_url": curl,
        "url": article.url,
        "body_hash": article.body_hash,
        "source": article.source,
        "guid": article.guid,
        "title": ex.title,
        "body": article.body,
        "summary": ex.summary,
        "published": _iso(article.published),
        "event_date": ex.event_date,
        "sort_date": sort_date(article, now),
        "level": ex.level,
        "meeting_kind": ex.meeting_kind,
        "chairs": json.dumps(list(ex.chairs), ensure_ascii=False),
        "updated_at": _iso(now),
        "relevance": shown(relevance.relevance, all_relevant),
        "relevance_auto": relevance.relevance,
        "relevance_score": relevance.score,
        "relevance_cues": cue_text(relevance),
        "relevance_version": RELEVANCE_VERSION,
        "all_relevant": int(all_relevant),
    }
    if row is not None:
        article_id, old_hash, old_title, old_body, old_all = row
        if old_hash == article.body_hash and old_title == ex.title:
            if article.all_relevant and not old_all:
                vouch(db, article_id)
            return SaveResult(article_id, "duplicate")
        other = db.execute(
            "SELECT id FROM articles WHERE body_hash = ? AND id != ?",
            (article.body_hash, article_id),
        ).fetchone()
        if other is not None:
            return SaveResult(other[0], "duplicate")
        index_ops.append((True, article_id, old_title, old_body))
        sets = ", ".join(f"{k} = :{k}" for k in values)
        db.execute(f"UPDATE articles SET {sets} WHERE id = :id", {**values, "id": article_id})
        db.execute("DELETE FROM article_provinces WHERE article_id = ?", (article_id,))
        db.execute("DELETE FROM article_units WHERE article_id = ?", (article_id,))
        status: SaveStatus = "updated"
    else:
        values["added_at"] = _iso(now)
        cols = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        cur = db.execute(f"INSERT INTO articles ({cols}) VALUES ({marks})", values)
        article_id = int(cur.lastrowid or 0)
        status = "new"
    db.executemany(
        "INSERT OR IGNORE INTO article_provinces(article_id, name, current) VALUES (?, ?, ?)",
        [(article_id, p.name, p.current) for p in ex.provinces],
    )
    meeting = int(ex.meeting_kind is not None)
    if values["relevance"] >= 1:  # the per-province lists and counts hold what users see
        db.executemany(
            "INSERT OR IGNORE INTO article_units(article_id, current, meeting, sort_date)"
            " VALUES (?, ?, ?, ?)",
            [
                (article_id, c, meeting, values["sort_date"])
                for c in {p.current for p in ex.provinces}
            ],
        )
    index_ops.append((False, article_id, ex.title, article.body))
    return SaveResult(article_id, status)


class ArticleWriter:
    """Saves articles from async code through the process's one writer (bot.store.tx).

    A batch runs as one call on the shared connection's thread, in one transaction: many
    small statements without an await each, in the same queue as every other write. A large
    batch (a first fetch of a 10,000-item feed) goes in chunks, so that the reads and writes
    queued behind it on that thread wait for one chunk, not for all of it.
    """

    CHUNK = 200

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def save(self, article: Article, now: datetime) -> SaveResult:
        return (await self.save_many([article], now))[0]

    async def save_many(self, articles: Sequence[Article], now: datetime) -> list[SaveResult]:
        results: list[SaveResult] = []
        for start in range(0, len(articles), self.CHUNK):
            chunk = list(articles[start : start + self.CHUNK])
            results += await tx.write(self.db, save_batch, chunk, now)
        return results

    def close(self) -> None:
        """Nothing of its own to close: the connection belongs to the services."""


# --- reads ---------------------------------------------------------------------------------

_SELECT = (
    "SELECT a.id, a.title, a.url, a.source, a.published, a.event_date, a.level,"
    " a.meeting_kind, a.chairs, a.summary, a.added_at,"
    " (SELECT json_group_array(json_array(p.name, p.current)) FROM article_provinces p"
    "  WHERE p.article_id = a.id) AS provinces, a.relevance"
    " FROM articles a"
)
# What users may see (bot/store/relevance.py); the newest-first lists read it through the
# partial index articles_relevant_sort.
_SHOWN = "a.relevance >= 1"


def _row_to_article(row: Sequence[Any]) -> StoredArticle:
    provinces = tuple(ProvinceMention(n, c) for n, c in json.loads(row[11] or "[]"))
    return StoredArticle(
        id=row[0],
        title=row[1],
        url=row[2],
        source=row[3],
        published=datetime.fromisoformat(row[4]) if row[4] else None,
        event_date=row[5],
        level=row[6],
        meeting_kind=row[7],
        chairs=tuple(json.loads(row[8] or "[]")),
        summary=row[9],
        provinces=provinces,
        added_at=datetime.fromisoformat(row[10]),
        relevance=int(row[12]),
    )


async def _fetch(
    db: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()
) -> list[StoredArticle]:
    async with db.execute(sql, params) as cur:
        rows = await cur.fetchall()
    return [_row_to_article(tuple(r)) for r in rows]


async def latest(db: aiosqlite.Connection, limit: int = 5, offset: int = 0) -> list[StoredArticle]:
    """The newest dân vận news, by event date (else publication date)."""
    return await _fetch(
        db,
        _SELECT + f" WHERE {_SHOWN} ORDER BY a.sort_date DESC, a.id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    )


async def get(
    db: aiosqlite.Connection, article_id: int, *, shown_only: bool = True
) -> StoredArticle | None:
    """One article; one users may not see (relevance 0) only with ``shown_only=False``."""
    where = f" WHERE a.id = ? AND {_SHOWN}" if shown_only else " WHERE a.id = ?"
    found = await _fetch(db, _SELECT + where, (article_id,))
    return found[0] if found else None


async def get_many(db: aiosqlite.Connection, ids: Sequence[int]) -> list[StoredArticle]:
    """Articles by id, in the order of ``ids`` (missing ones left out)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    found = {a.id: a for a in await _fetch(db, _SELECT + f" WHERE a.id IN ({marks})", ids)}
    return [found[i] for i in ids if i in found]


async def bodies(db: aiosqlite.Connection, ids: Sequence[int]) -> dict[int, str]:
    """Article texts by id, in one query."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    async with db.execute(f"SELECT id, body FROM articles WHERE id IN ({marks})", ids) as cur:
        return {int(r[0]): str(r[1]) for r in await cur.fetchall()}


async def meeting_ids_in(
    db: aiosqlite.Connection, current: str, *, limit: int = 10, offset: int = 0
) -> list[int]:
    """Ids of the meetings in a current unit, newest first (an index walk, no sort)."""
    sql = (
        "SELECT article_id FROM article_units WHERE current = ? AND meeting = 1"
        " ORDER BY sort_date DESC, article_id DESC LIMIT ? OFFSET ?"
    )
    async with db.execute(sql, (current, limit, offset)) as cur:
        return [int(r[0]) for r in await cur.fetchall()]


async def meetings_in(
    db: aiosqlite.Connection,
    current: str,
    *,
    former: str | None = None,
    limit: int = 10,
    offset: int = 0,
) -> list[StoredArticle]:
    """Meetings in a current unit (or only those naming one former unit), newest first."""
    if former is None:
        return await get_many(db, await meeting_ids_in(db, current, limit=limit, offset=offset))
    sql = (
        _SELECT + " WHERE a.id IN (SELECT article_id FROM article_provinces WHERE name = ?)"
        f" AND a.meeting_kind IS NOT NULL AND {_SHOWN}"
        " ORDER BY a.sort_date DESC, a.id DESC LIMIT ? OFFSET ?"
    )
    return await _fetch(db, sql, (former, limit, offset))


async def count_meetings_in(db: aiosqlite.Connection, current: str) -> int:
    sql = "SELECT meetings FROM province_stats WHERE current = ?"
    async with db.execute(sql, (current,)) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def province_counts(
    db: aiosqlite.Connection, *, meetings_only: bool = False
) -> list[tuple[str, int]]:
    """(current unit, number of articles or meetings) for every unit with at least one,
    largest first. Reads the counts the triggers keep: no scan of the archive."""
    column = "meetings" if meetings_only else "articles"
    sql = (
        f"SELECT current, {column} FROM province_stats WHERE {column} > 0"
        f" ORDER BY {column} DESC, current"
    )
    async with db.execute(sql) as cur:
        rows = await cur.fetchall()
    return [(str(r[0]), int(r[1])) for r in rows]


async def in_period(db: aiosqlite.Connection, start: date, end: date) -> list[StoredArticle]:
    """The dân vận news filed under [start, end] (inclusive), by event date else
    publication date."""
    return await _fetch(
        db,
        _SELECT + f" WHERE a.sort_date BETWEEN ? AND ? AND {_SHOWN} ORDER BY a.sort_date, a.id",
        (start.isoformat(), end.isoformat()),
    )


async def latest_dated_day(db: aiosqlite.Connection, on_or_before: date) -> date | None:
    """The newest day, up to ``on_or_before``, that has dân vận news with a known date
    (an index seek on articles_relevant_sort)."""
    sql = (
        f"SELECT a.sort_date FROM articles a WHERE {_SHOWN} AND a.sort_date <= ?"
        " AND a.sort_date >= '0001' ORDER BY a.sort_date DESC, a.id DESC LIMIT 1"
    )
    async with db.execute(sql, (on_or_before.isoformat(),)) as cur:
        row = await cur.fetchone()
    return date.fromisoformat(row[0]) if row else None


async def count_shown(db: aiosqlite.Connection) -> int:
    """Articles users may see (relevance >= 1), dated or not."""
    async with db.execute(f"SELECT count(*) FROM articles a WHERE {_SHOWN}") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def count(db: aiosqlite.Connection) -> int:
    """Every stored article, shown or not (is the archive empty?)."""
    async with db.execute("SELECT count(*) FROM articles") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0
