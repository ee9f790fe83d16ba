"""Command line: ``danvan-bot COMMAND`` (also ``python -m bot``).

Parses arguments, calls one function, and maps errors to exit codes: 0 ok, 1 failure,
2 bad usage or configuration (one clear line, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import COMMAND_MODULES
from bot.config import ConfigError
from bot.store.db import SchemaTooNewError


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        default=argparse.SUPPRESS,
        help="TOML settings file (default: $DANVAN_CONFIG, then ./config.toml)",
    )
    parser = argparse.ArgumentParser(
        prog="danvan-bot",
        description="Archive of Vietnamese dân vận news, served in Telegram chats.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if not hasattr(args, "config"):
        args.config = None
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"danvan-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    except SchemaTooNewError as exc:
        print(f"danvan-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
