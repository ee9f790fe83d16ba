"""Feed bytes -> entries: identity, dates, text, and clear reports for what is not a feed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sources.feeds import entry_key, parse_feed

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
VIETNAMESE = REPO.parent / "shared" / "feed-corpus" / "vietnamese"


def fixture_feed(name: str) -> bytes:
    return (FIXTURES / "feeds" / name).read_bytes().replace(b"{BASE}", b"https://tinh.example")


@pytest.fixture
def vietnamese() -> Path:
    if not VIETNAMESE.is_dir():
        pytest.skip(f"Vietnamese feed corpus not found at {VIETNAMESE}")
    return VIETNAMESE


def test_hand_made_feed_keys_dates_and_text() -> None:
    parsed = parse_feed(fixture_feed("danvan.xml"))
    assert parsed.problem is None
    assert parsed.title == "Công tác dân vận - Báo tỉnh (mẫu thử)"
    keys = [e.key for e in parsed.entries]
    assert keys[0] == "guid:dv-2026-0001"
    assert keys[1] == "link:tinh.example/bai/ky-ket-phoi-hop.html"
    assert keys[3].startswith("title:")
    first = parsed.entries[0]
    assert first.published == datetime(2026, 7, 9, 8, 20, tzinfo=UTC)
    assert "alert" not in first.text and "<" not in first.text
    assert first.text.count("\n\n") == 1  # two paragraphs kept apart
    assert parsed.entries[2].published is None


def test_content_hash_follows_text_and_key_does_not() -> None:
    before = parse_feed(fixture_feed("danvan.xml")).entries[0]
    after = parse_feed(fixture_feed("danvan.xml").replace(b"312", b"315")).entries[0]
    assert before.key == after.key
    assert before.content_hash != after.content_hash


def test_entry_key_order_guid_link_title() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    assert entry_key("g1", "https://a.vn/x", "T", when) == "guid:g1"
    # links are canonical: scheme, www., tracking parameters and trailing slash ignored
    assert entry_key(None, "https://www.a.vn/x/?utm_source=fb", "T", when) == entry_key(
        None, "http://a.vn/x", "Other", None
    )
    assert entry_key(None, None, "Tiêu đề", when) == entry_key(None, None, "TIEU DE", when)
    assert entry_key(None, None, "Tiêu đề", when) != entry_key(None, None, "Tiêu đề", None)


@pytest.mark.parametrize(
    ("data", "content_type", "problem"),
    [
        (b"", None, "empty response"),
        (b"  \n\t ", None, "empty response"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', None, "JSON"),
        ("<!DOCTYPE html><html><body><p>Trang chủ</p></body></html>".encode(), None, "HTML page"),
        (b"<html><head><title>x</title></head></html>", "text/html", "HTML page"),
        (b"Internal Server Error", "text/plain", "not a feed"),
        (b"<?xml version='1.0'?><rss><channel><item><title>x", None, "broken feed"),
        (b"\x00\xff\xfe garbage \x00", None, "not a feed"),
    ],
)
def test_not_a_feed_is_said_in_words(data: bytes, content_type: str | None, problem: str) -> None:
    parsed = parse_feed(data, content_type)
    assert parsed.problem is not None and problem in parsed.problem
    assert parsed.entries == ()


def test_feed_with_no_items_is_ok_with_a_note() -> None:
    data = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"
    parsed = parse_feed(data)
    assert parsed.problem is None and parsed.notes == ("feed has no entries",)


def test_feedparser_never_fetches_or_opens_paths(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(fixture_feed("danvan.xml"))
    # A body that is a path or a URL must be parsed as text, never opened.
    assert parse_feed(str(secret).encode()).entries == ()
    assert parse_feed(b"http://127.0.0.1:9/rss").entries == ()


def test_utf16_declared_but_utf8(vietnamese: Path) -> None:
    data = (vietnamese / "vietnambiz-1.xml").read_bytes()
    parsed = parse_feed(data)
    assert len(parsed.entries) == 30
    assert parsed.notes[0] == "declares encoding utf-16 but is UTF-8; read as UTF-8"
    assert all(e.published is not None for e in parsed.entries)  # GMT+7 in CDATA
    assert not any("&#" in e.title for e in parsed.entries)


def test_all_vietnamese_feeds_give_dated_entries(vietnamese: Path) -> None:
    counts = {}
    for path in sorted(vietnamese.glob("*.xml")):
        parsed = parse_feed(path.read_bytes())
        assert parsed.problem is None, path.name
        assert all(e.published is not None for e in parsed.entries), path.name
        assert all(e.title and e.link for e in parsed.entries), path.name
        counts[path.stem] = len(parsed.entries)
    assert len(counts) == 18
    assert counts["baochinhphu-1"] == 50 and counts["zing-1"] == 20
    assert counts["vnexpress-10"] == 24  # its empty item is skipped


def test_baochinhphu_has_no_guid_and_keys_by_link(vietnamese: Path) -> None:
    parsed = parse_feed((vietnamese / "baochinhphu-1.xml").read_bytes())
    assert all(e.guid is None and e.key.startswith("link:baochinhphu.vn/") for e in parsed.entries)
    assert parsed.entries[0].published == datetime(2026, 9, 5, 6, 30, tzinfo=UTC)


def test_relative_links_resolve_against_the_feed_url() -> None:
    data = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
        b"<item><title>a</title><link>/bai/1.html</link></item></channel></rss>"
    )
    parsed = parse_feed(data, "application/rss+xml", "https://baotinh.vn/rss/dan-van.rss")
    assert parsed.entries[0].link == "https://baotinh.vn/bai/1.html"


def test_guids_resolve_as_feedparser_resolved_them_and_empty_links_stay_empty() -> None:
    """feedparser used to get the feed URL as a base; keys must not change without it."""
    data = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
        b"<item><title>a</title><guid>/bai/1.html</guid></item>"  # a permalink: resolved
        b"<item><title>b</title><guid isPermaLink='false'>dv-2</guid></item>"  # opaque: kept
        b"<item><title>c</title><link>http:///baotinh.vn/3</link></item>"  # extra slashes
        b"<item><title>d</title><link></link></item>"
        b"</channel></rss>"
    )
    parsed = parse_feed(data, "application/rss+xml", "https://baotinh.vn/rss/dan-van.rss")
    a, b, c, d = parsed.entries
    assert a.guid == "https://baotinh.vn/bai/1.html" and a.key == "guid:" + a.guid
    assert b.guid == "dv-2" and b.key == "guid:dv-2"
    assert c.link == "http://baotinh.vn/3"
    assert d.link is None and d.key.startswith("title:")


def test_utf16_declared_utf8_is_read_once(
    vietnamese: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import feedparser

    calls: list[int] = []
    real = feedparser.parse

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(feedparser, "parse", counting)
    parsed = parse_feed((vietnamese / "vietnambiz-1.xml").read_bytes())
    assert len(parsed.entries) == 30 and len(calls) == 1
