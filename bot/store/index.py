"""The two full-text indexes over articles, and the one way text goes into them.

``article_fts`` (title, body) finds words with or without diacritics: FTS5's tokenizer
(``unicode61 remove_diacritics 2``) folds case and every Vietnamese mark, all but ``đ``,
which is no ``d`` with a mark to Unicode; :func:`index_form` turns it into ``d`` first.
Queries go through the same function and the same tokenizer, so both sides always agree.

``article_exact`` (title and body as one text, ``remove_diacritics 0``, no positions) tells
"Đảng" from "đang": search ranks the spelling the user typed first with it.

Rows are keyed by the article's date, not its id: :func:`search_key` makes a rowid that
grows as the date gets older (newer ids first within a day), so FTS5 hands matches over
newest-first in its natural, ascending order (a descending walk re-reads every leaf page
it seeks into: 2-3x slower) and search stops after the first few hundred. The key an
article was indexed under is kept in ``search_keys``, with whether users may see it (a
trigger follows ``articles.relevance``): a change of ``sort_date`` made anywhere else can
then never remove the wrong index rows (see :func:`rekey`).

Both indexes are contentless (the text lives in ``articles``): a row is removed by
inserting the 'delete' command with the values it was indexed with, so _folded_row and
_exact_row are the only places that decide what a row holds.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

FOLDED = "article_fts"
EXACT = "article_exact"

_INSERT = (
    f"INSERT INTO {FOLDED}(rowid, title, body) VALUES (?, ?, ?)",
    f"INSERT INTO {EXACT}(rowid, text) VALUES (?, ?)",
)
_DELETE = (
    f"INSERT INTO {FOLDED}({FOLDED}, rowid, title, body) VALUES ('delete', ?, ?, ?)",
    f"INSERT INTO {EXACT}({EXACT}, rowid, text) VALUES ('delete', ?, ?)",
)

# (delete?, article id, sort date (what an insert files under), title, body)
IndexOp = tuple[bool, int, str, str, str]

_ID_BITS = 32
_ID_MAX = (1 << _ID_BITS) - 1
_DAY_MAX = (1 << 22) - 1  # > 9999 * 372: every four-digit year fits
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def search_key(sort_date: str | None, article_id: int) -> int:
    """The index rowid of an article: smaller for a later ``sort_date`` (YYYY-MM-DD), then
    for a larger id. A year 0000 (unknown) or an unreadable date files after every dated
    article."""
    if not 0 < article_id <= _ID_MAX:
        raise ValueError(f"article id out of the index's range: {article_id}")
    found = _DATE_RE.fullmatch(sort_date or "")
    day = 0
    if found:
        year, month, dom = (int(g) for g in found.groups())
        day = year * 372 + (min(max(month, 1), 12) - 1) * 31 + min(max(dom, 1), 31) - 1
    return ((_DAY_MAX - day) << _ID_BITS) | (_ID_MAX - article_id)


def article_id(key: int) -> int:
    """The article id a :func:`search_key` was made from."""
    return _ID_MAX - (key & _ID_MAX)


def article_ids(keys: Iterable[int]) -> list[int]:
    """:func:`article_id` of each key (in a loop of its own: a few hundred per search)."""
    return [_ID_MAX - (key & _ID_MAX) for key in keys]


def index_form(text: str) -> str:
    """Text as the folding index takes it: ``đ`` -> ``d``; the tokenizer does the rest."""
    return text.replace("đ", "d").replace("Đ", "D")


def _folded_row(key: int, title: str, body: str) -> tuple[int, str, str]:
    return key, index_form(title), index_form(body)


def _exact_row(key: int, title: str, body: str) -> tuple[int, str]:
    return key, f"{title}\n{body}"


def _keys_of(db: sqlite3.Connection, ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT article_id, key FROM search_keys WHERE article_id IN ({marks})"
        found.update(db.execute(sql, chunk).fetchall())
    return found


def apply(db: sqlite3.Connection, ops: Iterable[IndexOp]) -> None:
    """Bring the indexes in line with a batch of saves: per article, remove the version it
    had before the batch and add the one it has after (the steps in between cancel out).

    Callers collect a whole batch and apply it after the other statements of the
    transaction: FTS5 writes its pending terms to disk whenever a later statement opens a
    savepoint (any statement that fires a trigger does), which made one tiny index segment
    per article and cost ~0.2 ms each. For the same reason rows go in ascending rowid
    order: FTS5 also flushes whenever a rowid is not above the previous one.
    """
    first: dict[int, IndexOp] = {}
    last: dict[int, IndexOp] = {}
    for op in ops:
        first.setdefault(op[1], op)
        last[op[1]] = op
    removed = [op for op in first.values() if op[0]]
    added = [op for op in last.values() if not op[0]]
    if removed:
        # Under the key it was indexed with, whatever sort_date says now.
        stored = _keys_of(db, [op[1] for op in removed])
        rows = [(stored.get(i) or search_key(d, i), t, b) for _, i, d, t, b in removed]
        _write(db, _DELETE, rows)
    gone = {op[1] for op in removed} - {op[1] for op in added}
    if gone:
        db.executemany("DELETE FROM search_keys WHERE article_id = ?", [(i,) for i in gone])
    if added:
        rows = [(search_key(d, i), t, b) for _, i, d, t, b in added]
        # REPLACE drops the article's row under its old key, if any. The article row is
        # written by now: whether it is shown comes from it.
        db.executemany(
            "INSERT OR REPLACE INTO search_keys(key, article_id, shown)"
            " SELECT ?, id, relevance >= 1 FROM articles WHERE id = ?",
            [(row[0], op[1]) for op, row in zip(added, rows, strict=True)],
        ).close()
        _write(db, _INSERT, rows)


def _write(db: sqlite3.Connection, sql: tuple[str, str], rows: list[tuple[int, str, str]]) -> None:
    rows.sort(key=lambda row: row[0])
    # Rows are made as SQLite asks for them: a batch's copies of its texts are never all in
    # memory at once.
    db.executemany(sql[0], (_folded_row(*row) for row in rows)).close()
    db.executemany(sql[1], (_exact_row(*row) for row in rows)).close()


def rekey(db: sqlite3.Connection) -> int:
    """Re-index the articles whose ``sort_date`` changed outside the store's save (a data
    migration, a hand edit), so that search orders them by their date again; how many.
    Call inside a transaction."""
    changed = [
        (article_id_, sort_date, title, body)
        for article_id_, sort_date, title, body, key in db.execute(
            "SELECT a.id, a.sort_date, a.title, a.body, k.key FROM articles a"
            " JOIN search_keys k ON k.article_id = a.id"
        )
        if search_key(sort_date, article_id_) != key
    ]
    ops: list[IndexOp] = [(True, *row) for row in changed]
    ops += [(False, *row) for row in changed]
    apply(db, ops)
    return len(changed)


# After an import of this many articles, merge the index (see optimize).
OPTIMIZE_AFTER = 1000


def optimize(db: sqlite3.Connection) -> None:
    """Merge each index into one segment. A bulk import leaves one segment per batch, and
    a query visits every segment: merged, /tim's ranking queries got 2-6x faster at
    100,000 articles. Takes ~2.5 s there; run after large imports only."""
    for table in (FOLDED, EXACT):
        db.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')").close()
