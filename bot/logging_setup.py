"""One log format for the whole process, with the bot token redacted from every line.

Call ``setup_logging(settings.log_level, settings.telegram.token)`` once at start. It puts a
single handler on the root logger whose formatter redacts, in the *finished* line (message,
arguments, exception traceback and stack all included):

- the configured token, wherever it appears;
- anything shaped like a bot token: ``bot<digits>:<secret>`` (Bot API URLs) and
  ``<digits>:<30+ token characters>``, also with the colon URL-encoded (``%3A``);
- the webhook secret wherever it is named (``'secret_token': '...'``, the
  ``X-Telegram-Bot-Api-Secret-Token`` header), and any string passed to :func:`add_secret`.

Redacting the final text rather than ``record.msg`` is what catches tokens that arrive
through ``%``-arguments, ``repr()`` of request objects or exception chains from httpx and
python-telegram-bot. The ``httpx`` and ``httpcore`` loggers are held at WARNING because
httpx logs every request URL, token included, at INFO. Uncaught exceptions (main thread and
other threads) are routed through logging so they are redacted too.

``redact(text)`` is the one redaction of the project: code that shows or stores text
elsewhere (an error report for an admin, a delivery error in the database) uses it too.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from types import TracebackType
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
REDACTED = "<redacted>"

# Libraries that log request URLs (and so the token) at INFO/DEBUG.
QUIET_LOGGERS = ("httpx", "httpcore")

_TOKEN_PATTERNS = (
    # Bot API paths: .../bot123456:AAH.../getMe (also in the file API: /file/bot123:.../)
    re.compile(r"bot\d+(?::|%3A)[A-Za-z0-9_-]+", re.IGNORECASE),
    # A bare token anywhere: 8-10 digit bot id, a colon, ~35 secret characters.
    re.compile(r"\b\d{3,}(?::|%3A)[A-Za-z0-9_-]{30,}", re.IGNORECASE),
)

# The webhook secret travels as a parameter or header; PTB logs setWebhook's parameters at
# DEBUG. Redact the value after any of these names, whatever the quoting.
_SECRET_FIELD = re.compile(
    r"""((?:secret_token|x-telegram-bot-api-secret-token)['"]?\s*[:=]\s*['"]?)[^'"\s,;}]+""",
    re.IGNORECASE,
)

_secrets: set[str] = set()
_lock = threading.Lock()


def add_secret(secret: str | None) -> None:
    """Redact this exact string from every log line from now on (e.g. a webhook secret)."""
    if secret and len(secret) >= 4:  # a tiny "secret" would shred ordinary text
        with _lock:
            _secrets.add(secret)


def redact(text: str) -> str:
    """``text`` with registered secrets and anything shaped like a bot token replaced."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(_keep_bot_prefix, text)
    return _SECRET_FIELD.sub(lambda m: m.group(1) + REDACTED, text)


def _keep_bot_prefix(match: re.Match[str]) -> str:
    # Keep "bot" so a redacted URL still reads as a Bot API call.
    return "bot" + REDACTED if match.group(0)[:3].lower() == "bot" else REDACTED


class RedactingFormatter(logging.Formatter):
    """The one format, in UTC, with :func:`redact` applied to the whole formatted record."""

    def __init__(self) -> None:
        super().__init__(FORMAT, DATE_FORMAT)
        self.converter = time.gmtime  # the "Z" in DATE_FORMAT means it

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _OurHandler(logging.StreamHandler[TextIO]):
    """Marks the handler this module installed, so a second setup replaces it."""


class _StderrHandler(_OurHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each record (as logging's own
    last-resort handler does), so replacing stderr later never leaves a dead stream."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def quiet_level(configured: str, floor: str = "WARNING") -> str:
    """The level for a command-line tool whose output is its own: ``floor`` and above
    (warnings and errors by default), unless DEBUG was asked for."""
    if configured == "DEBUG":
        return "DEBUG"
    order = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
    return configured if order.index(configured) > order.index(floor) else floor


def setup_logging(
    level: str = "INFO", token: str | None = None, stream: TextIO | None = None
) -> None:
    """Configure the root logger: one redacting handler on ``stream`` (stderr by default).

    Every command calls it (``bot.cli.startup``): ``run`` at the configured level, the
    others quieter; a second call replaces the first handler.
    """
    add_secret(token)
    handler = _OurHandler(stream) if stream is not None else _StderrHandler()
    handler.setFormatter(RedactingFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # APScheduler logs every job run at INFO; the job's own logs say what matters.
    logging.getLogger("apscheduler").setLevel(max(root.level, logging.WARNING))
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_thread


def _log_uncaught(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    logging.getLogger("danvan").critical("uncaught exception", exc_info=(kind, value, tb))


def _log_uncaught_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    logging.getLogger("danvan").error(
        "uncaught exception in thread %s",
        args.thread.name if args.thread else "?",
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )
