"""Feed ingestion against a real HTTP server on 127.0.0.1 and a real SQLite file.

Each test configures routes on one threaded stdlib server: what a path answers, how slowly,
how much. The bot's own fetcher, parser, article core and store run unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.config import FetchSettings, Settings, SourceSettings
from bot.services import Services
from bot.sources.ingest import SourceReport, run_round
from bot.store import sources as store
from bot.store.articles import count

Opener = Callable[[Settings], Awaitable[Services]]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Every test runs at this instant, whatever the machine's date: feed dates are from 2026.
CLOCK = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[BaseHTTPRequestHandler], Answer | None]


class FeedServer:
    """Routes by path; records every request's path and headers."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()  # lets a deliberately slow handler finish
        self.bytes_sent: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                answer = route(self) if route else Answer(404, b"not found")
                if answer is None:  # the route wrote the response itself
                    return
                self.send_response(answer.status)
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                if answer.status != 304:
                    self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if answer.status != 304:
                    self.wfile.write(answer.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def feed(self, path: str, fixture: str) -> None:
        body = (FIXTURES / "feeds" / fixture).read_text("utf-8").replace("{BASE}", self.base)
        self.static(path, body.encode("utf-8"), "application/rss+xml; charset=utf-8")

    def static(self, path: str, body: bytes, content_type: str, **headers: str) -> None:
        hdrs = {
            "Content-Type": content_type,
            **{k.replace("_", "-"): v for k, v in headers.items()},
        }
        self.routes[path] = lambda _h: Answer(200, body, hdrs)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer()
    srv.thread.start()
    yield srv
    srv.release.set()
    srv.httpd.shutdown()
    srv.httpd.server_close()


def make_settings(tmp_path: Path, sources: dict[str, str], **fetch: object) -> Settings:
    options: dict[str, object] = {
        "allow_private_hosts": True,
        "fetch_pages": False,
        "timeout_seconds": 5.0,
    }
    options.update(fetch)
    return Settings(
        database=tmp_path / "danvan.db",
        fetch=FetchSettings(**options),  # type: ignore[arg-type]
        sources=tuple(SourceSettings(name=n, url=u) for n, u in sources.items()),
    )


@pytest.fixture
async def open_services() -> AsyncIterator[Opener]:
    opened: list[Services] = []

    async def opener(settings: Settings) -> Services:
        services = await Services.open(settings, clock=lambda: CLOCK)
        opened.append(services)
        await store.sync_config_sources(services.db, settings.sources)
        return services

    yield opener
    for s in opened:
        await s.close()


async def fetch_all(services: Services, *names: str) -> dict[str, SourceReport]:
    reports = await run_round(services, names=list(names) or None, due_only=False)
    return {r.name: r for r in reports}


async def feed_entry_count(services: Services) -> int:
    async with services.db.execute("SELECT count(*) FROM feed_entries") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


# --- conditional GET -------------------------------------------------------------------


async def test_304_costs_nothing_and_sends_validators(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    etag = '"v1"'
    body = (FIXTURES / "feeds" / "danvan.xml").read_text("utf-8").replace("{BASE}", server.base)

    def route(handler: BaseHTTPRequestHandler) -> Answer:
        if handler.headers.get("If-None-Match") == etag:
            return Answer(304, headers={"ETag": etag})
        return Answer(200, body.encode(), {"ETag": etag, "Content-Type": "application/rss+xml"})

    server.routes["/rss"] = route
    services = await open_services(make_settings(tmp_path, {"tinh": f"{server.base}/rss"}))

    first = (await fetch_all(services))["tinh"]
    assert (first.outcome, first.new) == ("ok", 4)
    second = (await fetch_all(services))["tinh"]
    assert second.outcome == "unchanged"
    assert second.new == second.updated == 0
    hits = server.hits("/rss")
    assert "if-none-match" not in hits[0]
    assert hits[1]["if-none-match"] == etag
    assert "danvan-bot" in hits[1]["user-agent"]
    row = await store.get_source(services.db, "tinh")
    assert row is not None and row.etag == etag and row.failures == 0
    assert await count(services.db) == 4


async def test_last_modified_is_sent_back(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    stamp = "Wed, 21 Oct 2026 07:28:00 GMT"

    def route(handler: BaseHTTPRequestHandler) -> Answer:
        if handler.headers.get("If-Modified-Since") == stamp:
            return Answer(304)
        body = (FIXTURES / "feeds" / "danvan.xml").read_bytes()
        return Answer(200, body, {"Last-Modified": stamp})

    server.routes["/rss"] = route
    services = await open_services(make_settings(tmp_path, {"tinh": f"{server.base}/rss"}))
    await fetch_all(services)
    assert (await fetch_all(services))["tinh"].outcome == "unchanged"


# --- bounds: time, size, redirects, addresses -------------------------------------------


async def test_slow_server_hits_the_deadline(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    def slow(handler: BaseHTTPRequestHandler) -> Answer:
        server.release.wait(10)  # never answers within the test's deadline
        return Answer(200, b"<rss/>")

    server.routes["/slow"] = slow
    server.feed("/ok", "danvan.xml")
    settings = make_settings(
        tmp_path, {"slow": f"{server.base}/slow", "ok": f"{server.base}/ok"}, timeout_seconds=0.5
    )
    services = await open_services(settings)
    reports = await fetch_all(services)
    assert reports["slow"].outcome == "failed"
    assert "timed out" in (reports["slow"].error or "")
    assert reports["slow"].elapsed < 3
    assert reports["ok"].new == 4  # the slow source did not hold the other up


async def test_trickling_server_is_cut_by_the_overall_deadline(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    """Bytes arriving just often enough to beat a read timeout still hit the deadline."""

    def trickle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.end_headers()
        try:
            handler.wfile.write(b"<?xml version='1.0'?><rss><channel>")
            while not server.release.wait(0.1):
                handler.wfile.write(b" ")
                handler.wfile.flush()
        except OSError:
            pass

    server.routes["/trickle"] = trickle
    services = await open_services(
        make_settings(tmp_path, {"t": f"{server.base}/trickle"}, timeout_seconds=0.8)
    )
    report = (await fetch_all(services))["t"]
    assert report.outcome == "failed" and "timed out" in (report.error or "")
    assert report.elapsed < 3


async def test_oversized_body_is_cut_off_not_loaded(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    total = 50 * 1024 * 1024

    def huge(handler: BaseHTTPRequestHandler) -> None:
        # No Content-Length: the client only learns the size by reading.
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.end_headers()
        chunk = b"<item><title>x</title></item>" * 2000
        sent = 0
        try:
            handler.wfile.write(b"<?xml version='1.0'?><rss><channel>")
            while sent < total:
                handler.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        server.bytes_sent["/huge"] = sent

    server.routes["/huge"] = huge
    server.static("/declared", b"x" * 300_000, "application/rss+xml")
    settings = make_settings(
        tmp_path,
        {"huge": f"{server.base}/huge", "declared": f"{server.base}/declared"},
        max_bytes=256 * 1024,
    )
    services = await open_services(settings)
    reports = await fetch_all(services)
    assert reports["huge"].outcome == "failed"
    assert "too large: cut off at 256 KB" in (reports["huge"].error or "")
    assert "too large" in (reports["declared"].error or "")
    assert "declared" in (reports["declared"].error or "")
    assert await count(services.db) == 0


async def test_redirects_are_followed_but_bounded(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.feed("/real", "danvan.xml")
    server.routes["/moved"] = lambda _h: Answer(301, headers={"Location": "/real"})
    server.routes["/loop"] = lambda _h: Answer(302, headers={"Location": "/loop"})
    settings = make_settings(
        tmp_path, {"moved": f"{server.base}/moved", "loop": f"{server.base}/loop"}
    )
    services = await open_services(settings)
    reports = await fetch_all(services)
    assert reports["moved"].new == 4
    assert reports["loop"].outcome == "failed"
    assert "redirects" in (reports["loop"].error or "")
    assert len(server.hits("/loop")) <= 6


async def test_private_addresses_refused_unless_allowed(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.feed("/rss", "danvan.xml")
    settings = make_settings(tmp_path, {"local": f"{server.base}/rss"}, allow_private_hosts=False)
    services = await open_services(settings)
    report = (await fetch_all(services))["local"]
    assert report.outcome == "failed"
    assert "loopback" in (report.error or "")
    assert server.hits("/rss") == []  # refused before any connection


# --- broken feeds -----------------------------------------------------------------------


async def test_html_page_is_reported_as_not_a_feed(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    page = (FIXTURES / "pages" / "party_portal.html").read_bytes()
    server.static("/html", page, "text/html; charset=utf-8")
    server.static("/json", b'{"version": "https://jsonfeed.org/version/1"}', "application/json")
    server.static("/empty", b"", "application/rss+xml")
    server.feed("/good", "danvan.xml")
    server.routes["/gone"] = lambda _h: Answer(410, b"gone")
    names = ["html", "json", "empty", "good", "gone"]
    settings = make_settings(tmp_path, {n: f"{server.base}/{n}" for n in names})
    services = await open_services(settings)
    reports = await fetch_all(services)
    assert reports["html"].error == "not a feed: the server sent an HTML page"
    assert "JSON" in (reports["json"].error or "")
    assert reports["empty"].error == "empty response"
    assert reports["gone"].error == "HTTP 410 Gone"
    assert reports["good"].new == 4  # one bad source never stops the others
    for name in ("html", "json", "empty", "gone"):
        assert reports[name].line().startswith(f"{name}: FAILED: ")


async def test_utf16_declared_utf8_feed_is_read(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    body = (FIXTURES / "feeds" / "danvan.xml").read_bytes()
    body = body.replace(b'encoding="UTF-8"', b'encoding="utf-16"')
    if len(body) % 2:  # an even length is the case feedparser decodes as UTF-16
        body += b"\n"
    server.static("/rss", body, "text/xml")
    services = await open_services(make_settings(tmp_path, {"biz": f"{server.base}/rss"}))
    report = (await fetch_all(services))["biz"]
    assert report.new == 4
    assert any("utf-16" in n for n in report.notes)


# --- identity: duplicates, restarts, missing guid/date, updates ----------------------------


async def test_same_entries_twice_store_once(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.feed("/a", "danvan.xml")  # no validators: the second fetch is a full 200
    server.feed("/mirror", "danvan.xml")
    settings = make_settings(tmp_path, {"a": f"{server.base}/a", "m": f"{server.base}/mirror"})
    services = await open_services(settings)
    first = await fetch_all(services, "a")
    assert first["a"].new == 4
    again = await fetch_all(services, "a")
    assert (again["a"].new, again["a"].unchanged) == (0, 4)
    mirror = await fetch_all(services, "m")
    assert mirror["m"].new == 0 and mirror["m"].duplicates == 4
    assert await count(services.db) == 4


async def test_restart_does_not_reimport(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.feed("/rss", "danvan.xml")
    settings = make_settings(tmp_path, {"tinh": f"{server.base}/rss"})
    first = await open_services(settings)
    assert (await fetch_all(first))["tinh"].new == 4
    await first.close()
    second = await open_services(settings)  # a new process on the same database file
    report = (await fetch_all(second))["tinh"]
    assert (report.new, report.updated, report.unchanged) == (0, 0, 4)
    assert await count(second.db) == 4
    assert await feed_entry_count(second) == 5  # 4 entries; the guid one also by its link


async def test_entries_without_guid_or_date(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.feed("/rss", "danvan.xml")
    services = await open_services(make_settings(tmp_path, {"tinh": f"{server.base}/rss"}))
    assert (await fetch_all(services))["tinh"].new == 4
    async with services.db.execute("SELECT entry_key FROM feed_entries ORDER BY entry_key") as cur:
        keys = [r[0] for r in await cur.fetchall()]
    assert sum(k.startswith("guid:") for k in keys) == 1
    assert sum(k.startswith("link:") for k in keys) == 3  # no guid: the link (+1 alias)
    assert sum(k.startswith("title:") for k in keys) == 1  # no guid, no link: title + date
    async with services.db.execute("SELECT title, published FROM articles") as cur:
        published = {r[0]: r[1] for r in await cur.fetchall()}
    # Zone-less .NET date read as Vietnam time; GMT+7 understood; no date stays None.
    assert published["Ký kết chương trình phối hợp về công tác dân vận giai đoạn 2026 - 2030"] == (
        "2026-09-05T06:30:00+00:00"
    )
    assert published["Đối thoại giữa Bí thư Tỉnh ủy với đoàn viên, thanh niên năm 2026"] == (
        "2026-09-04T11:48:27+00:00"
    )
    assert published["Tập huấn nghiệp vụ công tác dân vận cho cán bộ cơ sở năm 2026"] is None
    assert (await fetch_all(services))["tinh"].unchanged == 4


async def test_changed_entry_is_an_update_not_a_duplicate(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.feed("/rss", "danvan.xml")
    services = await open_services(make_settings(tmp_path, {"tinh": f"{server.base}/rss"}))
    await fetch_all(services)
    body = (FIXTURES / "feeds" / "danvan.xml").read_text("utf-8").replace("{BASE}", server.base)
    body = body.replace("312 mô hình", "315 mô hình")
    server.static("/rss", body.encode(), "application/rss+xml")
    report = (await fetch_all(services))["tinh"]
    assert (report.new, report.updated, report.unchanged) == (0, 1, 3)
    async with services.db.execute(
        "SELECT count(*) FROM articles WHERE body LIKE '%315 mô hình%'"
    ) as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] == 1
    assert await count(services.db) == 4


async def test_entry_html_is_plain_text_when_stored(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.feed("/rss", "danvan.xml")
    services = await open_services(make_settings(tmp_path, {"tinh": f"{server.base}/rss"}))
    await fetch_all(services)
    async with services.db.execute("SELECT body FROM articles") as cur:
        bodies = [r[0] for r in await cur.fetchall()]
    assert not any("<" in b or "alert(" in b for b in bodies)


# Characters that reorder or hide text: right-to-left override, isolates, zero-width space and
# joiners, word joiner, BOM, a C0 bell; raw and as character references. (A C1 control in a
# feed is read as windows-1252 by feedparser: "\x9b" arrives as a visible "›".)
HOSTILE = "\u202e\u2066\u200b\u200d\u200c\u2060\ufeff\x07"
HOSTILE_REFS = "&#8238;&#x2067;&#x200B;&#xFEFF;"


async def test_control_characters_in_a_feed_never_reach_a_reply(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    from bot.replies import dispatch
    from bot.replies.model import ChatContext

    body = (FIXTURES / "feeds" / "danvan.xml").read_text("utf-8").replace("{BASE}", server.base)
    title = "Hội nghị sơ kết công tác dân vận 6 tháng đầu năm 2026"
    hostile = f"Hội nghị{HOSTILE} sơ kết {HOSTILE_REFS}công tác dân \u202evận 6 tháng đầu năm 2026"
    assert title in body
    body = body.replace(title, hostile).replace("Chiều 8/7,", f"Chiều 8/7,{HOSTILE}")
    server.static("/rss", body.encode("utf-8"), "application/rss+xml; charset=utf-8")
    services = await open_services(make_settings(tmp_path, {"tinh": f"{server.base}/rss"}))
    assert (await fetch_all(services))["tinh"].new == 4

    async with services.db.execute("SELECT title, body, summary FROM articles") as cur:
        stored = " ".join(" ".join(map(str, row)) for row in await cur.fetchall())
    assert title in stored
    reply = await dispatch.handle_text("/latest", ChatContext(chat_id=1, user_id=1), services)
    assert reply is not None
    text = "\n".join(reply.parts)
    assert title in text
    for shown in (stored, text):
        bad = sorted({f"U+{ord(c):04X}" for c in shown if c in HOSTILE or ord(c) in (0x2067,)})
        assert bad == [], bad


# --- failures and recovery -----------------------------------------------------------------


async def test_failing_source_backs_off_then_recovers(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    state = {"up": False}
    body = (FIXTURES / "feeds" / "danvan.xml").read_bytes()
    server.routes["/rss"] = lambda _h: (
        Answer(200, body, {"Content-Type": "application/rss+xml"})
        if state["up"]
        else Answer(503, b"busy")
    )
    services = await open_services(make_settings(tmp_path, {"tinh": f"{server.base}/rss"}))
    now = services.clock()
    for expected_failures in (1, 2, 3):
        report = (await fetch_all(services))["tinh"]
        assert report.error == "HTTP 503 Service Unavailable"
        row = await store.get_source(services.db, "tinh")
        assert row is not None and row.failures == expected_failures
    assert row is not None
    assert row.state == "failing" and row.last_error == "HTTP 503 Service Unavailable"
    assert row.next_due_at is not None
    # Backoff: 30 min x 2^3 = 4 h (+-10 % jitter), far beyond the plain interval.
    assert (row.next_due_at - now).total_seconds() > 3.5 * 3600
    assert await store.due_sources(services.db, now) == []

    state["up"] = True
    report = (await fetch_all(services))["tinh"]
    assert report.new == 4
    row = await store.get_source(services.db, "tinh")
    assert row is not None
    assert (row.failures, row.last_error, row.state) == (0, None, "ok")
    assert row.last_success_at is not None and row.next_due_at is not None
    assert (row.next_due_at - services.clock()).total_seconds() < 34 * 60


async def test_retry_after_is_respected(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.routes["/rss"] = lambda _h: Answer(429, b"slow down", {"Retry-After": "86400"})
    services = await open_services(make_settings(tmp_path, {"tinh": f"{server.base}/rss"}))
    await fetch_all(services)
    row = await store.get_source(services.db, "tinh")
    assert row is not None and row.next_due_at is not None
    assert (row.next_due_at - services.clock()).total_seconds() > 20 * 3600


# --- article pages for teasers ----------------------------------------------------------------


async def test_teaser_entries_get_the_article_page(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.feed("/rss", "teasers.xml")
    for name in ("party_portal", "provincial_table"):
        page = (FIXTURES / "pages" / f"{name}.html").read_bytes()
        server.static(f"/pages/{name}.html", page, "text/html; charset=utf-8")
    services = await open_services(
        make_settings(tmp_path, {"tinh": f"{server.base}/rss"}, fetch_pages=True)
    )
    report = (await fetch_all(services))["tinh"]
    assert (report.new, report.pages) == (2, 2)
    async with services.db.execute("SELECT body FROM articles ORDER BY id") as cur:
        bodies = [r[0] for r in await cur.fetchall()]
    assert any("toàn tỉnh có 312 mô hình được công nhận" in b for b in bodies)
    # The teaser is the lead the page prints outside its article container: kept, first.
    assert any(b.startswith("Chiều 8/7, Ban Dân vận Tỉnh ủy") for b in bodies)
    assert any("186 ngôi nhà cho hộ nghèo" in b for b in bodies)
    assert not any("Các tin khác" in b or "Tin liên quan" in b for b in bodies)
    assert all("Mozilla" not in h.get("user-agent", "") for _p, h in server.requests)


async def test_page_fetching_can_be_switched_off(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.feed("/rss", "teasers.xml")
    services = await open_services(make_settings(tmp_path, {"tinh": f"{server.base}/rss"}))
    report = (await fetch_all(services))["tinh"]
    assert (report.new, report.pages) == (2, 0)
    assert [p for p, _h in server.requests if p.startswith("/pages/")] == []


async def test_failed_page_falls_back_to_the_teaser(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.feed("/rss", "teasers.xml")  # the pages are not served: 404
    services = await open_services(
        make_settings(tmp_path, {"tinh": f"{server.base}/rss"}, fetch_pages=True)
    )
    report = (await fetch_all(services))["tinh"]
    assert report.new == 2 and report.outcome == "ok"


# --- scheduling ------------------------------------------------------------------------------


async def test_only_due_sources_are_polled(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.feed("/a", "danvan.xml")
    server.feed("/b", "teasers.xml")
    settings = make_settings(tmp_path, {"a": f"{server.base}/a", "b": f"{server.base}/b"})
    services = await open_services(settings)
    first = await run_round(services, due_only=True)
    assert sorted(r.name for r in first) == ["a", "b"]  # never fetched: due
    assert await run_round(services, due_only=True) == []  # both fetched just now
    assert len(server.hits("/a")) == 1


async def test_config_sync_keeps_chat_sources_and_disables_removed(
    tmp_path: Path, open_services: Opener
) -> None:
    settings = make_settings(tmp_path, {"a": "https://a.example/rss", "b": "https://b.example/rss"})
    services = await open_services(settings)
    await store.add_source(services.db, "from-chat", "https://c.example/rss")
    await store.sync_config_sources(services.db, settings.sources[:1])
    rows = {s.name: s for s in await store.list_sources(services.db)}
    assert rows["a"].enabled and rows["from-chat"].enabled
    assert rows["from-chat"].origin == "chat"
    assert not rows["b"].enabled and rows["b"].state == "disabled"
    moved = replace(settings.sources[0], url="https://a.example/new-rss")
    await store.sync_config_sources(services.db, (moved,))
    row = await store.get_source(services.db, "a")
    assert row is not None and row.url == "https://a.example/new-rss"


async def test_cookie_set_on_a_redirect_is_sent_back(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    """qdnd.vn redirects /rss to itself until a session cookie is set; the jar follows."""
    body = (FIXTURES / "feeds" / "danvan.xml").read_bytes()

    def route(handler: BaseHTTPRequestHandler) -> Answer:
        if "session=1" in (handler.headers.get("Cookie") or ""):
            return Answer(200, body, {"Content-Type": "application/rss+xml"})
        return Answer(302, headers={"Location": "/rss", "Set-Cookie": "session=1; Path=/"})

    server.routes["/rss"] = route
    services = await open_services(make_settings(tmp_path, {"qdnd": f"{server.base}/rss"}))
    report = (await fetch_all(services))["qdnd"]
    assert report.new == 4
    assert len(server.hits("/rss")) == 2


async def test_deferred_pages_are_fetched_next_round_despite_validators(
    server: FeedServer, tmp_path: Path, open_services: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.sources.ingest.PAGES_PER_ROUND", 1)
    body = (FIXTURES / "feeds" / "teasers.xml").read_text("utf-8").replace("{BASE}", server.base)

    def route(handler: BaseHTTPRequestHandler) -> Answer:
        if handler.headers.get("If-None-Match") == '"t1"':
            return Answer(304, headers={"ETag": '"t1"'})
        return Answer(200, body.encode(), {"ETag": '"t1"', "Content-Type": "application/rss+xml"})

    server.routes["/rss"] = route
    for name in ("party_portal", "provincial_table"):
        page = (FIXTURES / "pages" / f"{name}.html").read_bytes()
        server.static(f"/pages/{name}.html", page, "text/html; charset=utf-8")
    services = await open_services(
        make_settings(tmp_path, {"tinh": f"{server.base}/rss"}, fetch_pages=True)
    )
    first = (await fetch_all(services))["tinh"]
    assert (first.new, first.deferred, first.pages) == (1, 1, 1)
    second = (await fetch_all(services))["tinh"]
    assert (second.new, second.unchanged, second.deferred) == (1, 1, 0)
    assert "if-none-match" not in server.hits("/rss")[1]
    third = (await fetch_all(services))["tinh"]
    assert third.outcome == "unchanged"  # complete now: validators kept, 304


async def test_admin_pause_survives_the_config_sync(tmp_path: Path, open_services: Opener) -> None:
    settings = make_settings(tmp_path, {"a": "https://a.example/rss"})
    services = await open_services(settings)
    assert await store.set_enabled(services.db, "a", False)
    await store.sync_config_sources(services.db, settings.sources)  # as at the next start
    row = await store.get_source(services.db, "a")
    assert row is not None and not row.enabled
    await store.set_enabled(services.db, "a", True)
    await store.sync_config_sources(services.db, settings.sources)
    row = await store.get_source(services.db, "a")
    assert row is not None and row.enabled


async def test_regenerated_guids_are_recognised_by_link(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    body = (FIXTURES / "feeds" / "danvan.xml").read_text("utf-8").replace("{BASE}", server.base)
    server.static("/rss", body.encode(), "application/rss+xml")
    services = await open_services(make_settings(tmp_path, {"tinh": f"{server.base}/rss"}))
    await fetch_all(services)
    rows_before = await feed_entry_count(services)
    for build in range(3):  # the CMS gives every item a new guid on each build
        new_guid = body.replace("dv-2026-0001", f"dv-build-{build}")
        server.static("/rss", new_guid.encode(), "application/rss+xml")
        report = (await fetch_all(services))["tinh"]
        assert (report.new, report.updated, report.unchanged) == (0, 0, 4)
    assert await feed_entry_count(services) == rows_before  # no row per build
    assert await count(services.db) == 4


async def test_dates_in_the_future_are_dropped(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    body = (FIXTURES / "feeds" / "danvan.xml").read_text("utf-8").replace("{BASE}", server.base)
    body = body.replace("Thu, 09 Jul 2026 15:20:00 +0700", "Thu, 09 Jul 2099 15:20:00 +0700")
    server.static("/rss", body.encode(), "application/rss+xml")
    services = await open_services(make_settings(tmp_path, {"tinh": f"{server.base}/rss"}))
    await fetch_all(services)
    async with services.db.execute(
        "SELECT published FROM articles WHERE title LIKE 'Hội nghị sơ kết%'"
    ) as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] is None


async def test_a_bug_on_one_source_is_reported_and_the_round_goes_on(
    server: FeedServer, tmp_path: Path, open_services: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.feed("/a", "danvan.xml")
    server.feed("/b", "teasers.xml")
    settings = make_settings(tmp_path, {"a": f"{server.base}/a", "b": f"{server.base}/b"})
    services = await open_services(settings)
    from bot.sources import feeds as feeds_module

    real = feeds_module.parse_feed

    def flaky(data: bytes, *args: object) -> object:
        if b"teaser" in data:
            raise RuntimeError("bug in the parser")
        return real(data, *args)  # type: ignore[arg-type]

    monkeypatch.setattr("bot.sources.ingest.parse_feed", flaky)

    async def broken_record_failure(*args: object, **kwargs: object) -> None:
        raise OSError("disk I/O error")

    monkeypatch.setattr("bot.store.sources.record_failure", broken_record_failure)
    reports = await fetch_all(services)
    assert reports["a"].new == 4
    assert reports["b"].outcome == "failed"
    assert reports["b"].error == "internal error: RuntimeError: bug in the parser"
