"""Sitemaps -> article URLs, newest first. Pure.

Vietnamese newspapers publish news sitemaps (``<news:publication_date>``) and sitemap
indexes; a page source whose URL is a sitemap reads its links from there instead of from
a listing page. Only the standard library parses the XML: the document is size-bounded by
the fetcher, and expat refuses entity expansion bombs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from bot.sources.pagemeta import parse_iso

_LOOKS_LIKE_SITEMAP = re.compile(rb"<(?:\w+:)?(?:urlset|sitemapindex)\b", re.IGNORECASE)
MAX_URLS = 5000


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    published: datetime | None  # news:publication_date, else lastmod
    title: str = ""  # news:title, when given


@dataclass(frozen=True)
class Sitemap:
    entries: tuple[SitemapEntry, ...] = ()
    children: tuple[str, ...] = ()  # sitemaps listed by a sitemap index
    problem: str | None = None


def is_sitemap(data: bytes) -> bool:
    return bool(_LOOKS_LIKE_SITEMAP.search(data[:2048]))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _child_text(element: ET.Element, *names: str) -> str:
    for child in element.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return ""


def parse_sitemap(data: bytes) -> Sitemap:
    """A urlset (entries, newest first) or a sitemap index (children). Never raises."""
    try:
        root = ET.fromstring(data.lstrip(b"\xef\xbb\xbf\t\r\n "))
    except ET.ParseError as exc:
        return Sitemap(problem=f"not a sitemap: {exc}"[:200])
    kind = _local(root.tag)
    if kind == "sitemapindex":
        locs = [_child_text(s, "loc") for s in root if _local(s.tag) == "sitemap"]
        return Sitemap(children=tuple(loc for loc in locs if loc)[:MAX_URLS])
    if kind != "urlset":
        return Sitemap(problem=f"not a sitemap: root element <{kind}>")
    entries: list[SitemapEntry] = []
    for item in root:
        if _local(item.tag) != "url" or len(entries) >= MAX_URLS:
            continue
        loc = _child_text(item, "loc")
        if not loc:
            continue
        when = parse_iso(_child_text(item, "publication_date") or _child_text(item, "lastmod"))
        entries.append(SitemapEntry(loc, when, _child_text(item, "title")))
    entries.sort(key=lambda e: e.published.timestamp() if e.published else 0.0, reverse=True)
    return Sitemap(entries=tuple(entries))
