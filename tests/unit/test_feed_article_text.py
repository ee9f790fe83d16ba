"""Which text goes to the article core: teaser, page, or teaser + page."""

from __future__ import annotations

from bot.sources.ingest import article_text

LEAD = "Chiều 8/7, Ban Dân vận Tỉnh ủy tổ chức hội nghị sơ kết."
BODY = "Đồng chí Nguyễn Văn Hùng chủ trì hội nghị, với sự tham dự của các đoàn thể. " * 4


def test_no_page_or_a_short_page_keeps_the_teaser() -> None:
    assert article_text(LEAD, None) == LEAD
    assert article_text(LEAD, "Ngắn.") == LEAD


def test_page_without_the_lead_gets_it_in_front() -> None:
    assert article_text(LEAD, BODY) == f"{LEAD}\n\n{BODY}"


def test_page_that_has_the_lead_is_used_alone() -> None:
    page = f"{LEAD.upper()}\n\n{BODY}"  # case and diacritic variants still match
    assert article_text(LEAD, page) == page
    assert article_text("", BODY) == BODY


def test_page_charset() -> None:
    from bot.sources.ingest import page_charset

    assert page_charset("text/html; charset=windows-1258", b"") == "windows-1258"
    assert page_charset('text/html; charset="UTF-8"', b"") == "UTF-8"
    meta = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-16">'
    assert page_charset("text/html", meta) == "utf-8"  # readable as ASCII: not UTF-16
    assert page_charset(None, meta.replace(b"utf-16", b"windows-1258")) == "windows-1258"
    assert page_charset(None, b"<meta charset='windows-1252'>") == "windows-1252"
    assert page_charset(None, b"<html>") == "utf-8"
