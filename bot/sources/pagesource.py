"""One round of a page source (``[[sources]] kind = "page"``): the async shell.

Listing (conditional GET) -> article links (:mod:`bot.sources.listing`, or a sitemap) ->
robots.txt -> the links not seen before, at most ``PAGES_PER_ROUND`` of them -> each page
fetched and read (:func:`bot.sources.pages.extract_page_article`) -> the article core ->
the store. A link is remembered once its page was read, or once the site said it is gone
(4xx); a timeout or a 5xx is tried again next round. While links wait, the listing's
validators are not kept, so a 304 cannot hide them.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.articles.model import Article, RawArticle
from bot.sources.http import PAGE_ACCEPT, FetchResult
from bot.sources.listing import ListingLink, article_links
from bot.sources.pagemeta import decode_page
from bot.sources.pages import PageArticle, extract_page_article
from bot.sources.robots import RobotsCache
from bot.sources.sitemap import is_sitemap, parse_sitemap
from bot.store import sources as store
from bot.store.articles import canonical_url
from bot.store.sources import SourceRow
from bot.text.normalize import clean_line

if TYPE_CHECKING:
    from bot.sources.ingest import Ingester, SourceReport

log = logging.getLogger(__name__)

# Article pages fetched per page source per round; the rest wait for the next round.
PAGES_PER_ROUND = 20
PAGE_MAX_BYTES = 3 * 1024 * 1024
# Listing links considered per round (a hostile listing of 100,000 links costs nothing).
LINKS_PER_LISTING = 500
GONE = "gone"  # the content hash recorded for a link whose page the site says is gone


@dataclass(frozen=True)
class PageOutcome:
    link: ListingLink
    article: PageArticle | None = None
    error: str | None = None
    gone: bool = False  # a 4xx: remember the link, do not ask again


def link_key(url: str) -> str:
    return "link:" + (canonical_url(url) or url)[:500]


def _hash(url: str) -> str:
    return hashlib.blake2b(url.encode("utf-8"), digest_size=12).hexdigest()


def short_error(error: str) -> str:
    """ "timed out waiting for the server" -> "timeout", "HTTP 404 Not Found" -> "HTTP 404"."""
    if "timed out" in error:
        return "timeout"
    if error.startswith("HTTP "):
        return " ".join(error.split()[:2])
    return error.split(":", 1)[0][:60]


def links_from_listing(result: FetchResult) -> tuple[list[ListingLink], str | None]:
    """The article links of a listing (or sitemap) response, and a problem if it has none."""
    if is_sitemap(result.body):
        sitemap = parse_sitemap(result.body)
        if sitemap.problem:
            return [], sitemap.problem
        links = [ListingLink(e.url, e.title) for e in sitemap.entries[:LINKS_PER_LISTING]]
        return links, None if links else "the sitemap lists no articles"
    markup, _ = decode_page(result.body, result.content_type)
    links = article_links(markup, result.url, limit=LINKS_PER_LISTING)
    if not links:
        return [], "no article links found on the listing page (empty, or the layout changed)"
    return links, None


async def fetch_article(ingester: Ingester, link: ListingLink) -> PageOutcome:
    result = await ingester.fetcher.fetch(link.url, accept=PAGE_ACCEPT, max_bytes=PAGE_MAX_BYTES)
    if result.error is not None and not (result.truncated and result.body):
        return PageOutcome(link, error=result.error, gone=400 <= result.status < 500)
    ctype = (result.content_type or "").lower()
    if ctype and "html" not in ctype:
        return PageOutcome(link, error=f"not a web page ({ctype.split(';')[0]})", gone=True)
    markup, _ = decode_page(result.body, result.content_type)
    article = await asyncio.to_thread(extract_page_article, markup)
    if not article.text:
        return PageOutcome(link, error="no article text on the page", gone=True)
    return PageOutcome(link, article)


def to_raw(outcome: PageOutcome, source: SourceRow, now: datetime) -> RawArticle:
    from bot.sources.ingest import FUTURE_SLACK

    assert outcome.article is not None
    page = outcome.article
    published = page.published
    if published is not None and published > now + FUTURE_SLACK:
        published = None
    title = clean_line(page.title or outcome.link.title or "") or None
    return RawArticle(
        text=page.text,
        source=source.name,
        title=title,
        url=outcome.link.url,
        published=published,
        province_hint=source.province,
        all_relevant=source.topic == "all",
    )


async def run_page_source(
    ingester: Ingester, source: SourceRow, report: SourceReport, robots: RobotsCache
) -> None:
    services, db = ingester.services, ingester.services.db
    report.kind = "page"
    rules = await robots.get(source.url)
    if not rules.allows(source.url):
        report.outcome = "failed"
        report.error = rules.unreachable or "robots.txt does not allow fetching this page"
        await ingester._failed(source, report, None)
        return
    result = await ingester.fetcher.fetch(
        source.url, etag=source.etag, last_modified=source.last_modified, accept=PAGE_ACCEPT
    )
    if result.not_modified:
        report.outcome = "unchanged"
        await ingester.record_unchanged(source, result)
        return
    if result.error is not None:
        report.outcome, report.error = "failed", result.error
        await ingester._failed(source, report, result.retry_after)
        return
    links, problem = await asyncio.to_thread(links_from_listing, result)
    report.links = len(links)
    if problem is not None:
        report.outcome, report.error = "failed", problem
        await ingester._failed(source, report, None)
        return

    seen = await store.seen_entries(db, source.id, [link_key(link.url) for link in links])
    fresh = [link for link in links if link_key(link.url) not in seen]
    report.unchanged = len(links) - len(fresh)
    allowed = [link for link in fresh if rules.allows(link.url)]
    if len(allowed) < len(fresh):
        report.notes.append(f"{len(fresh) - len(allowed)} links disallowed by robots.txt")
    now_batch, later = allowed[:PAGES_PER_ROUND], allowed[PAGES_PER_ROUND:]
    report.deferred = len(later)
    outcomes = list(await asyncio.gather(*(fetch_article(ingester, link) for link in now_batch)))
    report.pages = len(outcomes)
    await _store_outcomes(ingester, source, report, outcomes)

    retry = sum(1 for o in outcomes if o.error and not o.gone)
    complete = not report.deferred and not retry
    now = services.clock()
    await store.record_success(
        db,
        source.id,
        now=now,
        next_due=ingester._next_due(source, now, 0, None),
        etag=result.etag if complete else None,
        last_modified=result.last_modified if complete else None,
        entries_added=report.new,
    )


async def _store_outcomes(
    ingester: Ingester, source: SourceRow, report: SourceReport, outcomes: Sequence[PageOutcome]
) -> None:
    from bot.sources.ingest import _process_all

    services = ingester.services
    read = [o for o in outcomes if o.article is not None]
    errors = Counter(short_error(o.error) for o in outcomes if o.error)
    report.failed = sum(errors.values())
    report.failures = [f"{n}× {why}" if n > 1 else why for why, n in errors.most_common()]
    started = services.clock()
    raws = [to_raw(o, source, started) for o in read]
    processed = await asyncio.to_thread(_process_all, raws, services)
    articles = [a for a in processed if isinstance(a, Article)]
    now = services.clock()
    saved = iter(await services.writer.save_many(articles, now) if articles else [])
    rows: list[tuple[str, int | None, str]] = []
    for outcome, done in zip(read, processed, strict=True):
        key = link_key(outcome.link.url)
        if isinstance(done, Exception):
            report.errors += 1
            rows.append((key, None, _hash(outcome.link.url)))
            continue
        res = next(saved)
        if res.status == "new":
            report.new += 1
        elif res.status == "updated":
            report.updated += 1
        else:
            report.duplicates += 1
        rows.append((key, res.id, _hash(outcome.link.url)))
    rows.extend((link_key(o.link.url), None, GONE) for o in outcomes if o.gone)
    await store.record_entries(services.db, source.id, rows, now)
