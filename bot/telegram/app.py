"""Build and run the PTB Application: defaults, rate limiter, handlers, commands, jobs.

``run_bot(settings)`` is what ``danvan-bot run`` calls: long polling, or a webhook when
``[telegram] webhook_url`` is set. ``[telegram] api_base_url`` points it at a local Bot API
server or an emulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
import sys
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.jobs import register_jobs
from bot.replies._bootstrap import import_bundled_if_empty, start_rescore
from bot.replies.basic import BOT_DESCRIPTION, BOT_SHORT_DESCRIPTION
from bot.replies.dispatch import ordered_commands
from bot.services import Services
from bot.telegram.errors import on_error
from bot.telegram.flood import FloodGate
from bot.telegram.handlers import arrival_hook, on_callback, on_message, on_my_chat_member
from bot.telegram.inline import on_inline_query
from bot.telegram.scheduler import SendScheduler
from bot.telegram.updates import ChatOrderedProcessor

log = logging.getLogger(__name__)

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
BOOTSTRAP_RETRIES = 5
EXIT_NO_TOKEN = 2
EXIT_BAD_TOKEN = 2
EXIT_UNREACHABLE = 1
# Only what the handlers use: less traffic, and no surprises from new update kinds. No
# channel posts: channels are managed from an admin's private chat (bot/telegram/channels.py).
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.INLINE_QUERY,
]

NO_TOKEN_HELP = """\
danvan-bot: no Telegram bot token.
  1. In Telegram, open @BotFather, send /newbot and follow the steps; it answers with a token.
  2. export TELEGRAM_BOT_TOKEN='123456:ABC...'   (or set [telegram] token in config.toml)
  3. danvan-bot run
To try every command without Telegram, run: danvan-bot chat
(Chưa có token: tạo bot với @BotFather rồi đặt biến TELEGRAM_BOT_TOKEN; muốn thử ngay
không cần Telegram, hãy chạy: danvan-bot chat)"""


class _NoTracebackWhenGivingUp(logging.Filter):
    """PTB logs a full traceback when it gives up reaching the Bot API (unreachable, bad
    token); run_bot reports those in one line, so the traceback is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "Network Retry Loop" in message and ("Aborting" in message):
            record.exc_info = None
            record.exc_text = None
        return True


logging.getLogger("telegram.ext").addFilter(_NoTracebackWhenGivingUp())


def bot_commands(*, include_admin: bool = False) -> list[BotCommand]:
    """The command menu, in Vietnamese, from the registry."""
    return [
        BotCommand(cmd.name, cmd.description[:256])
        for cmd in ordered_commands(include_admin=include_admin)
        if cmd.menu
    ]


def api_urls(api_base_url: str) -> tuple[str, str | None]:
    """(base_url, base_file_url) for PTB, which appends the token directly:
    ``http://127.0.0.1:8081/bot`` + ``123:ABC``. A local Bot API server serves files
    under ``/file/bot``; for other layouts PTB's default file URL is kept (None)."""
    base = api_base_url.strip()
    if base.endswith("/bot/"):
        base = base[:-1]
    files = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else None
    return base, files


def build_application(settings: Settings) -> Application[Any, Any, Any, Any, Any, Any]:
    try:
        tz = ZoneInfo(settings.digest.timezone or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r; using %s", settings.digest.timezone, DEFAULT_TZ)
        tz = ZoneInfo(DEFAULT_TZ)
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        tzinfo=tz,
    )
    # Chats concurrently, each chat in order; one send budget for replies and the digest.
    processor = ChatOrderedProcessor()
    builder = (
        ApplicationBuilder()
        .token(settings.telegram.token)
        .defaults(defaults)
        .rate_limiter(SendScheduler())
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .concurrent_updates(processor)
    )
    if settings.telegram.api_base_url:
        base, files = api_urls(settings.telegram.api_base_url)
        builder = builder.base_url(base)
        if files:
            builder = builder.base_file_url(files)
    app = builder.build()
    app.bot_data["settings"] = settings
    app.bot_data["flood"] = FloodGate()
    processor.set_on_arrival(arrival_hook(app.bot_data, app.bot))
    app.add_handler(MessageHandler(filters.TEXT, on_message))
    app.add_handler(CallbackQueryHandler(on_callback))
    app.add_handler(InlineQueryHandler(on_inline_query))
    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(on_error)
    return app


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    settings: Settings = app.bot_data["settings"]
    services = await Services.open(settings)
    app.bot_data["services"] = services
    await import_bundled_if_empty(services)
    start_rescore(services)  # relevance of a new classifier version
    await _set_commands(app)
    await _set_descriptions(app)
    register_jobs(app, services)
    log.info("bot @%s ready", app.bot.username)


async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    services: Services | None = app.bot_data.pop("services", None)
    if services is not None:
        await services.close()


async def _set_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Vietnamese menu for everyone (the UI is Vietnamese) and for vi clients explicitly."""
    commands = bot_commands()
    try:
        await app.bot.set_my_commands(commands, scope=BotCommandScopeDefault())
        await app.bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code="vi")
        await app.bot.set_my_commands(commands, scope=BotCommandScopeAllGroupChats())
    except TelegramError as exc:
        log.warning("could not set the command menu: %s", exc)
    # Admins also see the admin commands in their private chat with the bot.
    settings: Settings = app.bot_data["settings"]
    with_admin = bot_commands(include_admin=True)
    for user_id in sorted(settings.admin_users):
        try:
            await app.bot.set_my_commands(with_admin, scope=BotCommandScopeChat(user_id))
        except TelegramError as exc:  # e.g. the admin has not started the bot yet
            log.info("could not set the admin menu for user %s: %s", user_id, exc)


async def _set_descriptions(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """What Telegram shows before /start and on the bot's profile, in Vietnamese, for
    everyone and for vi clients. Set only when different: these calls are rate-limited."""
    bot = app.bot
    for language in ("", "vi"):
        try:
            current = await bot.get_my_description(language_code=language or None)
            if current.description != BOT_DESCRIPTION:
                await bot.set_my_description(BOT_DESCRIPTION, language_code=language or None)
            short = await bot.get_my_short_description(language_code=language or None)
            if short.short_description != BOT_SHORT_DESCRIPTION:
                await bot.set_my_short_description(
                    BOT_SHORT_DESCRIPTION, language_code=language or None
                )
        except TelegramError as exc:
            log.warning("could not set the bot's description: %s", exc)
            return


def _webhook_path(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def run_bot(settings: Settings) -> int:
    """Run until stopped; the exit code says why it stopped."""
    if not settings.telegram.token.strip():
        print(NO_TOKEN_HELP, file=sys.stderr)
        return EXIT_NO_TOKEN
    app = build_application(settings)
    try:
        _run(app, settings)
    except InvalidToken:
        print(
            "danvan-bot: Telegram rejected the bot token. Check TELEGRAM_BOT_TOKEN "
            "(get a new one from @BotFather).",
            file=sys.stderr,
        )
        return EXIT_BAD_TOKEN
    except NetworkError as exc:
        print(f"danvan-bot: cannot reach the Telegram Bot API: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except RuntimeError as exc:
        if "webhooks" in str(exc).lower():
            print(f"danvan-bot: webhook mode unavailable: {exc}", file=sys.stderr)
            return EXIT_NO_TOKEN
        raise
    except SystemExit:
        # A stop signal that arrived while PTB was already shutting down (e.g. after a
        # Conflict) escapes its clean-up; ours below still runs, and we exit normally.
        log.info("stop signal during shutdown")
    finally:
        _close_leftovers(app)
    code = int(app.bot_data.get("exit_code", 0))
    if code:
        print(f"danvan-bot: stopped: {_exit_reason(code)}", file=sys.stderr)
    return code


def _run(app: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    tg = settings.telegram
    if tg.webhook_url:
        app.run_webhook(
            listen="0.0.0.0",
            port=tg.port,
            url_path=_webhook_path(tg.webhook_url),
            webhook_url=tg.webhook_url,
            secret_token=tg.webhook_secret or secrets.token_urlsafe(32),
            allowed_updates=ALLOWED_UPDATES,
            bootstrap_retries=BOOTSTRAP_RETRIES,
            close_loop=False,
        )
    else:
        app.run_polling(
            allowed_updates=ALLOWED_UPDATES,
            bootstrap_retries=BOOTSTRAP_RETRIES,
            close_loop=False,
        )


def _close_leftovers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Close the database if PTB's shutdown was cut short, then the loop.

    aiosqlite runs each connection on a non-daemon thread: a connection left open keeps
    the interpreter from exiting at all (the process then ignores SIGTERM).
    """
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGABRT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(sig)
    services: Services | None = app.bot_data.pop("services", None)
    try:
        if services is not None and not loop.is_closed():
            loop.run_until_complete(services.close())
    finally:
        if not loop.is_closed():
            loop.close()


def _exit_reason(code: int) -> str:
    from bot.telegram.errors import CONFLICT_MESSAGE, EXIT_CONFLICT

    return CONFLICT_MESSAGE if code == EXIT_CONFLICT else f"exit code {code}"
