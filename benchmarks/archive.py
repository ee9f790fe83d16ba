"""Build (once) a benchmark archive of generated articles at a path, and reuse it.

    .venv/bin/python -m benchmarks.archive --articles 1000000 --db /var/tmp/bench-1m.db

The articles are benchmarks/corpus.py's, saved with the real bulk save and index merge as
``danvan-bot import`` does. By default the pipeline is skipped (the generated text is clean
and its facts are known: ``corpus.stored_articles``), which makes a million articles a
matter of minutes; ``--pipeline`` runs clean + extract + summarise too (hours at 1M on a
shared 2-core machine). A build that was stopped carries on where it stopped (the corpus
is reproducible); a complete database is reused as it is. A million articles take ~6 GB:
delete the file when done, never commit it.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.corpus import articles, stored_articles
from bot.articles.model import Article
from bot.sources.files import process_many
from bot.store import index
from bot.store.articles import save_many_sync
from bot.store.db import open_sync

BATCH = 1000
NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def article_count(path: Path) -> int:
    if not path.exists():
        return 0
    db = open_sync(path)
    try:
        return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])
    finally:
        db.close()


def _pipelined(n: int, have: int, workers: int, size: int) -> Iterator[Article]:
    raws = itertools.islice(articles(n, target_bytes=size), have, None)
    # A pool per slice: Executor.map would otherwise queue every raw article at once.
    while chunk := list(itertools.islice(raws, 20_000)):
        yield from process_many(chunk, workers=workers)


def build(
    path: Path, n: int, *, workers: int = 1, pipeline: bool = False, size: int = 3000
) -> float:
    """Make ``path`` hold the first ``n`` corpus articles; seconds spent (0 when reused)."""
    have = article_count(path)
    if have >= n:
        return 0.0
    started = time.perf_counter()
    db = open_sync(path)
    try:
        if pipeline:
            made = _pipelined(n, have, workers, size)
        else:
            made = itertools.islice(stored_articles(n, target_bytes=size), have, None)
        batch = []
        done = have
        for article in made:
            batch.append(article)
            if len(batch) == BATCH:
                save_many_sync(db, batch, NOW)
                done += len(batch)
                batch = []
                if done % 20_000 == 0:
                    rate = (done - have) / (time.perf_counter() - started)
                    print(f"\r  {done:,}/{n:,} ({rate:,.0f}/s)", end="", file=sys.stderr)
        if batch:
            save_many_sync(db, batch, NOW)
        print(file=sys.stderr)
        index.optimize(db)  # as `danvan-bot import` does after a large import
        db.execute("PRAGMA optimize")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--pipeline", action="store_true", help="run the extraction pipeline")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    spent = build(args.db, args.articles, workers=args.workers, pipeline=args.pipeline)
    size = args.db.stat().st_size / 1e9
    print(f"{args.db}: {article_count(args.db):,} articles, {size:.2f} GB, built in {spent:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
