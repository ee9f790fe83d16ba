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
    """Moved to bot.sources.pagemeta.decode_page, shared by feeds' pages and page sources."""
    from bot.sources.pagemeta import decode_page

    viet = "Dân Đông".encode("cp1258")
    assert decode_page(viet, "text/html; charset=windows-1258") == ("Dân Đông", "windows-1258")
    meta = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-16">'
    assert decode_page(meta, "text/html")[1] == "utf-8"  # readable as ASCII: not UTF-16
    # A UTF-8 page labelled ISO-8859-1 is read as UTF-8.
    assert decode_page("Đảng".encode(), "text/html; charset=iso-8859-1") == ("Đảng", "utf-8")
    assert decode_page(b"<html>", None) == ("<html>", "utf-8")
