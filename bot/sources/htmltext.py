"""Entry HTML -> plain text, with the stdlib parser. Pure.

Feed descriptions carry ``<a><img></a></br>teaser``, entity-escaped markup, scripts and
hostile CSS; only the text survives, paragraphs separated by blank lines. The result is
plain text: whatever shows it to Telegram escapes it again.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

# Content that is never text a reader sees.
SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "svg", "math",
     "head", "title", "select", "button", "textarea", "video", "audio", "canvas"}
)  # fmt: skip
BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "aside", "nav", "main",
     "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "td", "th",
     "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "form", "hr", "address",
     "caption", "tbody", "thead", "tfoot", "center"}
)  # fmt: skip
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip

_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def tidy(text: str) -> str:
    """NFC, no control characters, single spaces, blank-line-separated paragraphs."""
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS and tag not in VOID_TAGS:
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "br":  # the invalid "</br>" that VnExpress feeds use
            self.parts.append("\n")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment. Plain text without ``<`` passes through tidied."""
    if not markup:
        return ""
    if "<" not in markup:
        return tidy(html.unescape(markup))
    parser = _TextParser()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # very broken markup: keep what we have
        pass
    return tidy("".join(parser.parts))


def plain_title(value: str) -> str:
    """A one-line title: markup removed, and the ``&#224;`` that CDATA titles keep decoded."""
    text = html_to_text(value) if "<" in value else value
    return " ".join(html.unescape(text).split())
