"""Article-core benchmark: import throughput, database size, search latency at scale.

    .venv/bin/python -m benchmarks.bench_core [--articles 100000] [--bytes 3000] [--workers 2]
                                              [--keep PATH]

Generates Vietnamese-like articles of ~3 KB of UTF-8 (benchmarks/corpus.py, no external data;
``--bytes 4100`` gives the 3,000-character articles of earlier runs),
imports them through the real pipeline (clean + extract + summarise + store, a process pool
for the core as `danvan-bot import` uses), then times the same `search()` that /tim uses
against a `LIKE '%...%'` scan in the same run. Prints a table; not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.corpus import RARE, articles
from bot.articles.summarize import lead3, summarize
from bot.sources.files import process_many
from bot.store import index
from bot.store.articles import save_many_sync
from bot.store.db import connect, open_sync
from bot.store.search import search

QUERIES = {
    "rare phrase": RARE,
    "province": "Cao Bằng",
    "dân vận (everywhere)": "dân vận",
    "no diacritics": "dan van khéo",
    "two common words": "nông thôn mới",
}
LIKE_TERMS = {
    "rare phrase": RARE,
    "province": "Cao Bằng",
    "dân vận (everywhere)": "dân vận",
    "no diacritics": "Dân vận khéo",
    "two common words": "nông thôn mới",
}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def import_corpus(
    db_path: Path, n: int, workers: int, size: int
) -> tuple[float, float, float, float]:
    """Seconds, articles/s, mean characters and mean UTF-8 bytes per article."""
    raws = list(articles(n, target_bytes=size))
    chars = statistics.fmean(len(r.text) for r in raws)
    nbytes = statistics.fmean(len(r.text.encode()) for r in raws)
    conn = open_sync(db_path)
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    batch = []
    for article in process_many(raws, workers=workers):
        batch.append(article)
        if len(batch) == 1000:
            save_many_sync(conn, batch, now)
            batch = []
    if batch:
        save_many_sync(conn, batch, now)
    index.optimize(conn)  # as `danvan-bot import` does after a large import
    elapsed = time.perf_counter() - t0
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return elapsed, n / elapsed, chars, nbytes


async def time_searches(
    db_path: Path, runs: int
) -> list[tuple[str, float, float, int, float, float]]:
    db = await connect(db_path)
    rows = []
    try:
        for name, query in QUERIES.items():
            await search(db, query)  # warm the cache
            times = []
            hits = 0
            for _ in range(runs):
                t = time.perf_counter()
                page = await search(db, query)
                times.append((time.perf_counter() - t) * 1000)
                hits = page.total
            like_times = []
            like = f"%{LIKE_TERMS[name]}%"
            for _ in range(max(3, runs // 10)):
                t = time.perf_counter()
                async with db.execute(
                    "SELECT id FROM articles WHERE title LIKE ? OR body LIKE ?"
                    " ORDER BY sort_date DESC LIMIT 5",
                    (like, like),
                ) as cur:
                    await cur.fetchall()
                like_times.append((time.perf_counter() - t) * 1000)
            rows.append(
                (
                    name,
                    statistics.median(times),
                    pct(times, 0.95),
                    hits,
                    statistics.median(like_times),
                    statistics.median(like_times) / statistics.median(times),
                )
            )
    finally:
        await db.close()
    return rows


def summary_table() -> None:
    """Summary vs lead-3 on the seeds, side by side, for reading (not scoring)."""
    from bot.articles.clean import clean_text

    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir():
        print("(seeds not found: summary comparison skipped)")
        return
    print("\nSummaries on the seeds: ours vs lead-3 (chars)")
    for path in sorted(seeds.glob("*.txt")):
        cleaned = clean_text(path.read_text("utf-8"))
        ours = summarize(cleaned.paragraphs, title=cleaned.headline or "")
        base = lead3(cleaned.paragraphs)
        print(f"\n{path.name}\n  ours  ({len(ours)}): {ours}\n  lead3 ({len(base)}): {base}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--bytes", type=int, default=3000, help="article size in UTF-8 bytes")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="keep the database at this path")
    parser.add_argument("--summaries", action="store_true", help="also print the seed summaries")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.keep or Path(tmp) / "bench.db"
        if args.keep and db_path.exists():
            elapsed, rate, chars, nbytes = (float("nan"),) * 4
        else:
            elapsed, rate, chars, nbytes = import_corpus(
                db_path, args.articles, args.workers, args.bytes
            )
        size_mb = db_path.stat().st_size / 1e6
        rows = asyncio.run(time_searches(db_path, args.runs))

    print(
        f"\nArticle core at {args.articles:,} articles of {nbytes:,.0f} bytes UTF-8"
        f" ({chars:,.0f} characters) on average, {args.workers} workers"
    )
    print(f"| import | {elapsed:.1f} s | {rate:,.0f} articles/s | database {size_mb:,.0f} MB |")
    print("\n| query | search p50 ms | search p95 ms | matches | LIKE scan p50 ms | LIKE/search |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, p50, p95, hits, like, ratio in rows:
        print(f"| {name} | {p50:.2f} | {p95:.2f} | {hits} | {like:.1f} | {ratio:.0f}x |")
    if args.summaries:
        summary_table()


if __name__ == "__main__":
    main()
