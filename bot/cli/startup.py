"""What every command does first, and how every failure ends: one line, a non-zero exit.

``settings_for(args)`` loads the settings and installs the one logging set-up (token
redacted from every line) at the command's level. ``failure_line`` turns whatever stopped a
command into the single line printed on stderr, naming what and where, and the exit code.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys

from bot import logging_setup
from bot.config import ConfigError, Settings, load_settings
from bot.store.db import DatabaseProblem, SchemaTooNewError, describe
from bot.store.tx import DatabaseBusyError

log = logging.getLogger("danvan")

EXIT_FAILURE = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # what a shell reports for a tool killed by SIGPIPE


def settings_for(
    args: argparse.Namespace, *, quiet: bool = True, floor: str = "WARNING"
) -> Settings:
    """The settings for this run, logging started (see :func:`start_logging`)."""
    settings = load(args)
    start_logging(settings, quiet=quiet, floor=floor)
    return settings


def load(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config)
    args.loaded_settings = settings  # so that failure_line can name the database
    return settings


def start_logging(settings: Settings, *, quiet: bool = True, floor: str = "WARNING") -> None:
    """The one logging set-up, token redacted, at the configured level; ``quiet``: only
    ``floor`` and above, for commands whose output is their own (DEBUG always shows)."""
    level = logging_setup.quiet_level(settings.log_level, floor) if quiet else settings.log_level
    logging_setup.setup_logging(level, settings.telegram.token or None)


def failure_line(exc: BaseException, args: argparse.Namespace | None) -> tuple[str, int]:
    """(one line for stderr, exit code) for an exception that ended a command."""
    settings: Settings | None = getattr(args, "loaded_settings", None)
    database = settings.database if settings is not None else None
    if isinstance(exc, ConfigError):
        return f"configuration error: {exc}", EXIT_CONFIG
    if isinstance(exc, SchemaTooNewError):
        return str(exc), EXIT_CONFIG
    if isinstance(exc, DatabaseProblem | DatabaseBusyError):  # their own one line
        return str(exc), EXIT_FAILURE
    if isinstance(exc, sqlite3.Error):
        return describe(exc, database), EXIT_FAILURE
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}", EXIT_FAILURE
    # A bug: the traceback goes to the log (shown with LOG_LEVEL=DEBUG), one line here.
    log.debug("unexpected error", exc_info=exc)
    return (
        f"unexpected error: {type(exc).__name__}: {exc} (LOG_LEVEL=DEBUG shows the traceback)",
        EXIT_FAILURE,
    )


def silence_stdout() -> None:
    """After a broken pipe (``danvan-bot search x | head -1``): send whatever is still
    buffered to /dev/null, so the interpreter's final flush raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
