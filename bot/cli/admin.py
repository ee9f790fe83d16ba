"""``backup PATH`` and ``restore PATH``: keep the database safe.

``danvan-bot backup PATH [--force]`` writes a consistent copy while the bot keeps running
(PATH may be a folder). ``danvan-bot restore PATH`` checks the file and puts it in place of
the configured database; it refuses while the bot has the database open, and keeps the
replaced database as ``<name>.before-restore-<time>.db``. Exit codes: 0 done, 1 refused or
failed (one line on stderr saying why), 2 configuration error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.startup import settings_for
from bot.store.backup import BackupError, backup, restore


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "backup",
        parents=[common],
        help="write a consistent copy of the database (safe while the bot runs)",
    )
    p.add_argument("path", help="file to write, or a folder to put danvan-<time>.db in")
    p.add_argument("--force", action="store_true", help="replace PATH if it exists")
    p.set_defaults(func=run_backup)

    p = sub.add_parser(
        "restore",
        parents=[common],
        help="put a backup in place of the database (stop the bot first)",
    )
    p.add_argument("path", help="a file written by `danvan-bot backup`")
    p.set_defaults(func=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    try:
        info = backup(settings.database, Path(args.path), force=args.force)
    except BackupError as exc:
        print(f"danvan-bot: backup refused: {exc}", file=sys.stderr)
        return 1
    print(f"backup written: {info.describe()}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    try:
        info, saved = restore(Path(args.path), settings.database)
    except BackupError as exc:
        print(f"danvan-bot: restore refused: {exc}", file=sys.stderr)
        return 1
    if saved is not None:
        print(f"previous database kept as {saved}")
    print(f"restored: {info.describe()}")
    return 0
