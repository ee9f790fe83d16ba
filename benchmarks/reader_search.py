"""lemon24/reader's search on the articles of a benchmark archive: the reference for
bench_search. Runs in a separate virtualenv that has ``reader`` (it is not our dependency):

    python3 -m venv /tmp/reader-venv && /tmp/reader-venv/bin/pip install 'reader==3.*'
    /tmp/reader-venv/bin/python benchmarks/reader_search.py ARCHIVE.db RUNS QUERY...

Copies title and text of every article into a reader database next to the archive (once,
reused), enables reader's full-text search, then prints one JSON object per query with
the p50 and p95 of ``search_entries(query)`` for the first five results, in milliseconds.
Uses only the standard library and reader: nothing of danvan-bot is imported.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from reader import make_reader  # type: ignore[import-not-found]

FEED = "https://bench.example/feed"


def build(archive: Path, target: Path) -> Any:
    fresh = not target.exists()
    reader = make_reader(str(target))
    if fresh:
        reader.add_feed(FEED, allow_invalid_url=True)
        source = sqlite3.connect(archive)
        rows = source.execute("SELECT id, title, body FROM articles ORDER BY id")
        for article_id, title, body in rows:
            reader.add_entry({"feed_url": FEED, "id": str(article_id), "title": title,
                              "summary": body})  # fmt: skip
        source.close()
    reader.enable_search()  # both do nothing when done before
    reader.update_search()
    return reader


def main() -> int:
    archive, runs, queries = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    reader = build(archive, archive.with_suffix(".reader.sqlite"))
    for query in queries:
        try:
            list(reader.search_entries(query, limit=5))
        except Exception as exc:  # reader passes FTS5 syntax through: "-" may be refused
            print(json.dumps({"query": query, "error": type(exc).__name__}))
            continue
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            list(reader.search_entries(query, limit=5))
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(json.dumps({"query": query, "p50": statistics.median(times), "p95": p95}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
