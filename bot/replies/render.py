"""Telegram HTML for replies: escaping, links, visible length, and splitting under 4096.

Telegram counts a message's length after entity parsing (tags removed, entities decoded) in
UTF-16 code units, so that is how :func:`visible_length` measures. Pure functions only.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from bot.text.normalize import strip_controls

MAX_MESSAGE = 4096
EMPTY_FALLBACK = "…"

_TAG_RE = re.compile(r"<[^>]*>")
_TOKEN_RE = re.compile(r"(<[^>]*>)")
_TAG_NAME_RE = re.compile(r"^<\s*(/?)\s*([a-zA-Z0-9-]+)")


def esc(text: object) -> str:
    """Escape any outside string for Telegram HTML (quotes too, so it is safe in href), and
    drop control and invisible characters a stored text may still carry (the last guard)."""
    return html.escape(strip_controls(str(text)), quote=True)


def safe_url(url: str | None) -> str | None:
    """The URL if Telegram will accept it as a link (http/https with a host), else None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(c.isspace() for c in url):
        return None
    return url


def link(text: str, url: str | None) -> str:
    """``<a href>`` around escaped text, or just the escaped text when the URL is unusable."""
    href = safe_url(url)
    if href is None:
        return esc(text)
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def strip_tags(html_text: str) -> str:
    """The text a user sees: tags removed and entities decoded."""
    return html.unescape(_TAG_RE.sub("", html_text))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_length(html_text: str) -> int:
    """Length as Telegram counts it after parsing entities (UTF-16 code units)."""
    return utf16_len(strip_tags(html_text))


def truncate(text: str, limit: int) -> str:
    """Plain text cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–") + "…"


def split_html(html_text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split into messages of at most ``limit`` visible characters, at paragraph boundaries
    when possible, then at lines, then at spaces. Tags open across a cut are closed and
    reopened so every part is valid on its own. Never returns an empty part."""
    paragraphs = [p for p in html_text.strip().split("\n\n") if strip_tags(p).strip()]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for para in paragraphs:
        para_len = visible_length(para)
        if para_len > limit:
            if current:
                parts.append("\n\n".join(current))
                current, size = [], 0
            parts.extend(_split_long(para, limit))
            continue
        extra = para_len + (2 if current else 0)
        if current and size + extra > limit:
            parts.append("\n\n".join(current))
            current, size = [para], para_len
        else:
            current.append(para)
            size += extra
    if current:
        parts.append("\n\n".join(current))
    parts = [p for p in parts if strip_tags(p).strip()]
    return parts or [EMPTY_FALLBACK]


def _split_long(para: str, limit: int) -> list[str]:
    """Cut one oversized paragraph between words, keeping tags balanced in each piece."""
    tokens: list[str] = []
    for piece in _TOKEN_RE.split(para):
        if not piece:
            continue
        if piece.startswith("<"):
            tokens.append(piece)
        else:
            # Keep the separators with the words so the text comes back unchanged.
            tokens.extend(t for t in re.split(r"(?<=\s)", piece) if t)
    parts: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, full opening tag)
    buf: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal buf, size
        closing = "".join(f"</{name}>" for name, _ in reversed(open_tags))
        text = "".join(buf) + closing
        if strip_tags(text).strip():
            parts.append(text.strip())
        buf = [tag for _, tag in open_tags]
        size = 0

    for tok in tokens:
        if tok.startswith("<"):
            m = _TAG_NAME_RE.match(tok)
            if m:
                closing, name = m.group(1) == "/", m.group(2).lower()
                if closing:
                    for i in range(len(open_tags) - 1, -1, -1):
                        if open_tags[i][0] == name:
                            del open_tags[i]
                            break
                else:
                    open_tags.append((name, tok))
            buf.append(tok)
            continue
        tok_len = visible_length(tok)
        while tok_len > limit:  # a single "word" longer than a message: hard cut
            flush()
            room = limit
            head, tok = _cut_visible(tok, room)
            buf.append(head)
            size = visible_length(head)
            tok_len = visible_length(tok)
        if size + tok_len > limit:
            flush()
        buf.append(tok)
        size += tok_len
    flush()
    return parts


def _cut_visible(text: str, room: int) -> tuple[str, str]:
    """Cut escaped text after ``room`` visible UTF-16 units, never inside an entity."""
    plain = html.unescape(text)
    used = 0
    cut = len(plain)
    for index, ch in enumerate(plain):
        used += utf16_len(ch)
        if used > room:
            cut = index
            break
    return esc(plain[:cut]), esc(plain[cut:])
