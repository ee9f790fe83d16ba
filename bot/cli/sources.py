"""``sources discover URL`` and ``sources suggest [tỉnh]``: finding sources from the terminal.

``discover`` prints the feeds a site advertises (checked by fetching them), the common feed
paths that answer, the sitemaps in robots.txt, and whether a page source would do; it
exits 1 when the page itself could not be fetched. ``suggest`` prints the catalogue in
``content/sources.toml`` for a province (national sources always), with when and how each
entry was last seen working.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.startup import settings_for
from bot.config import ConfigError
from bot.sources.catalogue import (
    CATEGORIES,
    CatalogueError,
    known_province,
    parse_catalogue,
    read_catalogue_text,
    suggest,
)
from bot.sources.discovery import Discovery, discover
from bot.sources.http import Fetcher


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("sources", parents=[common], help="find sources: discover, suggest")
    inner = p.add_subparsers(dest="sources_command", metavar="SUBCOMMAND", required=True)
    d = inner.add_parser(
        "discover", parents=[common], help="the feeds a site advertises; would a page source do"
    )
    d.add_argument("url", help="a site's home page or a section page")
    d.set_defaults(func=run_discover)
    s = inner.add_parser("suggest", parents=[common], help="known public sources by province")
    s.add_argument("province", nargs="*", help="province name (with or without diacritics)")
    s.set_defaults(func=run_suggest)


def run_discover(args: argparse.Namespace) -> int:
    settings = settings_for(args)

    async def go() -> Discovery:
        async with Fetcher(settings.fetch) as fetcher:
            return await discover(fetcher, args.url)

    report = asyncio.run(go())
    print(format_discovery(report))
    return 1 if report.error else 0


def format_discovery(r: Discovery) -> str:
    if r.error:
        return f"{r.url}: cannot fetch: {r.error}"
    if r.is_feed:
        feed = r.feeds[0]
        return f'{r.url} is a feed ({feed.entries} entries): add it with kind = "feed"'
    lines = [f"{r.url}"]
    if r.feeds:
        lines.append("feeds:")
        for f in r.feeds:
            title = f" ({f.title})" if f.title else ""
            lines.append(f"  {f.url}{title} - {f.entries} entries, {f.how}")
    else:
        lines.append("feeds: none found")
    for f in r.broken:
        lines.append(f"  not working: {f.url} ({f.how}): {f.problem}")
    for sm in r.sitemaps:
        lines.append(f"sitemap (robots.txt): {sm}")
    verdict = "yes" if r.page_source_would_do else "no"
    lines.append(
        f"page source: {verdict} - {r.article_links} article links on this page"
        + ('; add it with kind = "page"' if r.page_source_would_do else "")
    )
    return "\n".join(lines)


def run_suggest(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    try:
        entries = parse_catalogue(read_catalogue_text(settings.content_dir))
    except (OSError, CatalogueError) as exc:
        raise ConfigError(f"source catalogue: {exc}") from None
    province = " ".join(args.province).strip() or None
    if province and not known_province(entries, province):
        print(f"no provincial source known for {province!r}; national sources:")
    for category, label in CATEGORIES.items():
        chosen = [e for e in suggest(entries, province) if e.category == category]
        if not chosen:
            continue
        print(f"{label} ({category})")
        for e in chosen:
            where = f" [{e.province}{' - ' + e.former if e.former else ''}]" if e.province else ""
            print(f"  {e.name}{where}: {e.kind} {e.url}")
            print(f"    last seen working: {e.checked or 'never from here'} - {e.how}")
    print("Sites move: check an entry with `danvan-bot sources discover URL` before adding it.")
    return 0
