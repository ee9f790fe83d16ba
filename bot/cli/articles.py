"""``import``, ``extract`` and ``search``: the article archive from the command line."""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.articles.model import Extraction
from bot.articles.pipeline import process
from bot.articles.relevance import VERSION as RELEVANCE_VERSION
from bot.cli.startup import settings_for
from bot.config import TOPICS, Settings
from bot.replies._bootstrap import open_archive
from bot.sources.files import ArticleFileError, import_paths, read_article_file
from bot.store.db import open_sync
from bot.store.relevance import rescore
from bot.store.search import search
from bot.text.provinces import Gazetteer


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("import", parents=[common], help="import article files or folders")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument(
        "--topic",
        choices=TOPICS,
        default="all",
        help='"all" (default): the files are dân vận news, keep every one; "filter": show '
        "users only what the relevance classifier calls dân vận news",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "extract", parents=[common], help="print what is extracted from article files"
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON object per line (default)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser(
        "rescore",
        parents=[common],
        help="classify the stored articles again (relevance), without fetching",
    )
    p.add_argument(
        "--stale",
        action="store_true",
        help="only articles scored by another classifier version (what start-up does)",
    )
    p.set_defaults(func=cmd_rescore)

    p = sub.add_parser("search", parents=[common], help="search the archive like /tim")
    p.add_argument("query", nargs="+")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_search)


def cmd_import(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"danvan-bot: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    conn = open_sync(settings.database)
    try:
        report = import_paths(conn, args.paths, datetime.now(UTC), all_relevant=args.topic == "all")
    finally:
        conn.close()
    for path, reason in report.failed:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    print(
        f"imported {report.new} new, {report.updated} updated, "
        f"{report.duplicate} already in the archive, {len(report.failed)} skipped"
        f" -> {settings.database}"
    )
    return 1 if report.failed and not (report.new or report.updated or report.duplicate) else 0


def extraction_json(file_name: str, ex: Extraction) -> dict[str, Any]:
    """The ``extract --json`` contract of DESIGN.md."""
    return {
        "file": file_name,
        "title": ex.title,
        "published": ex.published.isoformat() if ex.published else None,
        "event_date": ex.event_date,
        "provinces": [{"name": p.name, "current": p.current} for p in ex.provinces],
        "level": ex.level,
        "meeting_kind": ex.meeting_kind,
        "chairs": list(ex.chairs),
        "relevance": ex.relevance.relevance if ex.relevance else None,
        "summary": ex.summary,
    }


def cmd_extract(args: argparse.Namespace) -> int:
    gazetteer = Gazetteer.load()
    failed = 0
    for path in args.files:
        try:
            raw = read_article_file(path)
        except ArticleFileError as exc:
            print(f"danvan-bot: {path}: {exc}", file=sys.stderr)
            failed += 1
            continue
        article = process(raw, gazetteer)
        line = extraction_json(path.name, article.extraction)
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return 1 if failed else 0


def cmd_rescore(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    conn = open_sync(settings.database)
    try:
        report = rescore(conn, stale_only=args.stale)
    finally:
        conn.close()
    print(
        f"rescored {report.scored} articles (classifier version {RELEVANCE_VERSION}):"
        f" {report.relabelled} changed label, {report.shown} now shown,"
        f" {report.hidden} now filtered out -> {settings.database}"
    )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    query = " ".join(args.query)
    return asyncio.run(_search(settings, query, args.limit, args.json))


async def _search(settings: Settings, query: str, limit: int, as_json: bool) -> int:
    services = await open_archive(settings)  # a first start, as `chat` and `run` do
    try:
        page = await search(services.db, query, limit=max(1, min(limit, 50)))
    finally:
        await services.close()
    if as_json:
        for hit in page.hits:
            a = hit.article
            print(
                json.dumps(
                    {
                        "id": a.id,
                        "title": a.title,
                        "url": a.url,
                        "source": a.source,
                        "published": a.published.isoformat() if a.published else None,
                        "event_date": a.event_date,
                        "provinces": [p.name for p in a.provinces],
                        "snippet": hit.snippet_html,
                    },
                    ensure_ascii=False,
                )
            )
        return 0
    if not page.hits:
        print(f"Không tìm thấy bài nào cho «{query}».")
        return 0
    more = "+" if page.total_is_lower_bound else ""
    print(f"{page.total}{more} kết quả cho «{query}»:")
    for hit in page.hits:
        a = hit.article
        print(f"#{a.id}  {a.title}  [{a.event_date or ''}] ({a.source})")
        print(f"      {_plain(hit.snippet_html)}")
    return 0


def _plain(snippet_html: str) -> str:
    return html.unescape(snippet_html.replace("<b>", "[").replace("</b>", "]"))
