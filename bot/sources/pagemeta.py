"""An article page's title and publication time, and its bytes decoded to text. Pure.

Dates, in the order sites are most often right about them: ``<meta property=
"article:published_time">``, JSON-LD ``datePublished`` (also inside ``@graph``), an
``itemprop="datePublished"`` element, then the first visible stamp near the title
("Thứ tư, 7/10/2026, 07:49 (GMT+7)", "09/07/2026 | 15:20", "16:32 | 25/03/2020").
Vietnamese sites mean Vietnam time when they give no zone; the result is aware UTC.

Charset: a page that is valid UTF-8 is read as UTF-8 whatever it declares (a UTF-8 page
labelled ISO-8859-1 is common; a real windows-1258 page is almost never valid UTF-8);
otherwise the HTTP header, then ``<meta charset>``, then windows-1258, the legacy
Vietnamese code page.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from bot.sources.dates import VN_TZ
from bot.sources.htmltext import tidy

_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_JSON_LD = re.compile(
    r"""<script[^>]+type\s*=\s*["']?application/ld\+json["']?[^>]*>(.*?)</script>""",
    re.IGNORECASE | re.DOTALL,
)
_ITEMPROP_DATE = re.compile(
    r"""<(?:time|span|div|meta)\b[^>]*itemprop\s*=\s*["']datePublished["'][^>]*>""", re.I
)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.IGNORECASE | re.DOTALL)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_SCRIPTS = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# A visible stamp: a date d/m/yyyy (or d-m-yyyy, d.m.yyyy) with an optional time before or
# after it, within a few characters.
_STAMP = re.compile(
    r"(?:(?P<h1>\d{1,2})[:hg](?P<m1>\d{2})\D{0,12}?)?"
    r"\b(?P<d>\d{1,2})[/.-](?P<mo>\d{1,2})[/.-](?P<y>\d{4})\b"
    r"(?:\D{0,12}?\b(?P<h2>\d{1,2})[:hg](?P<m2>\d{2})\b)?"
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# How far into the visible text a publication stamp may sit (title, sapo, byline).
STAMP_WINDOW = 1500


def _attrs(tag: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR.finditer(tag)
    }


def meta_tags(markup: str) -> Iterator[dict[str, str]]:
    for m in _META.finditer(markup):
        yield _attrs(m.group(0))


def meta_content(markup: str, *keys: str) -> str | None:
    """The content of a ``<meta>`` whose property/name/itemprop is one of ``keys``; the
    earlier key wins."""
    found: dict[str, str] = {}
    for attrs in meta_tags(markup):
        for name in ("property", "name", "itemprop"):
            key = attrs.get(name, "").lower()
            if key and attrs.get("content", "").strip():
                found.setdefault(key, attrs["content"].strip())
    return next((found[k.lower()] for k in keys if k.lower() in found), None)


def parse_iso(value: str | None) -> datetime | None:
    """An ISO 8601 time as aware UTC; no zone means Vietnam time. Lenient on spacing."""
    if not value:
        return None
    text = value.strip().replace(" + ", "+").replace(" - ", "-")
    text = re.sub(r"^(\d{4}-\d{2}-\d{2}) (\d)", r"\1T\2", text)
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ)
    return parsed.astimezone(UTC)


def _json_ld_objects(markup: str) -> Iterator[dict[str, Any]]:
    for m in _JSON_LD.finditer(markup):
        try:
            data = json.loads(m.group(1).strip())
        except ValueError:
            continue
        stack: list[Any] = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))


def _visible_text(markup: str) -> str:
    body = markup.split("<body", 1)[-1]
    return " ".join(html.unescape(_TAGS.sub(" ", _SCRIPTS.sub(" ", body))).split())


def visible_stamp(text: str) -> datetime | None:
    """The first d/m/yyyy [hh:mm] stamp in ``text``, as Vietnam time -> UTC."""
    for m in _STAMP.finditer(text):
        hour, minute = m.group("h1") or m.group("h2"), m.group("m1") or m.group("m2")
        try:
            local = datetime(
                int(m.group("y")),
                int(m.group("mo")),
                int(m.group("d")),
                int(hour or 0),
                int(minute or 0),
                tzinfo=VN_TZ,
            )
        except ValueError:
            continue
        return local.astimezone(UTC)
    return None


def published_time(markup: str) -> datetime | None:
    """The page's publication time (see the module docstring for the order)."""
    found = parse_iso(meta_content(markup, "article:published_time", "og:published_time"))
    if found:
        return found
    for obj in _json_ld_objects(markup):
        value = obj.get("datePublished")
        if isinstance(value, str) and (found := parse_iso(value)):
            return found
    m = _ITEMPROP_DATE.search(markup)
    if m:
        attrs = _attrs(m.group(0))
        if found := parse_iso(attrs.get("content") or attrs.get("datetime")):
            return found
    found = parse_iso(meta_content(markup, "pubdate", "publishdate", "date", "dc.date.issued"))
    if found:
        return found
    text = _visible_text(markup)
    h1 = text.find(page_title(markup) or "\x00")
    start = h1 if h1 >= 0 else 0
    return visible_stamp(text[start : start + STAMP_WINDOW]) or visible_stamp(text[:STAMP_WINDOW])


_TITLE_SEPARATOR = re.compile(r"\s+[-|–—:]\s+")


def _without_site_name(title: str, markup: str) -> str:
    """ "Headline - Site name" -> "Headline": the longest leading part the page also shows."""
    cuts = [m.start() for m in _TITLE_SEPARATOR.finditer(title)]
    if not cuts:
        return title
    text = unicodedata.normalize("NFC", _visible_text(markup))
    for cut in reversed(cuts):
        if title[:cut] in text:
            return title[:cut]
    return title


def page_title(markup: str) -> str | None:
    """``og:title``, else the first ``<h1>``, else ``<title>`` without the site's name."""
    value = meta_content(markup, "og:title", "twitter:title")
    if value:
        return " ".join(tidy(value).split()) or None
    for pattern in (_H1, _TITLE):
        m = pattern.search(markup)
        if m:
            text = " ".join(tidy(html.unescape(_TAGS.sub(" ", m.group(1)))).split())
            if text:
                return _without_site_name(text, markup) if pattern is _TITLE else text
    return None


def declared_charset(content_type: str | None, body: bytes) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value.strip("\"' "):
            return value.strip("\"' ")
    m = _META_CHARSET.search(body[:4096])
    return m.group(1).decode("ascii") if m else None


def decode_page(body: bytes, content_type: str | None) -> tuple[str, str]:
    """(text, encoding used). Never raises."""
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_charset(content_type, body)
    for name in (declared, "cp1258"):
        if not name or name.lower().replace("_", "-") in ("utf-8", "utf8"):
            continue
        if name.lower().startswith(("utf-16", "utf-32", "ucs")):
            continue  # an ASCII-readable <meta> cannot be in UTF-16/32: the label lies
        try:
            return body.decode(name), name.lower()
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace"), "utf-8"
