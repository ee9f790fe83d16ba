"""Feed ingestion throughput and memory: ``.venv/bin/python benchmarks/bench_feeds.py``.

1. The 18 Vietnamese feeds of ../shared/feed-corpus: entries/s through our whole path
   (parse_feed + clean + extract + store in a fresh SQLite file) beside bare
   ``feedparser.parse`` on the same bytes, and the ratio, all measured in this run; and a
   real fetch round (``run_round``: HTTP on 127.0.0.1, parse, core, and the bot's one
   writer: the shared aiosqlite connection) into a fresh database.
2. A generated 10,000-entry feed (5.9 MiB): time, and peak memory under tracemalloc, for
   parse alone and the whole path. The traced runs dominate: the script takes minutes.
3. Article-page extraction time per fixture page (tests/fixtures/pages).

Options: ``--rounds N`` (default 5) repetitions for median/p95; ``--quick`` only part 1
(seconds instead of minutes: for comparing two versions in one sitting).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import io
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class FeedServer:
    """The feeds' bytes on 127.0.0.1, one path each."""

    def __init__(self, feeds: list[bytes]) -> None:
        bodies = {f"/feed{i}.xml": body for i, body in enumerate(feeds)}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = bodies.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.paths = sorted(bodies)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


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
        bare = timed(lambda: [feedparser.parse(io.BytesIO(d)) for d in feeds], args.rounds)
        ours_parse = timed(lambda: [parse_feed(d) for d in feeds], args.rounds)
        parsed = [parse_feed(d) for d in feeds]
        core = timed(
            lambda: [process(raw_of(e), gazetteer) for p in parsed for e in p.entries],
            args.rounds,
        )
        whole = timed(lambda: ingest(feeds, gazetteer, tmp_dir, "vi"), args.rounds)
        server = FeedServer(feeds)
        try:
            fetched = timed(lambda: fetch_round(server, tmp_dir), args.rounds)
        finally:
            server.close()

        print(f"Vietnamese feeds: {len(feeds)} files, {size / 1024:.0f} KiB, {entries} entries")
        print(f"(bare feedparser sees {raw_entries}: vietnambiz-1 gives it none, ours reads 30)")
        print()
        print(f"{'stage':44} {'median ms':>10} {'p95 ms':>9} {'entries/s':>10} {'x bare':>7}")
        base = statistics.median(bare)
        for label, times in (
            ("bare feedparser.parse (same bytes)", bare),
            ("parse_feed (feedparser + keys, dates, text)", ours_parse),
            ("clean + extract + summarise (article core)", core),
            ("whole path: parse + core + store (SQLite)", whole),
            ("fetch round: HTTP + whole path, bot's writer", fetched),
        ):
            med = statistics.median(times)
            print(
                f"{label:44} {med * 1000:10.1f} {p95(times) * 1000:9.1f}"
                f" {entries / med:10.0f} {med / base:7.2f}"
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
        times = timed(functools.partial(extract_main_text, markup), max(args.rounds, 20))
        print(f"{page.name:44} {statistics.median(times) * 1000:10.2f} {p95(times) * 1000:9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
