"""End to end: the 18 real Vietnamese feeds of ../shared/feed-corpus and the five seed articles
(as one more feed), served over 127.0.0.1 and fetched through the real ingest path into one
database; then what a user sees. The feeds are general news (markets, sport, traffic,
government economy) with no dân vận item; the seeds are dân vận conferences.

Skips when ../shared is absent. Page fetching is off: the feed links point at the internet.
"""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.config import FetchSettings, Settings, SourceSettings
from bot.digest.job import digest_for
from bot.digest.schedule import IsoWeek
from bot.replies import dispatch
from bot.replies.model import ChatContext
from bot.replies.render import strip_tags
from bot.services import Services
from bot.sources.ingest import run_round
from bot.store.sources import sync_config_sources
from tests.conftest import SEEDS, SHARED

FEEDS = SHARED / "feed-corpus" / "vietnamese"
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
USER = ChatContext(chat_id=42, user_id=42, bot_username="DanVanBot")
SEED_SOURCE = "Dân vận (seeds)"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _seed_feed() -> str:
    """The five seeds as an RSS feed: full text in the description, the labelled headline
    when the seed has one."""
    labels = {}
    for line in (SEEDS / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels[row["file"]] = row.get("title")
    items = []
    for n, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        title = labels.get(path.name)
        items.append(
            "<item>"
            + (f"<title>{html.escape(title)}</title>" if title else "")
            + f"<link>http://127.0.0.1/seeds/{n}</link><guid>seed-{n}</guid>"
            + f"<pubDate>Mon, 0{n + 1} Jun 2026 08:00:00 +0700</pubDate>"
            + f"<description>{html.escape(path.read_text(encoding='utf-8'))}</description>"
            + "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Seeds</title><link>http://127.0.0.1/</link>" + "".join(items) + "</channel></rss>"
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    if not FEEDS.is_dir() or not (SEEDS / "labels.jsonl").exists():
        pytest.skip(f"feed corpus or seeds not found under {SHARED}")
    root = tmp_path_factory.mktemp("served")
    names = []
    for path in sorted(FEEDS.glob("*.xml")):
        shutil.copyfile(path, root / path.name)
        names.append(path.name)
    (root / "seeds.xml").write_text(_seed_feed(), encoding="utf-8")
    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root))
    )
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", names
    httpd.shutdown()
    httpd.server_close()


async def _fetch_all(base: str, names: list[str], database: Path, topic: str) -> Services:
    sources = [SourceSettings(name=n, url=f"{base}/{n}", topic=topic) for n in names]
    sources.append(SourceSettings(name=SEED_SOURCE, url=f"{base}/seeds.xml"))
    settings = Settings(
        database=database,
        fetch=FetchSettings(allow_private_hosts=True, fetch_pages=False, per_host=8),
        sources=tuple(sources),
    )
    services = await Services.open(settings, clock=lambda: NOW)
    await sync_config_sources(services.db, settings.sources)
    reports = await run_round(services, due_only=False)
    assert {r.name: r.outcome for r in reports if r.outcome != "ok"} == {}
    return services


async def _ids_of(services: Services, where: str, params: tuple[object, ...] = ()) -> set[int]:
    async with services.db.execute(f"SELECT id FROM articles WHERE {where}", params) as cur:
        return {int(r[0]) for r in await cur.fetchall()}


async def _latest_ids(services: Services, n: int) -> list[int]:
    reply = await dispatch.handle_text(f"/moinhat {n}", USER, services)
    assert reply is not None
    text = "\n".join(strip_tags(p) for p in reply.parts)
    return [int(m) for m in re.findall(r"^#(\d+) ", text, re.MULTILINE)]


async def test_only_dan_van_news_reaches_users(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, names = server
    services = await _fetch_all(base, names, tmp_path / "filtered.db", "filter")
    try:
        seeds = await _ids_of(services, "source = ?", (SEED_SOURCE,))
        general = await _ids_of(services, "source != ?", (SEED_SOURCE,))
        assert len(seeds) == 5 and len(general) > 300

        # /moinhat 20: the seeds, and none of the stock, traffic or sports items.
        shown = await _latest_ids(services, 20)
        assert set(shown) == seeds
        stock = await _ids_of(
            services,
            "title LIKE '%VN-Index%' OR title LIKE '%margin%' OR title LIKE '%cổ phiếu%'"
            " OR title LIKE '%ETF%' OR title LIKE '%Thể thao%' OR title LIKE '%giao thông%'",
        )
        assert len(stock) >= 10 and not stock & set(shown)

        # A week with general news only: the digest says there is no dân vận news.
        week = IsoWeek(2026, 36)  # vietnambiz and baochinhphu items, 31/8 - 6/9/2026
        async with services.db.execute(
            "SELECT count(*) FROM articles WHERE sort_date BETWEEN '2026-08-31' AND '2026-09-06'"
        ) as cur:
            row = await cur.fetchone()
        assert row is not None and row[0] >= 20
        digest = await digest_for(services, week)
        assert digest.articles == 0
        assert "chưa có tin dân vận mới nào" in strip_tags(digest.parts[0])

        # The admin sees what each source kept and left out.
        reply = await dispatch.handle_text(
            "/nguon", ChatContext(chat_id=7, user_id=7, is_bot_admin=True), services
        )
        assert reply is not None
        listing = "\n".join(strip_tags(p) for p in reply.parts)
        assert "Tin dân vận hiển thị: 5; lọc bỏ: 0" in listing
        assert "Tin dân vận hiển thị: 0; lọc bỏ: 30" in listing  # vietnambiz-1
    finally:
        await services.close()


async def test_topic_all_keeps_everything(server: tuple[str, list[str]], tmp_path: Path) -> None:
    base, names = server
    services = await _fetch_all(base, names, tmp_path / "all.db", "all")
    try:
        everything = await _ids_of(services, "1")
        assert len(everything) > 300
        assert await _ids_of(services, "relevance >= 1") == everything
        # The classifier's own opinion is kept for the admin: it would drop the feeds' items.
        assert len(await _ids_of(services, "relevance_auto = 0")) > 300
        assert len(await _latest_ids(services, 20)) == 20
    finally:
        await services.close()
