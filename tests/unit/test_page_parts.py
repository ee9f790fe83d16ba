"""The pure parts of page sources on the saved pages: listing links, article metadata,
sitemaps, robots rules, feed discovery markup and the source catalogue."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import BUNDLED_CONTENT
from bot.sources.catalogue import (
    CatalogueError,
    known_province,
    parse_catalogue,
    read_catalogue_text,
    suggest,
)
from bot.sources.discovery import advertised_feeds
from bot.sources.listing import article_links, looks_like_article_url
from bot.sources.pagemeta import decode_page, parse_iso, published_time, visible_stamp
from bot.sources.pages import extract_page_article
from bot.sources.robots import parse_robots
from bot.sources.sitemap import is_sitemap, parse_sitemap

SITES = Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "sites"


def read(name: str) -> str:
    return decode_page((SITES / name).read_bytes(), "text/html")[0]


@pytest.mark.parametrize(
    ("page", "base", "expected", "not_expected"),
    [
        (
            "vgp/listing.html",
            "https://en.baochinhphu.vn/defense.html",
            [
                "111260909103625767",
                "111260805182734508",
                "111260805144909723",
                "111231116101259413",
            ],
            ["111261005151521028", "/politics.htm", "/topic/"],  # most read; menu; hot tags
        ),
        (
            "vnexpress/home.html",
            "https://vnexpress.net/",
            ["5129280", "5128918", "5129115", "5129179", "5129022", "5129045"],
            ["4362899", "/thoi-su", "dieu-khoan"],  # "Xem nhiều" box; menu; footer
        ),
        (
            "portal/listing.html",
            "https://tinhuy.example.vn/Default.aspx?tabid=75",
            ["ndid=48512", "ndid=48497", "ndid=48455"],
            ["tabid=101", "ndid=48210", "page=2", "dangcongsan"],  # left menu, right box
        ),
    ],
)
def test_listing_links_are_the_main_list(
    page: str, base: str, expected: list[str], not_expected: list[str]
) -> None:
    links = article_links(read(page), base)
    urls = [link.url for link in links]
    assert len(urls) == len(expected)
    for part, url in zip(expected, urls, strict=True):
        assert part in url  # in page order
    for part in not_expected:
        assert not any(part in u for u in urls), part
    assert all(len(link.title.split()) >= 4 for link in links)
    assert links[0].title != ""


def test_article_urls() -> None:
    assert looks_like_article_url("https://x.vn/hoi-nghi-so-ket-cong-tac-dan-van.html")
    assert looks_like_article_url("https://x.vn/tin-tuc/123456.htm")
    assert looks_like_article_url("https://x.vn/Default.aspx?tabid=75&ndid=48512")
    assert not looks_like_article_url("https://x.vn/thoi-su")
    assert not looks_like_article_url("https://x.vn/")
    assert not looks_like_article_url("https://x.vn/uploads/2026/anh-hoi-nghi-dan-van.jpg")
    assert not looks_like_article_url("https://x.vn/tin-tuc/trang-2")
    assert not looks_like_article_url("https://x.vn/Default.aspx?tabid=75&page=2")


@pytest.mark.parametrize(
    ("page", "title", "published", "in_text"),
    [
        (
            "vgp/article-111260909103625767.html",
            "Viet Nam, Russia promote defense cooperation",
            "2026-09-09T02:33:00+00:00",
            "Viet Nam-Russia Tropical Center",
        ),
        (
            "vnexpress/article-5129280.html",
            "Cổ thụ đổ giữa đường, trung tâm TP HCM ùn tắc tứ phía",
            "2026-10-07T00:49:01+00:00",
            "Cổ thụ cao hơn 20 m, tán rộng, nhiều nhánh.",
        ),
        (
            "portal/article-48512.html",
            "Hội nghị sơ kết công tác dân vận 6 tháng đầu năm 2026",
            "2026-07-09T08:20:00+00:00",  # the visible stamp "15:20 ... 09/07/2026", VN time
            "toàn tỉnh có 312 mô hình",
        ),
        (
            "portal/article-48497.cp1258.html",
            "Ký kết chương trình phối hợp về công tác dân vận giai đoạn 2026 - 2030",
            "2026-03-20T03:15:00+00:00",
            "186 ngôi nhà cho hộ nghèo",
        ),
    ],
)
def test_article_pages(page: str, title: str, published: str, in_text: str) -> None:
    article = extract_page_article(read(page))
    assert article.title == title
    assert article.published is not None and article.published.isoformat() == published
    assert in_text in article.text
    for furniture in ("Editor-in-chief", "Thêm VnExpress trên Google", "Số lượt truy cập"):
        assert furniture not in article.text


def test_dates() -> None:
    assert parse_iso("2026-10-07 07:49 + 07:00") == datetime(2026, 10, 7, 0, 49, tzinfo=UTC)
    assert parse_iso("2026-10-07T07:49:00") == datetime(2026, 10, 7, 0, 49, tzinfo=UTC)
    assert parse_iso("2026-10-07T07:49:00Z") == datetime(2026, 10, 7, 7, 49, tzinfo=UTC)
    assert parse_iso("hôm qua") is None
    assert visible_stamp("(16:32 | 25/03/2020)") == datetime(2020, 3, 25, 9, 32, tzinfo=UTC)
    assert visible_stamp("Thứ tư, 7/10/2026, 07:49 (GMT+7)") == datetime(
        2026, 10, 7, 0, 49, tzinfo=UTC
    )
    assert visible_stamp("Chiều 25/4, ngày 31/02/2026") is None
    graph = (
        '<script type="application/ld+json">{"@graph":[{"datePublished":"2024-04-25"}]}</script>'
    )
    assert published_time(graph) == datetime(2024, 4, 24, 17, 0, tzinfo=UTC)


def test_wrong_charset_and_windows_1258() -> None:
    page = (SITES / "portal" / "article-48512.html").read_bytes()
    text, used = decode_page(page, "text/html; charset=iso-8859-1")  # the label lies
    assert used == "utf-8" and "Ban Dân vận Tỉnh ủy" in text
    legacy = (SITES / "portal" / "article-48497.cp1258.html").read_bytes()
    text, used = decode_page(legacy, None)  # from <meta charset=windows-1258>
    assert used == "windows-1258" and "ký kết chương trình" in extract_page_article(text).text


def test_sitemap() -> None:
    data = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://x.vn/a-1.html</loc><news:news><news:publication_date>2026-07-08T10:00:00+07:00
</news:publication_date><news:title>Hội nghị A</news:title></news:news></url>
<url><loc>https://x.vn/b-2.html</loc><lastmod>2026-07-09</lastmod></url>
</urlset>""".encode()
    assert is_sitemap(data)
    sitemap = parse_sitemap(data)
    assert [e.url for e in sitemap.entries] == ["https://x.vn/b-2.html", "https://x.vn/a-1.html"]
    assert sitemap.entries[1].title == "Hội nghị A"
    index = parse_sitemap(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://x.vn/news.xml</loc></sitemap></sitemapindex>"
    )
    assert index.children == ("https://x.vn/news.xml",)
    assert parse_sitemap(b"<html>").problem is not None
    assert not is_sitemap(b"<html><body>")


def test_robots_rules() -> None:
    robots = parse_robots("User-agent: *\nDisallow: /admin\nSitemap: https://x.vn/sm.xml\n")
    assert robots.allows("https://x.vn/tin-tuc/a.html")
    assert not robots.allows("https://x.vn/admin/x")
    assert robots.sitemaps == ["https://x.vn/sm.xml"]


def test_advertised_feeds() -> None:
    feeds = advertised_feeds(read("portal/listing.html"), "https://tinhuy.example.vn/")
    assert [(f.url, f.title) for f in feeds] == [
        ("https://tinhuy.example.vn/rss/tin-moi.rss", "Tin mới")
    ]
    linked = advertised_feeds('<a href="/rss/thoi-su.rss">RSS</a>', "https://x.vn/")
    assert [f.how for f in linked] == ["linked"]


def test_catalogue_is_valid_and_filters_by_province() -> None:
    entries = parse_catalogue(read_catalogue_text(BUNDLED_CONTENT))
    assert len(entries) >= 15
    assert all(e.how and e.kind in ("feed", "page") for e in entries)
    national = [e for e in entries if e.province is None]
    quang_ninh = suggest(entries, "quang ninh")
    assert len(quang_ninh) == len(national) + 2
    # A pre-2025 name finds its source, listed under the unit it belongs to now.
    assert any(
        e.former == "Bắc Giang" and e.province == "Bắc Ninh" for e in suggest(entries, "Bắc Giang")
    )
    assert known_province(entries, "Yên Bái") and not known_province(entries, "Cà Mau")
    assert suggest(entries, "Cà Mau") == national
    with pytest.raises(CatalogueError):
        parse_catalogue(
            '[[source]]\nname = "x"\nurl = "https://x.vn"\nkind = "rss"\ncategory = "x"'
        )
