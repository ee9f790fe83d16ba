"""``run`` (the Telegram bot) and ``chat`` (the same bot in the terminal)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.cli.startup import load, settings_for, start_logging
from bot.config import Settings
from bot.store.db import open_sync


def cmd_run(args: argparse.Namespace) -> int:
    settings = load(args)
    at_terminal = sys.stdin.isatty() and sys.stdout.isatty()
    no_token = not settings.telegram.token.strip()
    # The bot logs at the configured level; the terminal chat it falls back to, quietly.
    start_logging(settings, quiet=no_token and at_terminal)
    if no_token and at_terminal:
        # Someone trying the bot at a terminal: show it working rather than only an error.
        from bot.telegram.app import NO_TOKEN_HELP

        print(NO_TOKEN_HELP, file=sys.stderr)
        print("\nOpening the terminal chat on the same archive (Ctrl-D to leave).\n")
        return _chat(settings, once=None, no_color=False)
    if settings.telegram.token.strip():
        # Refuse a damaged or unwritable database before talking to Telegram: a bot that
        # ran on it would fail every job quietly.
        open_sync(settings.database, check=True).close()
    from bot.telegram.app import run_bot

    return run_bot(settings)


def cmd_chat(args: argparse.Namespace) -> int:
    return _chat(settings_for(args), once=args.once, no_color=args.no_color)


def _chat(settings: Settings, *, once: str | None, no_color: bool) -> int:
    open_sync(settings.database, check=True).close()  # damaged: say so now, in one line
    from bot.terminal.chat import run_chat, stdin_lines

    out = sys.stdout
    if once is not None:
        lines: Any = [once]
        interactive = False
    else:
        interactive = sys.stdin.isatty()
        lines = None if interactive else stdin_lines()
    color = out.isatty() and not no_color
    return asyncio.run(
        run_chat(
            settings,
            lines,
            out,
            interactive=interactive,
            color=color,
            echo=once is None,
            digest=once is None,
        )
    )


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "run",
        parents=[common],
        help="run the Telegram bot (long polling; webhook when [telegram] webhook_url is set)",
    )
    p.set_defaults(func=cmd_run)
    c = sub.add_parser(
        "chat",
        parents=[common],
        help="talk to the bot in the terminal: the same replies, no token needed",
    )
    c.add_argument("--once", metavar="MESSAGE", help="answer one message and exit")
    c.add_argument("--no-color", action="store_true", help="plain text even on a terminal")
    c.set_defaults(func=cmd_chat)
