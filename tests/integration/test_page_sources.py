"""Page sources end to end on 127.0.0.1: saved real pages served by a local server, the
bot's own fetcher, listing reader, article reader, article core and a real SQLite file."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path

from bot.config import FetchSettings, Settings, SourceSettings
from bot.services import Services
from bot.sources.ingest import SourceReport, run_round
from bot.store import sources as store
from bot.store.articles import count
from tests.integration.test_fetch import Answer, FeedServer, Opener

SITES = Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "sites"
HTML = "text/html; charset=utf-8"
VGP_NEW = "/viet-nam-russia-promote-defense-cooperation-111260909103625767.htm"
VGP_OLD = (
    "/defense-minister-attends-asean-us-defense-ministers-informal-meeting-"
    "meets-us-counterpart-in-indonesia-111231116101259413.htm"
)


def settings_for(tmp_path: Path, url: str, **fetch: object) -> Settings:
    options: dict[str, object] = {"allow_private_hosts": True, "timeout_seconds": 5.0}
    options.update(fetch)
    return Settings(
        database=tmp_path / "danvan.db",
        fetch=FetchSettings(**options),  # type: ignore[arg-type]
        sources=(SourceSettings(name="vgp", url=url, kind="page"),),
    )


def listing_without_newest() -> bytes:
    """The real listing as it stood before its newest item was published (derived)."""
    text = (SITES / "vgp" / "listing.html").read_text("utf-8")
    start = text.index('<div class="box-stream-item" data-id="111260909103625767">')
    end = text.index('<div class="box-stream-item" data-id="111260805182734508">')
    return (text[:start] + text[end:]).encode()


def serve_vgp(server: FeedServer, listing: bytes) -> None:
    server.static("/defense.html", listing, HTML)
    for path, name in (
        (VGP_NEW, "article-111260909103625767.html"),
        (VGP_OLD, "article-111231116101259413.html"),
    ):
        server.static(path, (SITES / "vgp" / name).read_bytes(), HTML)


async def one(services: Services) -> SourceReport:
    reports = await run_round(services, due_only=False)
    assert len(reports) == 1
    return reports[0]


async def stored(services: Services) -> list[tuple[str, str, str | None, str]]:
    sql = "SELECT url, title, published, body FROM articles ORDER BY id"
    async with services.db.execute(sql) as cur:
        return [(r[0], r[1], r[2], r[3]) for r in await cur.fetchall()]


async def test_portal_section_end_to_end(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    serve_vgp(server, listing_without_newest())
    services = await open_services(settings_for(tmp_path, f"{server.base}/defense.html"))

    first = await one(services)
    # 3 article links (not the sidebar's "most read", not the menus); two pages are not in
    # the saved copy and answer 404, one is stored with its title, date and text.
    assert (first.kind, first.outcome, first.links, first.new, first.failed) == (
        "page", "ok", 3, 1, 2
    )  # fmt: skip
    assert "3 links, 1 new, 2 failed: 2× HTTP 404" in first.line()
    rows = await stored(services)
    assert len(rows) == 1
    url, title, published, body = rows[0]
    assert url == server.base + VGP_OLD
    assert title.startswith("Defense minister attends ASEAN-U.S. Defense Ministers")
    assert published == "2023-11-16T14:17:00+00:00"  # 21:17 Vietnam time
    assert "Lloyd Austin expressed thanks" in body and "Editor-in-chief" not in body
    assert "Party chief pays" not in body  # the related-news box inside the body

    second = await one(services)  # same listing: nothing fetched, nothing added
    assert (second.outcome, second.new, second.failed, second.pages) == ("ok", 0, 0, 0)
    assert await count(services.db) == 1
    assert len(server.hits(VGP_OLD)) == 1

    serve_vgp(server, (SITES / "vgp" / "listing.html").read_bytes())  # one new item on top
    third = await one(services)
    assert (third.links, third.new, third.pages) == (4, 1, 1)
    rows = await stored(services)
    assert [r[0] for r in rows] == [server.base + VGP_OLD, server.base + VGP_NEW]
    assert rows[1][1] == "Viet Nam, Russia promote defense cooperation"
    assert rows[1][2] == "2026-09-09T02:33:00+00:00"
    assert "Viet Nam-Russia Tropical Center" in rows[1][3]
    assert len(server.hits(VGP_OLD)) == 1 and len(server.hits("/robots.txt")) == 3


async def test_conditional_get_and_layout_change(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    listing = (SITES / "portal" / "listing.html").read_bytes()

    def route(handler: BaseHTTPRequestHandler) -> Answer:
        if handler.headers.get("If-None-Match") == '"v1"':
            return Answer(304, headers={"ETag": '"v1"'})
        return Answer(200, listing, {"ETag": '"v1"', "Content-Type": HTML})

    server.routes["/Default.aspx?tabid=75"] = route
    server.static(
        "/Default.aspx?tabid=75&ndid=48512&key=Hoi_nghi_so_ket_cong_tac_dan_van_6_thang_dau_nam_2026",
        (SITES / "portal" / "article-48512.html").read_bytes(),
        HTML,
    )
    # A real windows-1258 page, served with its charset.
    server.static(
        "/Default.aspx?tabid=75&ndid=48497&key=Ky_ket_chuong_trinh_phoi_hop_ve_cong_tac_dan_van",
        (SITES / "portal" / "article-48497.cp1258.html").read_bytes(),
        "text/html; charset=windows-1258",
    )
    services = await open_services(settings_for(tmp_path, f"{server.base}/Default.aspx?tabid=75"))
    first = await one(services)
    assert (first.links, first.new, first.failed) == (3, 2, 1)  # ndid=48455 is a 404
    titles = [r[1] for r in await stored(services)]
    assert "Ký kết chương trình phối hợp về công tác dân vận giai đoạn 2026 - 2030" in titles
    bodies = " ".join(r[3] for r in await stored(services))
    assert "xây dựng thế trận lòng dân vững chắc" in bodies  # decoded and NFC
    assert "Số lượt truy cập" not in bodies and "THĂM DÒ" not in bodies

    assert (await one(services)).outcome == "unchanged"  # 304: costs one request
    # A redesign: new class names, same articles. Nothing is fetched twice.
    listing = listing.replace(b"NewsTitleLink", b"tieu-de").replace(b"tblListNews", b"ds-tin")
    server.routes["/Default.aspx?tabid=75"] = lambda _h: Answer(
        200, listing, {"Content-Type": HTML}
    )
    after = await one(services)
    assert (after.links, after.new, after.pages) == (3, 0, 0)
    assert await count(services.db) == 2


async def test_empty_listing_and_huge_listing(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    server.static("/empty", b"<html><body><nav><a href='/'>Trang chu</a></nav></body></html>", HTML)
    services = await open_services(settings_for(tmp_path, f"{server.base}/empty"))
    report = await one(services)
    assert report.outcome == "failed" and "no article links found" in (report.error or "")
    row = await store.get_source(services.db, "vgp")
    assert row is not None and row.failures == 1

    items = "".join(
        f'<li><a href="/tin-tuc/hoi-nghi-dan-van-so-{i}-nam-2026-{100000 + i}.html">'
        f"Hội nghị công tác dân vận số {i} năm 2026</a></li>"
        for i in range(500)
    )
    server.static("/big", f"<html><body><ul>{items}</ul></body></html>".encode(), HTML)
    page = (SITES / "portal" / "article-48512.html").read_bytes()
    for i in range(25):
        server.static(f"/tin-tuc/hoi-nghi-dan-van-so-{i}-nam-2026-{100000 + i}.html", page, HTML)
    await store.sync_config_sources(
        services.db, (SourceSettings(name="vgp", url=f"{server.base}/big", kind="page"),)
    )
    big = await one(services)
    assert (big.links, big.pages, big.deferred) == (500, 20, 480)
    row = await store.get_source(services.db, "vgp")
    assert row is not None and row.etag is None  # links wait: no validators kept
    assert len([p for p, _ in server.requests if p.startswith("/tin-tuc/")]) == 20


async def test_robots_txt_is_obeyed(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    serve_vgp(server, (SITES / "vgp" / "listing.html").read_bytes())
    server.static("/robots.txt", b"User-agent: *\nDisallow: /viet-nam-\n", "text/plain")
    services = await open_services(settings_for(tmp_path, f"{server.base}/defense.html"))
    report = await one(services)
    assert report.new == 1 and not server.hits(VGP_NEW)
    assert any("disallowed by robots.txt" in n for n in report.notes)

    server.static("/robots.txt", b"User-agent: *\nDisallow: /\n", "text/plain")
    await store.sync_config_sources(
        services.db, (SourceSettings(name="vgp2", url=f"{server.base}/defense.html", kind="page"),)
    )
    reports = await run_round(services, names=["vgp2"], due_only=False)
    assert reports[0].outcome == "failed" and "robots.txt" in (reports[0].error or "")


async def test_ssrf_guard_on_page_sources(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    serve_vgp(server, (SITES / "vgp" / "listing.html").read_bytes())
    settings = settings_for(tmp_path, f"{server.base}/defense.html", allow_private_hosts=False)
    services = await open_services(settings)
    report = await one(services)
    assert report.outcome == "failed" and "refused" in (report.error or "")
    assert not server.requests  # not even robots.txt


async def test_chat_add_offers_feeds_or_a_page_source(
    server: FeedServer, tmp_path: Path, open_services: Opener
) -> None:
    from bot.replies import sources_admin

    server.static("/", (SITES / "portal" / "listing.html").read_bytes(), HTML)
    feed = (Path(__file__).resolve().parents[1] / "fixtures" / "feeds" / "danvan.xml").read_text()
    server.static("/rss/tin-moi.rss", feed.replace("{BASE}", server.base).encode(), "text/xml")
    services = await open_services(settings_for(tmp_path, f"{server.base}/defense.html"))
    reply = await sources_admin.add_with_discovery("Tỉnh ủy", f"{server.base}/", services)
    text = "\n".join(reply.parts)
    assert f"/nguon them Tỉnh ủy {server.base}/rss/tin-moi.rss" in text
    assert f"/nguon themtrang Tỉnh ủy {server.base}/" in text
    assert await store.get_source(services.db, "Tỉnh ủy") is None  # nothing added yet
    added = await sources_admin.added("Tỉnh ủy", f"{server.base}/", "page", services)
    assert "Đã thêm nguồn" in "".join(added.parts)
    row = await store.get_source(services.db, "Tỉnh ủy")
    assert row is not None and row.kind == "page" and row.origin == "chat"
