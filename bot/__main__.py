"""Command line: ``danvan-bot COMMAND`` (also ``python -m bot``).

Parses arguments, calls one function, and maps errors to exit codes: 0 ok, 1 failure,
2 bad usage or configuration, 130 interrupted, 141 output closed early (``| head``).
Every failure is one line on stderr that says what and where; no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bot import __version__, logging_setup
from bot.cli import COMMAND_MODULES
from bot.cli.startup import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    failure_line,
    silence_stdout,
)

# Files this process creates (database, its -wal/-shm, backups) are for its user alone;
# the store also sets their modes explicitly.
PRIVATE_UMASK = 0o077


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
    parser.add_argument("--version", action="version", version=f"danvan-bot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.umask(PRIVATE_UMASK)
    # Redaction from the first line on; each command then sets its own level and token.
    debug = os.environ.get("LOG_LEVEL", "").strip().upper() == "DEBUG"
    logging_setup.setup_logging("DEBUG" if debug else "WARNING")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if not hasattr(args, "config"):
        args.config = None
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # here, where a closed pipe is handled, not at interpreter exit
        return code
    except BrokenPipeError:
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        line, code = failure_line(exc, args)
        print(f"danvan-bot: {line}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
