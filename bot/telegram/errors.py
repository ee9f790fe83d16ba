"""The one error handler: log it (the token never reaches a log line), tell the user
something short and kind, and keep the chats table true to what Telegram says.

A failed job is logged as that job's, at ERROR with its traceback; only errors without an
update or a job are polling trouble."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    NetworkError,
    TelegramError,
    TimedOut,
)
from telegram.ext import ContextTypes

from bot.replies.dispatch import APOLOGY
from bot.store.subscriptions import migrate_chat
from bot.telegram.chats import mark_inactive
from bot.telegram.handlers import forget_chat

log = logging.getLogger(__name__)

EXIT_CONFLICT = 3
CONFLICT_MESSAGE = (
    "Another process is already polling Telegram with this bot token (Telegram answered "
    "'Conflict'). Stopping this one instead of fighting over updates: stop the other "
    "instance (or its webhook) and start again."
)


def _delivery_unknown(error: BaseException | None) -> bool:
    """No answer came back from Telegram (as opposed to an error answer such as a 5xx)."""
    if isinstance(error, TimedOut):
        return True
    # PTB wraps transport failures as NetworkError("httpx.<Error>: ...").
    return (
        isinstance(error, NetworkError)
        and not isinstance(error, BadRequest)
        and str(error).startswith("httpx.")
    )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    app = context.application
    chat_id = None
    if isinstance(update, Update) and update.effective_chat is not None:
        chat_id = update.effective_chat.id

    if isinstance(error, Conflict):
        if not app.bot_data.get("exit_code"):
            log.critical(CONFLICT_MESSAGE)
        app.bot_data["exit_code"] = EXIT_CONFLICT
        if app.updater is not None:
            # PTB calls getUpdates once more on the way out to confirm offsets; that call
            # would end the other instance's poll with a Conflict too, and both would stop.
            # Leaving quietly keeps the other one running (it may see those updates again).
            setattr(app.updater, "_Updater__polling_cleanup_cb", None)  # noqa: B010
        app.stop_running()
        return

    if context.job is not None:
        # A scheduled job (feed poll, digest tick) failed: say which, with the traceback.
        # It is no polling trouble, and PTB retries nothing: the next run is the next tick.
        log.error("job %s failed", context.job.name or "?", exc_info=error)
        return

    services = app.bot_data.get("services")
    if isinstance(error, Forbidden):
        # Blocked by the user, or removed from the group: stop talking to that chat.
        if chat_id is not None and services is not None:
            await mark_inactive(services.db, chat_id, services.clock())
            forget_chat(app.bot_data, chat_id)
        log.info("chat %s refused our message (%s); marked inactive", chat_id, error)
        return
    if isinstance(error, ChatMigrated):
        if chat_id is not None and services is not None:
            await migrate_chat(services.db, chat_id, error.new_chat_id, services.clock())
            forget_chat(app.bot_data, chat_id)
            log.info("chat %s migrated to %s", chat_id, error.new_chat_id)
        return

    if _delivery_unknown(error):
        # Timed out, or the connection broke before an answer: the send may well have been
        # delivered, and an apology would take the same broken road. Log it and move on.
        log.warning("network trouble while answering chat %s: %s", chat_id, error)
        log.debug("network trouble, details", exc_info=error)
        return
    if update is None:
        # Polling trouble (network, Telegram 5xx): PTB retries on its own.
        log.warning("error while fetching updates: %s", error)
        return
    log.error("error while handling an update", exc_info=error)
    if chat_id is None or (isinstance(error, BadRequest) and "query is too old" in str(error)):
        return
    try:
        await context.bot.send_message(chat_id, APOLOGY)
    except TelegramError as exc:
        log.warning("could not send the apology to chat %s: %s", chat_id, exc)
