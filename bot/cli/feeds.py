"""``fetch [--source NAME]`` and ``stats [--json]``: feeds and counts from the command line.

``fetch`` upserts the configured sources, then polls every enabled source once (due or not;
conditional GET keeps that cheap) and prints one line per source as it finishes. Exit codes:
0 when at least one source worked, or when no source is configured (nothing to do is not a
failure; a line on stderr says so); 1 when every source failed; 2 for an unknown
``--source`` or bad configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict
from typing import Any

from bot.cli.startup import settings_for
from bot.config import ConfigError, Settings
from bot.sources.ingest import SourceReport, run_round
from bot.store import sources as source_store
from bot.store.stats import Stats, collect, filtered_articles


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "fetch", parents=[common], help="poll the configured feeds once, with progress"
    )
    p.add_argument(
        "--source", action="append", metavar="NAME", help="only this source (repeatable)"
    )
    p.set_defaults(func=run_fetch)
    s = sub.add_parser(
        "stats", parents=[common], help="counts: articles, sources, subscribers, deliveries"
    )
    s.add_argument("--json", action="store_true", help="one JSON object")
    s.add_argument(
        "--filtered",
        metavar="SOURCE",
        help="list the titles the relevance classifier left out of this source, newest first",
    )
    s.add_argument("--limit", type=int, default=50, help="with --filtered: how many (50)")
    s.set_defaults(func=run_stats)


def run_fetch(args: argparse.Namespace) -> int:
    # The progress lines say what failed; logs only add a bug's traceback (or DEBUG detail).
    settings = settings_for(args, floor="ERROR")
    return asyncio.run(_fetch(settings, args.source or []))


async def _fetch(settings: Settings, names: list[str]) -> int:
    from bot.services import Services

    services = await Services.open(settings)
    try:
        await source_store.sync_config_sources(services.db, settings.sources)
        known = {s.name: s for s in await source_store.list_sources(services.db)}
        unknown = [n for n in names if n not in known]
        if unknown:
            listed = ", ".join(sorted(known)) or "none"
            raise ConfigError(f"--source {unknown[0]!r} is not a source (known: {listed})")
        if not names and not any(s.enabled for s in known.values()):
            print(
                "danvan-bot: no feed sources configured; add [[sources]] to the config",
                file=sys.stderr,
            )
            return 0

        def progress(report: SourceReport) -> None:
            print(report.line(), flush=True)

        reports = await run_round(services, names=names or None, due_only=False, on_report=progress)
    finally:
        await services.close()
    failed = sum(1 for r in reports if r.outcome == "failed")
    print(
        f"{len(reports)} sources: {sum(r.new for r in reports)} new, "
        f"{sum(r.updated for r in reports)} updated, {failed} failed",
        flush=True,
    )
    return 1 if reports and failed == len(reports) else 0


def run_stats(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    if args.filtered is not None:
        return asyncio.run(_filtered(settings, args.filtered, max(1, args.limit), args.json))
    stats = asyncio.run(_stats(settings))
    if args.json:
        print(json.dumps(stats.to_json(), ensure_ascii=False))
    else:
        print(format_stats(stats))
    return 0


async def _stats(settings: Settings) -> Stats:
    from bot.replies._bootstrap import open_archive

    services = await open_archive(settings)  # a first start fills an empty archive
    try:
        return await collect(services.db, services.clock())
    finally:
        await services.close()


async def _filtered(settings: Settings, source: str, limit: int, as_json: bool) -> int:
    from bot.replies._bootstrap import open_archive

    services = await open_archive(settings)
    try:
        found = await filtered_articles(services.db, source, limit=limit)
        known = {p.name for p in (await collect(services.db, services.clock())).per_source}
    finally:
        await services.close()
    if source not in known:
        listed = ", ".join(sorted(known)) or "none"
        print(
            f"danvan-bot: no articles from source {source!r} (sources: {listed})", file=sys.stderr
        )
        return 2
    if as_json:
        for a in found:
            print(json.dumps(asdict(a), ensure_ascii=False))
        return 0
    if not found:
        print(f"{source}: the classifier left nothing out")
        return 0
    print(f"{source}: {len(found)} articles the classifier calls not dân vận, newest first")
    for a in found:
        kept = "  (shown anyway: topic = all / imported file)" if a.kept else ""
        print(f"#{a.id}  {a.date}  {a.title}{kept}")
        print(f"      score {a.score:g}  {a.cues or '(no cue)'}  {a.url or ''}".rstrip())
    return 0


def format_stats(stats: Stats) -> str:
    """Plain text for the terminal."""
    src = stats.sources
    sub = stats.subscribers
    lines = [
        f"articles:    {stats.articles} ({stats.articles_last_7_days} added in the last 7 days)",
        f"relevance:   {stats.relevant} shown (dân vận news), {stats.filtered} filtered out",
        f"feed items:  {stats.feed_entries} seen",
        f"sources:     {src['ok']} ok, {src['failing']} failing, {src['disabled']} disabled,"
        f" {src['never_fetched']} never fetched",
        f"subscribers: {sub['active']} active, {sub['paused']} paused, {sub['inactive']} inactive",
    ]
    if stats.last_fetch_at:
        lines.append(f"last fetch:  {stats.last_fetch_at}")
    if stats.per_source:
        lines.append("per source (kept / filtered; stats --filtered NAME lists the filtered):")
        for p in stats.per_source:
            topic = f"  [topic = {p.topic}]" if p.topic else ""
            lines.append(f"  {p.name}: {p.kept} / {p.filtered}{topic}")
    for f in stats.failing_sources:
        lines.append(f"  failing: {f.name} ({f.failures}x): {f.last_error or '?'}")
    if stats.deliveries:
        lines.append("deliveries:")
        for w in stats.deliveries:
            lines.append(f"  {w.week}: {w.sent} sent, {w.failed} failed, {w.other} other")
    return "\n".join(lines)
