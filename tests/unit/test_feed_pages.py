"""Article-page extraction on realistic Vietnamese news layouts (tests/fixtures/pages).

Each ``NAME.html`` has ``NAME.json``: strings the extracted text must contain (the article)
and must not (menus, related links, comments, footers). Adding a case is adding two files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.sources.pagemeta import page_title
from bot.sources.pages import extract_main_text

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
CASES = sorted(p.stem for p in PAGES.glob("*.html"))


@pytest.mark.parametrize("name", CASES)
def test_main_text(name: str) -> None:
    expected = json.loads((PAGES / f"{name}.json").read_text("utf-8"))
    text = extract_main_text((PAGES / f"{name}.html").read_text("utf-8"))
    assert [s for s in expected["must"] if s not in text] == []
    assert [s for s in expected["must_not"] if s in text] == []
    assert "<" not in text


def test_there_are_cases() -> None:
    assert len(CASES) >= 4


def test_page_title() -> None:
    markup = (PAGES / "vnexpress_style.html").read_text("utf-8")
    assert page_title(markup) == "Mặt trận các cấp đối thoại với người dân về giải phóng mặt bằng"
    assert page_title("<html><h1>Tiêu <b>đề</b></h1></html>") == "Tiêu đề"
    assert page_title("<p>none</p>") is None


@pytest.mark.parametrize(
    "markup", ["", "<html></html>", "<div><a href='/'>Trang chủ</a></div>", "<<>>", "x" * 10]
)
def test_pages_without_a_body_give_nothing(markup: str) -> None:
    assert extract_main_text(markup) == ""


def test_deeply_nested_markup_does_not_crash() -> None:
    markup = "<div>" * 5000 + "<p>" + "Nội dung bài viết, có dấu phẩy, đủ dài. " * 5 + "</p>"
    assert "Nội dung bài viết" in extract_main_text(markup)


def test_text_around_deep_nesting_does_not_recurse() -> None:
    outer = "<div>Văn bản ngoài cùng, có dấu phẩy, đủ dài để tính như một đoạn văn. "
    markup = outer + "<div>" * 5000 + "<p>" + "Nội dung, có dấu phẩy, đủ dài. " * 5 + "</p>"
    assert "Nội dung" in extract_main_text(markup)
