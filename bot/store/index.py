"""The two full-text indexes over articles, and the one way text goes into them.

``article_fts`` (title, body) finds words with or without diacritics: FTS5's tokenizer
(``unicode61 remove_diacritics 2``) folds case and every Vietnamese mark, all but ``đ``,
which is no ``d`` with a mark to Unicode; :func:`index_form` turns it into ``d`` first.
Queries go through the same function and the same tokenizer, so both sides always agree.

``article_exact`` (title and body as one text, ``remove_diacritics 0``, no positions) tells
"Đảng" from "đang": search ranks the spelling the user typed first with it.

Both are contentless (the text lives in ``articles``): a row is removed by inserting the
'delete' command with the values it was indexed with, so _folded_row and _exact_row are
the only places that decide what a row holds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from itertools import groupby

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

IndexOp = tuple[bool, int, str, str]  # (delete?, article id, title, body)


def index_form(text: str) -> str:
    """Text as the folding index takes it: ``đ`` -> ``d``; the tokenizer does the rest."""
    return text.replace("đ", "d").replace("Đ", "D")


def _folded_row(article_id: int, title: str, body: str) -> tuple[int, str, str]:
    return article_id, index_form(title), index_form(body)


def _exact_row(article_id: int, title: str, body: str) -> tuple[int, str]:
    return article_id, f"{title}\n{body}"


def apply(db: sqlite3.Connection, ops: Iterable[IndexOp]) -> None:
    """Run index inserts and deletes in order.

    Callers collect a whole batch and apply it after the other statements of the
    transaction: FTS5 writes its pending terms to disk whenever a later statement opens a
    savepoint (any statement that fires a trigger does), which made one tiny index segment
    per article and cost ~0.2 ms each.
    """
    for delete, run in groupby(ops, key=lambda op: op[0]):
        batch = [op[1:] for op in run]
        folded_sql, exact_sql = _DELETE if delete else _INSERT
        # Rows are made as SQLite asks for them: a batch's copies of its texts are never
        # all in memory at once.
        db.executemany(folded_sql, (_folded_row(*op) for op in batch)).close()
        db.executemany(exact_sql, (_exact_row(*op) for op in batch)).close()


# After an import of this many articles, merge the index (see optimize).
OPTIMIZE_AFTER = 1000


def optimize(db: sqlite3.Connection) -> None:
    """Merge each index into one segment. A bulk import leaves one segment per batch, and
    a query visits every segment: merged, /tim's ranking queries got 2-6x faster at
    100,000 articles. Takes ~2.5 s there; run after large imports only."""
    for table in (FOLDED, EXACT):
        db.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')").close()
