"""Feed ingestion throughput and memory: ``.venv/bin/python benchmarks/bench_feeds.py``.

1. The 18 Vietnamese feeds of ../shared/feed-corpus: entries/s through our whole path
   (parse_feed + clean + extract + store in a fresh SQLite file) beside bare
   ``feedparser.parse`` on the same bytes, and the ratio, all measured in this run; and a
   real fetch round (``run_round``: HTTP on 127.0.0.1, parse, core, and the bot's one
   writer: the shared aiosqlite connection) into a fresh database.
2. A generated 10,000-entry feed (5.9 MiB): time, and peak memory under tracemalloc, for
   parse alone and the whole path. The traced runs dominate: the script takes minutes.
3. Article-page extraction time per fixture page (tests/fixtures/pages).

"speed" is entries/s as a fraction of bare feedparser's, measured in this run (issue #17:
the fetch round at >= 0.5). With ``--reader-python PATH`` (a Python that has
lemon24/reader, e.g. a side venv: ``pip install reader sgmllib3k``) a child process times
bare feedparser and a reader round (make_reader, add_feed, update_feeds) against the same
local server, and reader's speed is quoted beside ours.

Options: ``--rounds N`` (default 5) repetitions for median/p95; ``--quick`` only part 1
(seconds instead of minutes: for comparing two versions in one sitting).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import feedparser  # noqa: E402

from bot.articles.model import RawArticle  # noqa: E402
from bot.articles.pipeline import process  # noqa: E402
from bot.config import FetchSettings, Settings, SourceSettings  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.sources.feeds import FeedEntry, parse_feed  # noqa: E402
from bot.sources.ingest import run_round  # noqa: E402
from bot.sources.pages import extract_main_text  # noqa: E402
from bot.store.articles import save_many_sync  # noqa: E402
from bot.store.db import open_sync  # noqa: E402
from bot.store.sources import sync_config_sources  # noqa: E402
from bot.text.provinces import Gazetteer  # noqa: E402

CORPUS = REPO.parent / "shared" / "feed-corpus" / "vietnamese"
PAGES = REPO / "tests" / "fixtures" / "pages"


def timed(fn: Callable[[], object], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def timed_together(stages: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Every stage once per round, in turn: a shared machine's load then hits all stages
    alike, and a ratio between two stages is taken within each round."""
    times: dict[str, list[float]] = {name: [] for name in stages}
    for _ in range(rounds):
        for name, fn in stages.items():
            gc.collect()
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ingest(feeds: list[bytes], gazetteer: Gazetteer, db_dir: Path, tag: str) -> int:
    """parse + clean + extract + store, as ingest.py does per source (minus HTTP)."""
    db = open_sync(db_dir / f"bench-{tag}-{time.perf_counter_ns()}.db")
    now = datetime.now(UTC)
    stored = 0
    try:
        for data in feeds:
            parsed = parse_feed(data)
            articles = [process(raw_of(e), gazetteer) for e in parsed.entries]
            stored += len(save_many_sync(db, articles, now))
    finally:
        db.close()
    return stored


SERVER_CHILD = r"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
files = sorted(Path(sys.argv[1]).glob("*.xml"))
bodies = {f"/feed{i}.xml": path.read_bytes() for i, path in enumerate(files)}

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = bodies.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, format, *args):
        pass

httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
httpd.daemon_threads = True
print(httpd.server_address[1], *sorted(bodies), flush=True)
httpd.serve_forever()
"""


class FeedServer:
    """The corpus feeds on 127.0.0.1, one path each, served by a child process: the server's
    work is not the bot's (nor reader's, whose child process fetches from it too)."""

    def __init__(self, corpus: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER_CHILD, str(corpus)], stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        port, *self.paths = self.process.stdout.readline().split()
        self.base = f"http://127.0.0.1:{port}"

    def close(self) -> None:
        self.process.terminate()
        self.process.wait()


def fetch_round(server: FeedServer, db_dir: Path) -> int:
    """One `danvan-bot fetch` round into a fresh database; the articles stored."""
    settings = Settings(
        database=db_dir / f"fetch-{time.perf_counter_ns()}.db",
        fetch=FetchSettings(allow_private_hosts=True, fetch_pages=False),
        sources=tuple(
            SourceSettings(name=path.strip("/"), url=server.base + path) for path in server.paths
        ),
    )

    async def go() -> int:
        services = await Services.open(settings)
        try:
            await sync_config_sources(services.db, settings.sources)
            reports = await run_round(services, due_only=False)
        finally:
            await services.close()
        failed = [r.line() for r in reports if r.outcome == "failed"]
        if failed:
            raise RuntimeError(f"fetch round failed: {failed}")
        return sum(r.new + r.duplicates for r in reports)

    return asyncio.run(go())


READER_CHILD = r"""
import gc, io, json, statistics, sys, tempfile, time
from pathlib import Path
import feedparser
from reader import make_reader
corpus, base, paths, rounds = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
feeds = [p.read_bytes() for p in sorted(Path(corpus).glob("*.xml"))]
bare, rounds_s, entries = [], [], 0
for i in range(rounds):
    gc.collect()
    start = time.perf_counter()
    for data in feeds:
        feedparser.parse(io.BytesIO(data))
    bare.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        gc.collect()
        start = time.perf_counter()
        reader = make_reader(f"{tmp}/reader.sqlite")
        for path in paths:
            reader.add_feed(base + path)
        reader.update_feeds()
        rounds_s.append(time.perf_counter() - start)
        entries = reader.get_entry_counts().total
        reader.close()
print(json.dumps({"bare": bare, "reader": rounds_s, "entries": entries}))
"""


def reader_round(python: str, server: FeedServer, rounds: int) -> dict[str, object]:
    """Bare feedparser and a reader round, timed in a child process that has reader."""
    out = subprocess.run(
        [python, "-c", READER_CHILD, str(CORPUS), server.base, json.dumps(server.paths),
         str(rounds)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, object] = json.loads(out.stdout)
    return result


def raw_of(entry: FeedEntry) -> RawArticle:
    return RawArticle(
        text=entry.text or entry.title,
        source="bench",
        title=entry.title or None,
        url=entry.link,
        published=entry.published,
        guid=entry.guid,
    )


def generated_feed(n: int) -> bytes:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    items = []
    for i in range(n):
        when = (start + timedelta(minutes=17 * i)).strftime("%a, %d %b %Y %H:%M:%S +0700")
        items.append(
            f"<item><title>Hội nghị sơ kết công tác dân vận số {i} tại xã Tân Lập</title>"
            f"<link>https://baotinh.example/bai-{i}.html</link><guid>bai-{i}</guid>"
            f"<pubDate>{when}</pubDate><description><![CDATA[<p>Sáng {1 + i % 28}/"
            f"{1 + i % 12}, Ban Dân vận Huyện ủy tổ chức hội nghị sơ kết công tác dân vận"
            f" lần thứ {i}, đánh giá kết quả thực hiện phong trào thi đua Dân vận khéo, gắn"
            " với xây dựng nông thôn mới và chuyển đổi số ở cơ sở. Đồng chí Trưởng Ban Dân vận"
            " Huyện ủy chủ trì hội nghị.</p>]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Bench</title><link>https://baotinh.example/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode("utf-8")


def peak_mib(fn: Callable[[], object]) -> tuple[float, float]:
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024, elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="only the Vietnamese feeds table")
    ap.add_argument("--reader-python", help="a Python with lemon24/reader installed")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        print(f"feed corpus not found at {CORPUS}; nothing to measure", file=sys.stderr)
        return 2
    feeds = [p.read_bytes() for p in sorted(CORPUS.glob("*.xml"))]
    gazetteer = Gazetteer.load()
    entries = sum(len(parse_feed(d).entries) for d in feeds)
    raw_entries = sum(len(feedparser.parse(io.BytesIO(d)).entries) for d in feeds)
    size = sum(map(len, feeds))

    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        parsed = [parse_feed(d) for d in feeds]
        server = FeedServer(CORPUS)
        try:
            times = timed_together(
                {
                    "bare feedparser.parse (same bytes)": lambda: [
                        feedparser.parse(io.BytesIO(d)) for d in feeds
                    ],
                    "parse_feed (feedparser + keys, dates, text)": lambda: [
                        parse_feed(d) for d in feeds
                    ],
                    "clean + extract + summarise (article core)": lambda: [
                        process(raw_of(e), gazetteer) for p in parsed for e in p.entries
                    ],
                    "whole path: parse + core + store (SQLite)": lambda: ingest(
                        feeds, gazetteer, tmp_dir, "vi"
                    ),
                    "fetch round: HTTP + whole path, bot's writer": lambda: fetch_round(
                        server, tmp_dir
                    ),
                },
                args.rounds,
            )
            reader = (
                reader_round(args.reader_python, server, args.rounds)
                if args.reader_python
                else None
            )
        finally:
            server.close()

        print(f"Vietnamese feeds: {len(feeds)} files, {size / 1024:.0f} KiB, {entries} entries")
        print(f"(bare feedparser sees {raw_entries}: vietnambiz-1 gives it none, ours reads 30)")
        print()
        print(f"{'stage':44} {'median ms':>10} {'p95 ms':>9} {'entries/s':>10} {'speed':>6}")
        bare = next(iter(times.values()))
        for label, stage in times.items():
            med = statistics.median(stage)
            # Speed: bare feedparser's time over this stage's, per round (paired), median.
            speed = statistics.median(b / t for b, t in zip(bare, stage, strict=True))
            print(
                f"{label:44} {med * 1000:10.1f} {p95(stage) * 1000:9.1f}"
                f" {entries / med:10.0f} {speed:6.2f}"
            )
        print()
        fetched = times["fetch round: HTTP + whole path, bot's writer"]
        speed = statistics.median(b / t for b, t in zip(bare, fetched, strict=True))
        print(f"fetch round: {speed:.2f} of bare feedparser's speed (target >= 0.5)")
        if reader is not None:
            r_bare: list[float] = reader["bare"]  # type: ignore[assignment]
            r_round: list[float] = reader["reader"]  # type: ignore[assignment]
            r_speed = statistics.median(b / t for b, t in zip(r_bare, r_round, strict=True))
            print(
                f"reader round: {r_speed:.2f} of bare feedparser's speed in its process"
                f" ({statistics.median(r_round) * 1000:.0f} ms median,"
                f" {reader['entries']} entries stored)"
            )

        if args.quick:
            return 0
        print()
        big = generated_feed(10_000)
        bare_s = min(timed(lambda: feedparser.parse(io.BytesIO(big)), 1))
        parse_s = min(timed(lambda: parse_feed(big), 1))
        whole_s = min(timed(lambda: ingest([big], gazetteer, tmp_dir, "big"), 1))
        # tracemalloc slows allocation-heavy code several times: peaks come from their own runs.
        parse_peak, _ = peak_mib(lambda: parse_feed(big))
        whole_peak, _ = peak_mib(lambda: ingest([big], gazetteer, tmp_dir, "big-mem"))
        print(f"Generated feed: 10,000 entries, {len(big) / 1024 / 1024:.1f} MiB")
        print(f"{'':44} {'peak MiB':>10} {'seconds':>9} {'entries/s':>10}")
        print(f"{'bare feedparser.parse':44} {'':>10} {bare_s:9.2f} {10_000 / bare_s:10.0f}")
        print(f"{'parse_feed':44} {parse_peak:10.1f} {parse_s:9.2f} {10_000 / parse_s:10.0f}")
        print(f"{'whole path (parse + core + store)':44} {whole_peak:10.1f} {whole_s:9.2f}"
              f" {10_000 / whole_s:10.0f}")  # fmt: skip

    print()
    print(f"{'page extraction (ours, stdlib parser)':44} {'median ms':>10} {'p95 ms':>9}")
    for page in sorted(PAGES.glob("*.html")):
        markup = page.read_text("utf-8")
        page_times = timed(functools.partial(extract_main_text, markup), max(args.rounds, 20))
        median_ms, p95_ms = statistics.median(page_times) * 1000, p95(page_times) * 1000
        print(f"{page.name:44} {median_ms:10.2f} {p95_ms:9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
