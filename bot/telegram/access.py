"""What every Telegram handler needs: the services, who administers a chat (cached), the
flood verdict taken when an update arrived, and the forum topic of a message."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from telegram import Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.telegram.flood import ALLOWED, FloodGate, Verdict

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 300.0
_ADMIN_STATUSES = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    services: Services = context.application.bot_data["services"]
    return services


async def is_admin_of(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> bool:
    """Asked of Telegram at most once per ADMIN_CACHE_SECONDS per (chat, user)."""
    cache: dict[tuple[int, int], tuple[float, bool]] = context.application.bot_data.setdefault(
        "admin_cache", {}
    )
    hit = cache.get((chat_id, user_id))
    if hit and time.monotonic() - hit[0] < ADMIN_CACHE_SECONDS:
        return hit[1]
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as exc:
        log.warning("could not check admin status in chat %s: %s", chat_id, exc)
        return False
    admin = member.status in _ADMIN_STATUSES
    cache[(chat_id, user_id)] = (time.monotonic(), admin)
    return admin


def verdict_of(context: ContextTypes.DEFAULT_TYPE, update: Update) -> Verdict:
    gate: FloodGate | None = context.application.bot_data.get("flood")
    return ALLOWED if gate is None else gate.verdict(update.update_id)


def topic_of(message: Message | None) -> int | None:
    """The forum topic a message is in; None outside forums and in the General topic
    (a reply there carries a thread id that sendMessage refuses)."""
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id
