"""Full-text search over the archive: newest first, exact spellings and whole phrases first.

A search is one call on the database thread (:func:`search`): a /tim waits on one round
trip, not one per query. How it runs (``search_sync``):

1. The query becomes MATCH expressions (search_query.py): every word must match, with or
   without diacritics; ``-word`` excludes.
2. FTS5 walks the folding index in rowid order, which is date order (index.search_key),
   and stops after ``CANDIDATES`` matches: well under a millisecond even for "dân vận",
   which is in nearly every article. With three words or more the walk asks for the rarer
   ones only (see _walk_match). bm25 is not used: it computes document frequencies over
   every match, hundreds of milliseconds for common words at 100,000 articles.
3. The candidates are ordered: spelled as typed ("Đảng", not "đang") first, then the words
   side by side, then by date (and, after a walk on the rarer words, only those with every
   word are kept). Those checks are index queries limited to a window of candidates,
   newest first, widened only until the page is decided: a check never walks the index
   between candidates that are far apart (a rare phrase at a million articles).
4. The page's articles and snippets are read in the same call, in one read transaction.
"""

from __future__ import annotations

import html
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

import aiosqlite

from bot.articles.model import StoredArticle
from bot.store import articles as article_store
from bot.store import index, tx
from bot.store.search_query import (
    ParsedQuery,
    folded_match,
    parse_query,
    spelling_match,
    split_query,
    word_match,
)
from bot.store.snippets import SNIPPET_CHARS, Snippet, snippet
from bot.text.normalize import fold

CANDIDATES = 300
COMMON = 500
WALK = 2000  # matches walked at most for one page of shown candidates
EXCLUSION_WALK = 602  # the same with an exclusion by spelling
FIRST_WINDOW = 8
MAX_LIMIT = 50

Problem = Literal["no_words", "only_excluded"]
T = TypeVar("T")


@dataclass(frozen=True)
class SearchHit:
    article: StoredArticle
    snippet_html: str  # escaped text with <b>…</b> around the hits; safe for Telegram HTML
    spelled: bool = True  # every word typed with diacritics is spelled that way here
    together: bool = True  # the words stand side by side here (always, for one word)
    forms: tuple[str, ...] = ()  # the hit words as this article spells them (from the snippet)


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[SearchHit]
    total: int  # number of matches (a lower bound when total_is_lower_bound)
    total_is_lower_bound: bool
    offset: int
    parsed: ParsedQuery | None = None
    problem: Problem | None = None  # why nothing was searched
    search_id: int | None = None  # the saved search (for page buttons), when asked for
    total_is_estimate: bool = False  # not every candidate was checked: total is at most
    # Set when they say something (see find.py for how they are told):
    spelled_total: int | None = None  # matches spelled as typed, when all were checked
    never_spelled: tuple[str, ...] = ()  # marked words no article spells that way
    absent: tuple[str, ...] = ()  # words no article has (an empty first page)
    all_excluded: bool = False  # there were matches, each with an excluded word
    all_hidden: bool = False  # there were matches, none of them dân vận news


# --- running on the database thread ---------------------------------------------------------


def _reading(conn: sqlite3.Connection, fn: Callable[[], T]) -> T:
    """``fn()`` in one read transaction (one snapshot, one WAL read lock), or inside the
    transaction already open on the connection."""
    if conn.in_transaction:
        return fn()
    conn.execute("BEGIN").close()
    try:
        return fn()
    finally:
        conn.execute("COMMIT").close()


async def search(
    db: aiosqlite.Connection, query: str, *, limit: int = 5, offset: int = 0, saved: bool = False
) -> SearchPage:
    """Articles matching ``query``, best first (see the module docstring). Never raises on
    user input. ``saved``: also look up the id under which the query was saved."""
    return await tx.on_thread(
        db, lambda conn: search_sync(conn, query, limit=limit, offset=offset, saved=saved)
    )


async def search_saved(
    db: aiosqlite.Connection, search_id: int, *, limit: int = 5, offset: int = 0
) -> SearchPage | None:
    """A page of a saved search (a button press); None when there is no such search."""

    def run(conn: sqlite3.Connection) -> SearchPage | None:
        row = conn.execute("SELECT query FROM searches WHERE id = ?", (search_id,)).fetchone()
        if row is None:
            return None
        page = search_sync(conn, str(row[0]), limit=limit, offset=offset)
        return replace(page, search_id=search_id)

    return await tx.on_thread(db, run)


# --- the search ------------------------------------------------------------------------------


def search_sync(
    conn: sqlite3.Connection, query: str, *, limit: int = 5, offset: int = 0, saved: bool = False
) -> SearchPage:
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    return _reading(conn, lambda: _search(conn, query, limit, offset, saved))


def _search(
    conn: sqlite3.Connection, query: str, limit: int, offset: int, saved: bool
) -> SearchPage:
    search_id = _saved_id(conn, query) if saved else None
    parsed = parse_query(query)
    if parsed is None:
        _, excluded = split_query(query)
        problem: Problem = "only_excluded" if excluded else "no_words"
        return SearchPage(query, [], 0, False, offset, None, problem, search_id)
    walk = _walk_match(conn, parsed)
    verify = None if walk == parsed.match else parsed.match
    pool, more = _candidates(conn, parsed, walk)
    ranked = _rank(conn, parsed, pool, offset + limit, verify)
    hits = _hits(conn, parsed, ranked.order[offset : offset + limit], ranked)
    page = SearchPage(
        query,
        hits,
        len(pool) if ranked.total is None else ranked.total,
        more,
        offset,
        parsed,
        search_id=search_id,
        total_is_estimate=ranked.total is None and verify is not None,
        spelled_total=ranked.spelled_total,
        never_spelled=ranked.never_spelled,
    )
    return _explain(conn, page, parsed)


def _saved_id(conn: sqlite3.Connection, query: str) -> int | None:
    row = conn.execute("SELECT id FROM searches WHERE query = ?", (query,)).fetchone()
    return int(row[0]) if row else None


def _walk_match(conn: sqlite3.Connection, parsed: ParsedQuery) -> str:
    """What the walk asks of the index: every word, or only the rarer ones.

    Each match costs the walk a seek into every word's list of articles, and a seek into
    the list of a word in every article costs ~5 µs at a million: "mô hình nuôi ong lấy
    mật của hợp tác xã Nà Tùm" (5 such words, 200 matches) took 10 ms. With three words or
    more, the words found in ``COMMON`` articles or more are left to the checks of _rank,
    which see only the candidates of the first pages."""
    words = list({fold(w): w for w in parsed.words}.values())
    if len(words) < 3:
        return parsed.match
    rare = [w for w in words if _count(conn, word_match(w), COMMON) < COMMON]
    if not rare or len(rare) == len(words):
        return parsed.match
    return folded_match(rare, parsed.folded_excluded)


def _count(conn: sqlite3.Connection, match: str, up_to: int) -> int:
    sql = (
        f"SELECT count(*) FROM (SELECT 1 FROM {index.FOLDED} WHERE {index.FOLDED} MATCH ? LIMIT ?)"
    )
    return int(conn.execute(sql, (match, up_to)).fetchone()[0])


def _candidates(
    conn: sqlite3.Connection, parsed: ParsedQuery, match: str
) -> tuple[list[int], bool]:
    """The newest ``CANDIDATES`` matches of ``match`` that users may see (keys), and
    whether there may be more.

    Only dân vận news is shown (relevance >= 1; DESIGN.md): the walk goes on past the
    matches that are not, and past those an exclusion by spelling takes out, up to
    ``WALK`` matches in all (``EXCLUSION_WALK`` with such an exclusion): a word common in
    filtered news, or an excluded word in most matches, costs a bounded walk."""
    budget = EXCLUSION_WALK if parsed.exact_excluded else WALK
    pool: list[int] = []
    after, walked, size = 0, 0, min(CANDIDATES + 1, budget)  # every key is above 0
    while True:
        found = _walk(conn, match, size, after)
        walked += len(found)
        kept = _shown(conn, found)
        if parsed.exact_excluded and kept:
            dropped = _keys_in(conn, index.EXACT, parsed.exact_excluded, kept)
            kept = [k for k in kept if k not in dropped]
        pool += kept
        if len(pool) > CANDIDATES:
            return pool[:CANDIDATES], True
        if len(found) < size:
            return pool, False
        if walked >= budget:
            return pool, True
        after = found[-1]
        # As many as the share kept so far says are needed (fewer, larger steps).
        kept_share = max(len(pool), 1) / walked
        wanted = (CANDIDATES + 1 - len(pool)) / kept_share
        size = int(min(budget - walked, max(CANDIDATES + 1, wanted)))


def _shown(conn: sqlite3.Connection, keys: list[int]) -> list[int]:
    """The keys of articles users may see, in order (``search_keys.shown``).

    The table is ordered by key: when the keys lie close together (a common word, whose
    matches are most articles) one read of the rows between the first and the last
    answers for all of them; else (a rare word) one seek per key, the keys going in as one
    JSON array (an ``IN (?, ?, …)`` list of 2,000 took 2.5x longer)."""
    if not keys:
        return []
    span = 4 * len(keys)
    (rows,) = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM search_keys WHERE key BETWEEN ? AND ? LIMIT ?)",
        (keys[0], keys[-1], span),
    ).fetchone()
    if rows < span:
        sql = "SELECT key FROM search_keys WHERE key BETWEEN ? AND ? AND shown"
        shown = {int(r[0]) for r in conn.execute(sql, (keys[0], keys[-1]))}
    else:
        sql = (
            "SELECT k.key FROM json_each(?) AS j JOIN search_keys AS k ON k.key = j.value"
            " WHERE k.shown"
        )
        shown = {int(r[0]) for r in conn.execute(sql, (json.dumps(keys),))}
    return [k for k in keys if k in shown]


def _walk(conn: sqlite3.Connection, match: str, limit: int, after: int) -> list[int]:
    """Keys of the first ``limit`` matches after key ``after``, newest first."""
    sql = (
        f"SELECT rowid FROM {index.FOLDED} WHERE {index.FOLDED} MATCH ? AND rowid > ?"
        " ORDER BY rowid LIMIT ?"
    )
    return [int(r[0]) for r in conn.execute(sql, (match, after, limit))]


def _keys_in(conn: sqlite3.Connection, table: str, match: str, keys: Sequence[int]) -> set[int]:
    """The keys between the first and the last of ``keys`` (in order) that match."""
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid BETWEEN ? AND ?"
    return {int(r[0]) for r in conn.execute(sql, (match, keys[0], keys[-1]))}


def _occurs(conn: sqlite3.Connection, table: str, match: str) -> bool:
    sql = f"SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT 1"
    return conn.execute(sql, (match,)).fetchone() is not None


@dataclass(frozen=True)
class _Ranked:
    order: list[int]  # keys, best first; complete up to the page asked for
    spelled: set[int] | None  # the checked keys spelled as typed (None: nothing to check)
    together: set[int] | None  # the checked keys with the words side by side
    total: int | None  # the candidates that match, when every one was checked
    spelled_total: int | None  # of those, the ones spelled as typed
    never_spelled: tuple[str, ...] = ()  # when found out on the way

    def flags(self, key: int) -> tuple[bool, bool]:
        return (
            self.spelled is None or key in self.spelled,
            self.together is None or key in self.together,
        )


def _rank(
    conn: sqlite3.Connection,
    parsed: ParsedQuery,
    pool: list[int],
    need: int,
    verify: str | None,
) -> _Ranked:
    """Spelled as typed, then side by side, then newest; and, when the walk asked for the
    rarer words only, only the candidates that match ``verify`` (every word).

    The checks run on windows of candidates, newest first, each window four times the
    last (all the rest after a window where none passed), until ``need`` candidates pass
    them all (the page is then decided) or every candidate was checked. A check is an
    index query limited to the window's keys: FTS5 then seeks only around the window's own
    candidates. Words side by side are all the words: only the candidates apart are
    checked against ``verify``, and only as many as the page needs."""
    spelled: set[int] | None = set() if parsed.exact_match else None
    together: set[int] | None = set() if parsed.phrase_match else None
    never: tuple[str, ...] = ()  # words typed with diacritics no article spells so
    best: list[int] = []  # pass every check, newest first
    done, size = 0, max(FIRST_WINDOW, need)
    checks = spelled is not None or together is not None
    while checks and done < len(pool) and len(best) < need:
        window = pool[done : done + size]
        if together is not None:
            together |= _keys_in(conn, index.FOLDED, str(parsed.phrase_match), window)
        if spelled is not None and not never:
            spelled |= _keys_in(conn, index.EXACT, str(parsed.exact_match), window)
            if not spelled and done == 0:
                never = _never_spelled(conn, parsed)  # then nothing is spelled: no check
        best += (
            k
            for k in window
            if (together is None or k in together) and (spelled is None or never or k in spelled)
        )
        done += size
        size = size * 4 if best else len(pool)  # none in a first window: few anywhere
    if checks and done < len(pool):  # only the first group is decided; nothing was counted
        return _Ranked(best, spelled, together, None, 0 if never else None, never)
    # Every candidate checked: the rest of the order, group by group.
    first = set(best)
    rest = [k for k in pool if k not in first]
    if spelled is not None:
        right = [k for k in rest if k in spelled]  # spelled, apart
        wrong = [k for k in rest if k not in spelled]
        if together is not None:
            wrong = [k for k in wrong if k in together] + [k for k in wrong if k not in together]
        rest = right + wrong
    if verify is None:
        spelled_total = len(pool) if spelled is None else sum(k in spelled for k in pool)
        return _Ranked(best + rest, spelled, together, len(pool), spelled_total, never)
    rest, complete = _members(conn, verify, rest, together, need - len(best))
    members = best + rest
    counted: int | None = None
    if spelled is not None and not any(k in spelled for k in pool):
        counted = 0  # whatever the rest of the words do
    elif complete:
        counted = len(members) if spelled is None else sum(k in spelled for k in members)
    return _Ranked(members, spelled, together, len(members) if complete else None, counted, never)


def _members(
    conn: sqlite3.Connection,
    verify: str,
    keys: list[int],
    together: set[int] | None,
    need: int,
) -> tuple[list[int], bool]:
    """``keys`` (in their order) that match ``verify``, checked a window at a time until
    ``need`` are found; and whether every key was checked."""
    found: list[int] = []
    done, size = 0, max(FIRST_WINDOW, need)
    while done < len(keys) and len(found) < need:
        window = keys[done : done + size]
        apart = sorted(k for k in window if together is None or k not in together)
        matched = _keys_in(conn, index.FOLDED, verify, apart) if apart else set()
        found += (k for k in window if k in matched or (together is not None and k in together))
        done += size
        size *= 4
    return found, done >= len(keys)


def _never_spelled(conn: sqlite3.Connection, parsed: ParsedQuery) -> tuple[str, ...]:
    """The words typed with diacritics that no article spells that way."""
    return tuple(w for w in parsed.marked if not _occurs(conn, index.EXACT, spelling_match(w)))


def _hits(
    conn: sqlite3.Connection,
    parsed: ParsedQuery,
    keys: Sequence[int],
    ranked: _Ranked,
) -> list[SearchHit]:
    ids = index.article_ids(keys)
    flag_of = {index.article_id(k): ranked.flags(k) for k in keys}
    found = article_store.get_many_sync(conn, ids)
    marks = ",".join("?" * len(ids))
    texts = dict(conn.execute(f"SELECT id, body FROM articles WHERE id IN ({marks})", ids))
    folded = parsed.folded
    hits = []
    for article in found:
        cut = snippet(str(texts.get(article.id, "")), folded)
        if not cut.html:  # the words are in the title only
            cut = Snippet(snippet(article.summary, folded).html or _summary(article), ())
        spelled, together = flag_of[article.id]
        hits.append(SearchHit(article, cut.html, spelled, together, cut.forms))
    return hits


def _summary(article: StoredArticle) -> str:
    return html.escape(article.summary[:SNIPPET_CHARS])


def _explain(conn: sqlite3.Connection, page: SearchPage, parsed: ParsedQuery) -> SearchPage:
    """The facts a reply needs to say why a page looks as it does (index lookups that stop
    at the first row, run only when they have something to say)."""
    changes: dict[str, Any] = {}
    unspelled_shown = any(not h.spelled for h in page.hits)
    if parsed.marked and (unspelled_shown or not page.hits) and not page.never_spelled:
        changes["never_spelled"] = _never_spelled(conn, parsed)
    if not page.hits and page.offset == 0:
        absent = tuple(w for w in parsed.words if not _occurs(conn, index.FOLDED, word_match(w)))
        changes["absent"] = absent
        if not absent and parsed.excluded:
            changes["all_excluded"] = _occurs(conn, index.FOLDED, parsed.every)
        if not absent and not changes.get("all_excluded"):
            changes["all_hidden"] = _occurs(conn, index.FOLDED, parsed.match)
    return replace(page, **changes) if changes else page
