"""``digest [--week YYYY-Www] [--chat ID] [--send]``: preview or send a weekly digest.

Without ``--week`` the week is the last complete ISO week in Vietnam time (the one the
digest going out this week covers). ``--send`` delivers it to every active subscriber that
has not had it yet, through the same idempotent fan-out and the same send budget
(:class:`bot.telegram.scheduler.SendScheduler`) as the running bot, then exits. On
SIGTERM/SIGINT it finishes the messages in flight, records them and exits 0. When the
delivery log cannot be written (a full disk) it stops sending at once and exits 1: a part
whose sending cannot be recorded is not sent.

Run it while the bot is stopped, or for chats the bot's own tick will not serve: two
processes do not share one send budget, and Telegram counts them together.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

from bot.cli.startup import settings_for
from bot.config import ConfigError, Settings
from bot.digest.schedule import IsoWeek, digest_week_at, zone

if TYPE_CHECKING:  # imported where used: every command builds this parser, and
    # python-telegram-bot alone is a third of `danvan-bot fetch`'s start-up
    from telegram.ext import ExtBot

    from bot.digest.deliver import Report

EXIT_NOT_RECORDED = 1


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "digest",
        parents=[common],
        help="preview a weekly digest, or --send it to the subscribers that lack it",
    )
    p.add_argument(
        "--week",
        type=iso_week,
        help="ISO week, e.g. 2024-W17 (default: last complete week)",
    )
    p.add_argument("--chat", type=int, help="as this chat's subscription filters it")
    p.add_argument("--send", action="store_true", help="deliver to subscribers, then exit")
    p.add_argument("--html", action="store_true", help="print the HTML instead of plain text")
    p.set_defaults(func=run)


def iso_week(text: str) -> IsoWeek:
    """``--week`` for argparse: a bad week is a usage error (exit 2, with the usage line)."""
    try:
        return IsoWeek.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    if args.week:
        week: IsoWeek = args.week
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
    from bot.digest.job import digest_for
    from bot.replies._bootstrap import open_archive
    from bot.replies.render import strip_tags
    from bot.store import subscriptions

    services = await open_archive(settings)  # a first start fills an empty archive
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


def make_bot(settings: Settings) -> ExtBot[Any]:
    """A bot that sends through the same kind of budget as the running bot's."""
    from telegram.ext import ExtBot
    from telegram.request import HTTPXRequest

    from bot.telegram.scheduler import SendScheduler

    base = settings.telegram.api_base_url or "https://api.telegram.org/bot"
    return ExtBot(
        settings.telegram.token,
        base_url=base,
        request=HTTPXRequest(connection_pool_size=64, read_timeout=10, write_timeout=10),
        rate_limiter=SendScheduler(),
    )


async def _send(settings: Settings, week: IsoWeek, chat: int | None) -> int:
    from bot.digest.deliver import Limits
    from bot.digest.job import send_week
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
    print(_summary(week, report, stopped=stop.is_set() and not report.record_error))
    if report.record_error:
        print(
            f"danvan-bot: digest {week}: stopped sending because the delivery log could not be"
            f" written ({report.record_error}). No part went out before its sending was"
            " recorded; a part whose answer could not be recorded is sent at most once more."
            " Free disk space, then run `danvan-bot digest --send` again.",
            file=sys.stderr,
        )
        return EXIT_NOT_RECORDED
    return 0


def _summary(week: IsoWeek, r: Report, *, stopped: bool) -> str:
    from bot.digest.job import summary

    line = f"digest {week}: {summary(r)}"
    return line + (" — stopped by signal; run again to finish" if stopped else "")
