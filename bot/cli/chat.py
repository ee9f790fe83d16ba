"""``run`` (the Telegram bot) and ``chat`` (the same bot in the terminal)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from bot.config import Settings, load_settings
from bot.replies._bootstrap import optional_module


def setup_logging(settings: Settings, *, quiet: bool = False) -> None:
    """The project's logging set-up (token redacted in every line) when it exists; else a
    minimal one that still keeps httpx, which logs URLs containing the token, at WARNING."""
    level = "WARNING" if quiet else settings.log_level
    module = optional_module("bot.logging_setup")
    setup = getattr(module, "setup_logging", None)
    if callable(setup):
        setup(level, settings.telegram.token or None)
    else:
        logging.basicConfig(
            level=getattr(logging, level, logging.INFO),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    if not settings.telegram.token.strip() and sys.stdin.isatty() and sys.stdout.isatty():
        # Someone trying the bot at a terminal: show it working rather than only an error.
        from bot.telegram.app import NO_TOKEN_HELP

        print(NO_TOKEN_HELP, file=sys.stderr)
        print("\nOpening the terminal chat on the same archive (Ctrl-D to leave).\n")
        return _chat(settings, once=None, no_color=False)
    setup_logging(settings)
    from bot.telegram.app import run_bot

    return run_bot(settings)


def cmd_chat(args: argparse.Namespace) -> int:
    return _chat(load_settings(args.config), once=args.once, no_color=args.no_color)


def _chat(settings: Settings, *, once: str | None, no_color: bool) -> int:
    setup_logging(settings, quiet=True)
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
