"""strip_controls: no character that hides or reorders text survives; nothing else is lost."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from bot.replies.render import esc
from bot.sources.feeds import parse_feed
from bot.text.normalize import clean_line, clean_nfc, strip_controls

VIETNAMESE = (
    "Đồng chí Trưởng Ban Dân vận Tỉnh ủy chủ trì hội nghị sơ kết; "
    "ĂÂÊÔƠƯ ăâêôơư ÀÁẢÃẠ ẰẮẲẴẶ ẦẤẨẪẬ ÈÉẺẼẸ ỀẾỂỄỆ ÌÍỈĨỊ ÒÓỎÕỌ ỒỐỔỖỘ ỜỚỞỠỢ "
    "ÙÚỦŨỤ ỪỨỬỮỰ ỲÝỶỸỴ đ"
)


def test_every_control_format_and_surrogate_code_point_is_removed() -> None:
    """Checked against the running Python's Unicode data, so a newer Unicode that adds a
    format character fails here instead of slipping through."""
    kept = "\t\n"
    missed = [
        f"U+{cp:04X}"
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) in ("Cc", "Cf", "Cs")
        and chr(cp) not in kept
        and strip_controls(f"a{chr(cp)}b") not in ("ab", "a b")
    ]
    assert missed == []


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Hội nghị \u202etrực tuyến", "Hội nghị trực tuyến"),  # right-to-left override
        ("\u2066dân vận\u2069 khéo", "dân vận khéo"),  # isolates
        ("dân\u200b vận\u200d\u200c\u2060", "dân vận"),  # zero-width space, joiners
        ("\ufeffTin\u00ad mới", "Tin mới"),  # BOM, soft hyphen
        ("chuông\x07 báo\x00 \x1b[31mđỏ", "chuông báo [31mđỏ"),  # C0
        ("C1\x9b\x85", "C1 "),  # C1; NEL is white space
        ("tag\U000e0041\U000e0042", "tag"),  # invisible ASCII tag characters
        ("lone \ud800surrogate", "lone surrogate"),
        ("dòng\rmới\x0cnữa", "dòng mới nữa"),  # white-space controls keep words apart
        ("tab\tand\nnewline", "tab\tand\nnewline"),
    ],
)
def test_strip_controls(raw: str, clean: str) -> None:
    assert strip_controls(raw) == clean


def test_what_people_read_is_kept() -> None:
    # Emoji with a variation selector and a skin tone, flags, other scripts, private use.
    for text in (VIETNAMESE, "❤️ 👍🏽 🇻🇳", "中文 한국어 ไทย", "a\u0301", "\ue000"):
        assert strip_controls(text) is text  # unchanged, and not even copied


def test_clean_nfc_and_clean_line_strip_too() -> None:
    assert clean_nfc("Đảng\u202e bộ\u200b\r\nxã") == "Đảng bộ\nxã"
    assert clean_line("  Hội\u2067 nghị\n\u200b sơ kết\x07 ") == "Hội nghị sơ kết"


def test_feed_titles_and_texts_are_clean() -> None:
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Báo &#8238;tỉnh</title><item><title>Hội nghị\u202e \u200bdân vận&#x2066;</title>"
        "<link>https://x.example/1</link><description>Sáng 8/7,\u202e Ban Dân vận"
        "</description></item></channel></rss>"
    ).encode()
    parsed = parse_feed(feed)
    assert parsed.title == "Báo tỉnh"
    assert parsed.entries[0].title == "Hội nghị dân vận"


def test_rendering_is_the_last_guard() -> None:
    assert esc("A\u202e<b>\u200b") == "A&lt;b&gt;"
