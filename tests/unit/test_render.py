"""Rendering for Telegram: escaping, visible length, and splitting under 4096 characters."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bot.replies.model import Button, Reply
from bot.replies.render import (
    EMPTY_FALLBACK,
    MAX_MESSAGE,
    esc,
    link,
    safe_url,
    split_html,
    strip_tags,
    truncate,
    visible_length,
)
from bot.terminal.render import html_to_text, render_reply

EMULATOR = Path(__file__).resolve().parents[1] / "e2e" / "emulator.py"


def _emulator() -> ModuleType:
    if not EMULATOR.exists():
        pytest.skip("tests/e2e/emulator.py (the Telegram HTML validator) is not there")
    name = "danvan_test_emulator"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, EMULATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def assert_telegram_valid(part: str) -> None:
    """Parses the way Telegram does; non-empty; at most 4096 UTF-16 units when visible."""
    plain, _ = _emulator().parse_html(part)
    assert plain.strip(), f"empty message: {part!r}"
    assert len(plain.encode("utf-16-le")) // 2 <= MAX_MESSAGE


def test_esc_makes_markup_inert_and_quotes_safe_for_attributes() -> None:
    assert esc("<script>\"x\" & 'y'") == "&lt;script&gt;&quot;x&quot; &amp; &#x27;y&#x27;"
    assert_telegram_valid(esc("<b>not bold</b> & <a href=x>"))


def test_link_escapes_href_and_text() -> None:
    html = link('A <b> "title"', 'https://example.vn/a?x=1&y="2"')
    assert html == (
        '<a href="https://example.vn/a?x=1&amp;y=&quot;2&quot;">A &lt;b&gt; &quot;title&quot;</a>'
    )
    assert_telegram_valid(html)


@pytest.mark.parametrize(
    "url",
    [None, "", "javascript:alert(1)", "ftp://x.vn/a", "/relative/path", "http://", "http://a b"],
)
def test_unusable_urls_are_not_links(url: str | None) -> None:
    assert safe_url(url) is None
    assert link("Tiêu đề", url) == "Tiêu đề"


def test_visible_length_counts_utf16_after_entities() -> None:
    # "😀" is two UTF-16 units; "&amp;" is one character once parsed; tags count nothing.
    assert visible_length("<b>😀</b> &amp; a") == 6
    assert visible_length("Đảng") == 4


def test_truncate_cuts_at_a_word_and_adds_ellipsis() -> None:
    text = "Ban Dân vận Tỉnh ủy tổ chức Hội nghị sơ kết công tác dân vận"
    out = truncate(text, 30)
    assert out.endswith("…") and len(out) <= 30
    assert text.startswith(out[:-1].rstrip())
    assert truncate("ngắn", 30) == "ngắn"


def test_split_keeps_short_text_whole() -> None:
    assert split_html("<b>Một</b>\n\nHai") == ["<b>Một</b>\n\nHai"]


def test_split_breaks_at_paragraphs_under_the_limit() -> None:
    paragraphs = [f"<b>#{i}</b> " + esc(f"Đoạn {i} <x> ") + "ộ" * 300 for i in range(40)]
    parts = split_html("\n\n".join(paragraphs))
    assert len(parts) > 1
    for part in parts:
        assert_telegram_valid(part)
    # Nothing lost, nothing cut inside a paragraph.
    assert "\n\n".join(parts) == "\n\n".join(paragraphs)


def test_split_counts_emoji_as_two_units() -> None:
    text = "\n\n".join(["😀" * 1000] * 3)  # 2000 units a paragraph
    parts = split_html(text)
    assert len(parts) == 2 and [visible_length(p) for p in parts] == [4002, 2000]
    for part in parts:
        assert_telegram_valid(part)


def test_one_huge_paragraph_is_cut_between_words_with_tags_reopened() -> None:
    para = "<b>" + " ".join(["dân vận"] * 1500) + "</b> <i>" + "khéo " * 900 + "</i>"
    parts = split_html(para, limit=MAX_MESSAGE)
    assert len(parts) >= 3
    for part in parts:
        assert_telegram_valid(part)
        assert visible_length(part) <= MAX_MESSAGE
    assert " ".join(strip_tags(p) for p in parts).split() == strip_tags(para).split()


def test_a_word_longer_than_a_message_is_hard_cut_without_breaking_entities() -> None:
    word = "&amp;" + "x" * 5000 + "&lt;"
    parts = split_html(word)
    assert len(parts) == 2
    for part in parts:
        assert_telegram_valid(part)
    assert "".join(strip_tags(p) for p in parts) == "&" + "x" * 5000 + "<"


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "<b></b>", "<b> </b>\n\n<i></i>"])
def test_never_an_empty_part(text: str) -> None:
    assert split_html(text) == [EMPTY_FALLBACK]


def test_terminal_rendering_shows_bold_links_and_numbered_buttons() -> None:
    html = '<b>Kết quả</b> cho <a href="https://x.vn/a?b=1&amp;c=2">Tin &lt;1&gt;</a>'
    assert html_to_text(html) == "Kết quả cho Tin <1> (https://x.vn/a?b=1&c=2)"
    assert html_to_text("<b>đậm</b>", color=True) == "\x1b[1mđậm\x1b[0m"
    reply = Reply(
        parts=("Một", "Hai"),
        buttons=((Button("◀ Trước", "s:1:0"), Button("Sau ▶", "s:1:2")),),
    )
    out = render_reply(reply)
    assert "Một" in out and "Hai" in out
    assert "[1] ◀ Trước  [2] Sau ▶" in out
