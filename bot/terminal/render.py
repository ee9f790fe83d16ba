"""Telegram HTML -> readable terminal text. Pure.

Bold (and italics) become ANSI styles when colour is on; links read "text (url)" so the
address is visible; entities are decoded. Buttons are numbered so a user can press one by
typing its number.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bot.replies.model import Button, Reply

_BOLD, _ITALIC, _RESET = "\x1b[1m", "\x1b[3m", "\x1b[0m"
_LINK_RE = re.compile(r'<a\s+href="([^"]*)"\s*>(.*?)</a>', re.DOTALL)
_TAG_RE = re.compile(r"<[^>]*>")


def html_to_text(text: str, *, color: bool = False) -> str:
    def link(m: re.Match[str]) -> str:
        label, url = m.group(2), m.group(1)
        return f"{label} ({url})" if html.unescape(url) != html.unescape(label) else label

    out = _LINK_RE.sub(link, text)
    if color:
        out = re.sub(r"<(?:b|strong)>", _BOLD, out)
        out = re.sub(r"<(?:i|em)>", _ITALIC, out)
        out = re.sub(r"</(?:b|strong|i|em)>", _RESET, out)
    return html.unescape(_TAG_RE.sub("", out))


def numbered_buttons(buttons: Sequence[Sequence[Button]]) -> list[Button]:
    return [b for row in buttons for b in row]


def render_reply(reply: Reply, *, color: bool = False) -> str:
    """Every part, separated by a rule, then the buttons as ``[1] ◀ Trước  [2] Sau ▶``."""
    parts = [html_to_text(p, color=color) for p in reply.parts]
    text = "\n──────────\n".join(parts)
    flat = numbered_buttons(reply.buttons)
    if flat:
        lines, n = [], 0
        for row in reply.buttons:
            cells = []
            for b in row:
                n += 1
                cells.append(f"[{n}] {b.text}" + (f" ({b.url})" if b.url else ""))
            lines.append("  ".join(cells))
        text += "\n\n" + "\n".join(lines) + "\n(gõ số để bấm nút)"
    return text
