"""One polling round: fetch each source, parse, fetch pages for teasers, run the article
core, store, and remember what was seen. The async shell around the pure pieces.

Every source is handled inside its own guard: one bad feed (or a bug it triggers) is reported
with the source's name and never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from bot.articles.model import Article, RawArticle
from bot.articles.pipeline import process
from bot.config import FetchSettings
from bot.services import Services
from bot.sources.feeds import FeedEntry, parse_feed
from bot.sources.http import PAGE_ACCEPT, Fetcher, FetchResult
from bot.sources.pagemeta import decode_page
from bot.sources.pages import extract_main_text
from bot.sources.pagesource import run_page_source
from bot.sources.robots import RobotsCache
from bot.sources.schedule import next_due
from bot.store import sources as store
from bot.store.db import describe
from bot.store.sources import SeenEntry, SourceRow
from bot.text.normalize import fold_words

log = logging.getLogger(__name__)

# Article pages fetched per source per round; the rest wait for the next round, so a first
# fetch of a 50-item feed does not hit one site 50 times at once.
PAGES_PER_ROUND = 20
# A page is only worth more than the teaser when it gives clearly more text.
PAGE_MIN_GAIN = 1.5

Outcome = Literal["ok", "unchanged", "failed"]


@dataclass
class SourceReport:
    """What one source did in one round: what the progress line and the logs say."""

    name: str
    url: str
    kind: str = "feed"  # feed | page
    outcome: Outcome = "ok"
    links: int = 0  # page sources: article links on the listing
    failed: int = 0  # page sources: article pages that could not be read
    failures: list[str] = field(default_factory=list)  # why, e.g. ["2× HTTP 404", "timeout"]
    entries: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    deferred: int = 0  # teasers whose page waits for the next round
    pages: int = 0  # article pages fetched
    errors: int = 0  # entries the core could not process
    error: str | None = None  # why the source failed
    notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    def line(self) -> str:
        """One progress line, e.g. ``nhandan: 3 new, 1 updated, 46 unchanged (1.2 s)``."""
        if self.outcome == "failed":
            return f"{self.name}: FAILED: {self.error}"
        if self.outcome == "unchanged":
            return f"{self.name}: unchanged (304 Not Modified)"
        if self.kind == "page":
            return self._page_line()
        parts = [f"{self.new} new", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicates")
        if self.deferred:
            parts.append(f"{self.deferred} deferred")
        if self.errors:
            parts.append(f"{self.errors} entry errors")
        return self._with_notes(f"{self.name}: " + ", ".join(parts))

    def _page_line(self) -> str:
        """e.g. ``Tỉnh ủy: 12 links, 3 new, 1 failed: timeout, 2 deferred (2.1 s)``."""
        parts = [f"{self.links} links", f"{self.new} new"]
        if self.failed:
            parts.append(f"{self.failed} failed: " + ", ".join(self.failures))
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicates")
        if self.deferred:
            parts.append(f"{self.deferred} deferred")
        if self.errors:
            parts.append(f"{self.errors} entry errors")
        return self._with_notes(f"{self.name}: " + ", ".join(parts))

    def _with_notes(self, text: str) -> str:
        text += f" ({self.elapsed:.1f} s)"
        if self.notes:
            text += "; " + "; ".join(self.notes)
        return text


@dataclass(frozen=True)
class _Work:
    entry: FeedEntry
    seen: SeenEntry | None


def article_text(teaser: str, page_text: str | None) -> str:
    """The page's text when it says clearly more, led by the teaser unless the page has it.

    A feed teaser is usually the article's lead ("Chiều 8/7, Ban Dân vận..."), which many
    sites print outside the container the extractor keeps; it carries the event date.
    """
    if not page_text or len(page_text) < PAGE_MIN_GAIN * len(teaser):
        return teaser
    if not teaser or fold_words(teaser) in fold_words(page_text):
        return page_text
    return f"{teaser}\n\n{page_text}"


# A publication date further ahead than this is a feed's mistake (zone, typo), not news
# from the future: dropped, so the article does not sit on top of /latest for years.
FUTURE_SLACK = timedelta(days=1)


def _raw(entry: FeedEntry, source: SourceRow, page_text: str | None, now: datetime) -> RawArticle:
    text = article_text(entry.text, page_text)
    published = entry.published
    if published is not None and published > now + FUTURE_SLACK:
        published = None
    return RawArticle(
        text=text or entry.title,
        source=source.name,
        title=entry.title or None,
        url=entry.link,
        published=published,
        guid=entry.guid,
        province_hint=source.province,
        all_relevant=source.topic == "all",
    )


def _process_all(raws: Sequence[RawArticle], services: Services) -> list[Article | Exception]:
    out: list[Article | Exception] = []
    for raw in raws:
        try:
            out.append(process(raw, services.gazetteer))
        except Exception as exc:  # a core bug on one entry must not lose the others
            log.exception("article core failed on %s (%s)", raw.url or raw.title, raw.source)
            out.append(exc)
    return out


async def _page_text(fetcher: Fetcher, url: str, max_bytes: int) -> str | None:
    result = await fetcher.fetch(url, accept=PAGE_ACCEPT, max_bytes=max_bytes)
    if result.error and not (result.truncated and result.body):
        log.info("page %s: %s", url, result.error)
        return None
    ctype = (result.content_type or "").lower()
    if ctype and "html" not in ctype:
        return None
    markup, _ = decode_page(result.body, result.content_type)
    return await asyncio.to_thread(extract_main_text, markup) or None


class Ingester:
    """Runs rounds for one Services; ``fetcher`` is shared by the sources of a round."""

    def __init__(
        self,
        services: Services,
        fetcher: Fetcher,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.services = services
        self.fetcher = fetcher
        self.settings: FetchSettings = services.settings.fetch
        self.rng = rng or random.Random()
        self.robots = RobotsCache(fetcher)

    def _next_due(
        self, source: SourceRow, now: datetime, failures: int, retry: float | None
    ) -> datetime:
        interval = source.interval_minutes or self.settings.interval_minutes
        jitter = self.rng.uniform(-1.0, 1.0)
        return next_due(now, interval, failures, jitter=jitter, retry_after=retry)

    async def run_source(self, source: SourceRow) -> SourceReport:
        """Fetch and ingest one source; never raises (except cancellation)."""
        report = SourceReport(source.name, source.url)
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            await self._run(source, report)
        except sqlite3.Error as exc:  # DatabaseBusyError included
            # The database, not the source, is in trouble (full, locked, damaged): say so,
            # once per source, without a traceback; recording it would need that database.
            report.outcome = "failed"
            report.error = "database: " + describe(exc, self.services.settings.database)
        except Exception as exc:
            log.exception("source %s failed unexpectedly", source.name)
            report.outcome, report.error = "failed", f"internal error: {type(exc).__name__}: {exc}"
            try:
                await self._failed(source, report, None)
            except Exception:  # the database itself is in trouble: still report, never raise
                log.exception("could not record the failure of source %s", source.name)
        report.elapsed = loop.time() - started
        if report.outcome == "failed":
            log.warning("source %s (%s): %s", source.name, source.url, report.error)
        else:
            log.info("%s", report.line())
        return report

    async def _failed(self, source: SourceRow, report: SourceReport, retry: float | None) -> None:
        now = self.services.clock()
        due = self._next_due(source, now, source.failures + 1, retry)
        await store.record_failure(
            self.services.db, source.id, now=now, next_due=due, error=report.error or "failed"
        )

    async def record_unchanged(self, source: SourceRow, result: FetchResult) -> None:
        """A 304: the source worked and nothing changed."""
        now = self.services.clock()
        await store.record_success(
            self.services.db,
            source.id,
            now=now,
            next_due=self._next_due(source, now, 0, None),
            etag=result.etag or source.etag,
            last_modified=result.last_modified or source.last_modified,
        )

    async def _run(self, source: SourceRow, report: SourceReport) -> None:
        if source.kind == "page":
            await run_page_source(self, source, report, self.robots)
            return
        db = self.services.db
        result = await self.fetcher.fetch(
            source.url, etag=source.etag, last_modified=source.last_modified
        )
        if result.not_modified:
            report.outcome = "unchanged"
            await self.record_unchanged(source, result)
            return
        if result.error is not None:
            report.outcome, report.error = "failed", result.error
            await self._failed(source, report, result.retry_after)
            return

        parsed = await asyncio.to_thread(parse_feed, result.body, result.content_type, result.url)
        if parsed.problem is not None:
            report.outcome, report.error = "failed", parsed.problem
            await self._failed(source, report, None)
            return
        report.notes.extend(parsed.notes)
        report.entries = len(parsed.entries)

        keys = [k for e in parsed.entries for k in e.keys]
        seen = await store.seen_entries(db, source.id, keys)
        todo: list[_Work] = []
        for entry in parsed.entries:
            before = seen.get(entry.key) or (seen.get(entry.alias) if entry.alias else None)
            if before is not None and before.content_hash == entry.content_hash:
                report.unchanged += 1
            else:
                todo.append(_Work(entry, before))

        pages, deferred = await self._fetch_pages(todo, report)
        ready = [w for w in todo if w.entry.key not in deferred]
        started = self.services.clock()
        raws = [_raw(w.entry, source, pages.get(w.entry.key), started) for w in ready]
        processed = await asyncio.to_thread(_process_all, raws, self.services)

        articles = [a for a in processed if isinstance(a, Article)]
        now = self.services.clock()
        saved = iter(await self.services.writer.save_many(articles, now) if articles else [])
        rows: list[tuple[str, int | None, str]] = []
        for work, outcome in zip(ready, processed, strict=True):
            if isinstance(outcome, Exception):
                report.errors += 1
                rows.extend((k, None, work.entry.content_hash) for k in work.entry.keys)
                continue
            res = next(saved)
            if res.status == "new":
                report.new += 1
            elif res.status == "updated" or work.seen is not None:
                report.updated += 1
            else:
                report.duplicates += 1
            rows.extend((k, res.id, work.entry.content_hash) for k in work.entry.keys)
        await store.record_entries(db, source.id, rows, now)
        # With entries left for the next round, forget the validators: a 304 then would
        # hide them until the feed changes.
        complete = not report.deferred
        await store.record_success(
            db,
            source.id,
            now=now,
            next_due=self._next_due(source, now, 0, None),
            etag=result.etag if complete else None,
            last_modified=result.last_modified if complete else None,
            entries_added=report.new,
        )

    async def _fetch_pages(
        self, todo: Sequence[_Work], report: SourceReport
    ) -> tuple[dict[str, str], set[str]]:
        """Page text for teaser entries (by entry key), and the keys deferred to next round."""
        if not self.settings.fetch_pages:
            return {}, set()
        wanted = [w.entry for w in todo if w.entry.is_teaser and w.entry.link]
        now_batch, later = wanted[:PAGES_PER_ROUND], wanted[PAGES_PER_ROUND:]
        report.deferred = len(later)
        cap = min(self.settings.max_bytes, 3 * 1024 * 1024)
        texts = await asyncio.gather(
            *(_page_text(self.fetcher, e.link or "", cap) for e in now_batch)
        )
        report.pages = len(now_batch)
        pages = {e.key: t for e, t in zip(now_batch, texts, strict=True) if t}
        return pages, {e.key for e in later}


async def run_round(
    services: Services,
    *,
    names: Sequence[str] | None = None,
    due_only: bool = True,
    fetcher: Fetcher | None = None,
    on_report: Callable[[SourceReport], None] | None = None,
) -> list[SourceReport]:
    """Fetch sources concurrently (bounded by the fetcher) and return one report each.

    ``names``: only these sources, due or not, enabled or not. Otherwise every enabled
    source, or only the due ones when ``due_only``.
    """
    db = services.db
    if names:
        rows = [s for s in await store.list_sources(db) if s.name in set(names)]
    elif due_only:
        rows = await store.due_sources(db, services.clock())
    else:
        rows = [s for s in await store.list_sources(db) if s.enabled]
    if not rows:
        return []
    own = fetcher is None
    fetcher = fetcher or Fetcher(services.settings.fetch)
    ingester = Ingester(services, fetcher)
    try:

        async def one(source: SourceRow) -> SourceReport:
            report = await ingester.run_source(source)
            if on_report is not None:
                on_report(report)
            return report

        return list(await asyncio.gather(*(one(s) for s in rows)))
    finally:
        if own:
            await fetcher.aclose()
