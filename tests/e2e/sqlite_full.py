"""Run danvan-bot with a database that is full: SQLite's own "database or disk is full".

``python tests/e2e/sqlite_full.py PAGES <danvan-bot arguments>`` caps every SQLite
connection the process opens at PAGES pages (``PRAGMA max_page_count``, which is per
connection), then runs the real command line. Writes that fit in the existing pages go
through; any write that needs a new page fails with SQLITE_FULL, exactly as on a disk that
has run out of space. No mount, no mock: the error comes from SQLite.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _capped(pages: int) -> Any:
    connect = sqlite3.connect

    def capped_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn: sqlite3.Connection = connect(*args, **kwargs)
        conn.execute(f"PRAGMA max_page_count = {pages}").fetchall()
        return conn

    return capped_connect


def main(argv: list[str]) -> int:
    pages, rest = int(argv[0]), argv[1:]
    sqlite3.connect = _capped(pages)  # aiosqlite opens through sqlite3.connect too
    from bot.__main__ import main as danvan_bot

    return danvan_bot(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
