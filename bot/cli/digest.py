"""``digest [--week YYYY-Www] [--chat ID] [--send]``: preview or send a weekly digest.

Without ``--week`` the week is the last complete ISO week in Vietnam time (the one the
digest going out this week covers). ``--send`` delivers it to every active subscriber that
has not had it yet, through the same idempotent fan-out as the scheduler, then exits; on
SIGTERM/SIGINT it finishes the message in flight, records it and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from typing import Any

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.cli.startup import settings_for
from bot.config import ConfigError, Settings
from bot.digest.deliver import Limits, Report
from bot.digest.job import digest_for, send_week
from bot.digest.schedule import IsoWeek, digest_week_at, zone
from bot.replies.render import strip_tags
from bot.store import subscriptions


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "digest",
        parents=[common],
        help="preview a weekly digest, or --send it to the subscribers that lack it",
    )
    p.add_argument("--week", help="ISO week, e.g. 2024-W17 (default: last complete week)")
    p.add_argument("--chat", type=int, help="as this chat's subscription filters it")
    p.add_argument("--send", action="store_true", help="deliver to subscribers, then exit")
    p.add_argument("--html", action="store_true", help="print the HTML instead of plain text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    if args.week:
        try:
            week = IsoWeek.parse(args.week)
        except ValueError as exc:
            raise ConfigError(f"--week: {exc}") from None
    else:
        from bot.services import utc_now

        week = digest_week_at(utc_now(), zone(settings.digest.timezone))
    if args.send:
        if not settings.telegram.token:
            raise ConfigError(
                "sending needs a bot token: set TELEGRAM_BOT_TOKEN or [telegram] token"
            )
        return asyncio.run(_send(settings, week, args.chat))
    return asyncio.run(_preview(settings, week, args.chat, as_html=args.html))


async def _preview(settings: Settings, week: IsoWeek, chat: int | None, *, as_html: bool) -> int:
    from bot.services import Services

    services = await Services.open(settings)
    try:
        provinces: tuple[str, ...] = ()
        if chat is not None:
            sub = await subscriptions.get(services.db, chat)
            if sub is None:
                print(f"danvan-bot: chat {chat} has no subscription", file=sys.stderr)
                return 1
            provinces = sub.provinces
        digest = await digest_for(services, week, provinces)
    finally:
        await services.close()
    for i, part in enumerate(digest.parts):
        if i:
            print("\n" + "-" * 40 + "\n")
        print(part if as_html else strip_tags(part))
    return 0


def make_bot(settings: Settings) -> Bot:
    base = settings.telegram.api_base_url or "https://api.telegram.org/bot"
    return Bot(
        settings.telegram.token,
        base_url=base,
        request=HTTPXRequest(connection_pool_size=16, read_timeout=10, write_timeout=10),
    )


async def _send(settings: Settings, week: IsoWeek, chat: int | None) -> int:
    from bot.services import Services

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    services = await Services.open(settings)
    try:
        async with make_bot(settings) as bot:
            report = await send_week(
                services, bot, week, chat_ids=None if chat is None else {chat}, stop=stop,
                limits=Limits.from_env(os.environ),
            )  # fmt: skip
    finally:
        await services.close()
    print(_summary(week, report, stopped=stop.is_set()))
    return 0


def _summary(week: IsoWeek, r: Report, *, stopped: bool) -> str:
    line = (
        f"digest {week}: {r.sent} delivered ({r.messages} messages), {r.already} already had it,"
        f" {r.failed} failed, {r.deactivated} deactivated, {r.migrated} migrated,"
        f" {r.unfinished} unfinished, {r.retry_after} rate-limit answers"
    )
    return line + (" — stopped by signal; run again to finish" if stopped else "")
