"""Feed discovery: which feeds a site advertises, and whether a page source would do.

:func:`advertised_feeds` is pure (``<link rel="alternate">`` in the home page, and links
that name RSS in their URL); :func:`discover` is the shell: it fetches the page, tries the
common feed paths (``/rss``, ``/feed``, ``/rss.html``...) on the same site, keeps those
that parse as feeds, reads ``robots.txt`` for sitemaps, and counts the article links the
page itself offers. Every request goes through the bot's :class:`Fetcher`.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from bot.sources.feeds import parse_feed
from bot.sources.http import FEED_ACCEPT, PAGE_ACCEPT, Fetcher
from bot.sources.listing import article_links, clean_url, same_site
from bot.sources.pagemeta import decode_page, meta_tags
from bot.sources.robots import load_robots

COMMON_FEED_PATHS = ("/rss", "/feed", "/rss.html", "/rss.xml", "/feed.xml", "/atom.xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_A_TAG = re.compile(r"<a\b[^>]*href\s*=\s*[\"']([^\"']+)[\"'][^>]*>", re.IGNORECASE)
_RSS_HREF = re.compile(r"(?:\.rss|/rss(?:/|\.xml|\.html?)?|/feed/?)(?:$|[?#])", re.IGNORECASE)
PROBE_MAX_BYTES = 2 * 1024 * 1024
# A page source is worth offering when the page lists at least this many articles.
MIN_PAGE_LINKS = 3


@dataclass(frozen=True)
class FoundFeed:
    url: str
    title: str = ""
    how: str = "advertised"  # advertised | linked | common path
    entries: int | None = None  # entries seen when fetched; None when not checked
    problem: str | None = None


@dataclass
class Discovery:
    url: str  # the page asked about, after redirects
    error: str | None = None  # the page itself could not be fetched
    is_feed: bool = False  # the URL given is a feed already
    feeds: list[FoundFeed] = field(default_factory=list)  # working feeds
    broken: list[FoundFeed] = field(default_factory=list)  # advertised but not working
    article_links: int = 0  # article links on the page (a page source would read these)
    sitemaps: list[str] = field(default_factory=list)

    @property
    def page_source_would_do(self) -> bool:
        return self.article_links >= MIN_PAGE_LINKS


def advertised_feeds(markup: str, base_url: str) -> list[FoundFeed]:
    """Feeds named by ``<link rel="alternate">`` and by links to RSS URLs, each once."""
    found: dict[str, FoundFeed] = {}
    for m in _LINK_TAG.finditer(markup):
        attrs = next(meta_tags(m.group(0).replace("<link", "<meta", 1)), {})
        rels = attrs.get("rel", "").lower().split()
        kind = attrs.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES:
            url = clean_url(attrs.get("href", ""), base_url)
            if url and url not in found:
                found[url] = FoundFeed(url, " ".join(attrs.get("title", "").split()))
    host = urlsplit(base_url).hostname or ""
    for m in _A_TAG.finditer(markup):
        url = clean_url(m.group(1), base_url)
        rss_like = url is not None and _RSS_HREF.search(urlsplit(url).path) is not None
        if url and rss_like and url not in found and same_site(urlsplit(url).hostname or "", host):
            found[url] = FoundFeed(url, "", "linked")
    return list(found.values())


async def _check_feed(fetcher: Fetcher, feed: FoundFeed) -> FoundFeed:
    result = await fetcher.fetch(feed.url, accept=FEED_ACCEPT, max_bytes=PROBE_MAX_BYTES)
    if result.error is not None:
        return FoundFeed(feed.url, feed.title, feed.how, None, result.error)
    parsed = await asyncio.to_thread(parse_feed, result.body, result.content_type, result.url)
    if parsed.problem is not None:
        return FoundFeed(feed.url, feed.title, feed.how, None, parsed.problem)
    return FoundFeed(result.url, feed.title or parsed.title, feed.how, len(parsed.entries))


def _site_root(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


async def discover(fetcher: Fetcher, url: str, *, try_common: bool = True) -> Discovery:
    """What ``url`` offers: feeds (checked), sitemaps, and article links for a page source."""
    result = await fetcher.fetch(url, accept=PAGE_ACCEPT + ", " + FEED_ACCEPT)
    report = Discovery(result.url or url)
    if result.error is not None:
        report.error = result.error
        return report
    parsed = await asyncio.to_thread(parse_feed, result.body, result.content_type, result.url)
    if parsed.problem is None and parsed.entries:
        report.is_feed = True
        report.feeds.append(FoundFeed(result.url, parsed.title, "given", len(parsed.entries)))
        return report
    markup, _ = decode_page(result.body, result.content_type)
    candidates = advertised_feeds(markup, result.url)
    if try_common:
        known = {c.url for c in candidates}
        root = _site_root(result.url)
        candidates += [
            FoundFeed(root + path, "", "common path")
            for path in COMMON_FEED_PATHS
            if root + path not in known
        ]
    checked = await asyncio.gather(*(_check_feed(fetcher, c) for c in candidates))
    for feed in checked:
        if feed.problem is None:
            if all(feed.url != f.url for f in report.feeds):
                report.feeds.append(feed)
        elif feed.how != "common path":  # a missing guess is not worth reporting
            report.broken.append(feed)
    report.article_links = len(await asyncio.to_thread(article_links, markup, result.url))
    report.sitemaps = (await load_robots(fetcher, result.url)).sitemaps
    return report
