"""PTB handlers: turn an Update into a ChatContext, ask the reply layer, send the Reply.

Everything a user can trigger goes through :mod:`bot.replies.dispatch`, which never raises
on user input; what can still fail here is Telegram itself, and that goes to the one error
handler in :mod:`bot.telegram.errors`.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from telegram import Chat, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import ChatMigrated, TelegramError
from telegram.ext import ContextTypes

from bot.replies import dispatch
from bot.replies.model import ChatContext
from bot.replies.registry import CALLBACKS
from bot.store.subscriptions import migrate_chat
from bot.telegram.chats import mark_inactive, record_chat
from bot.telegram.send import answer_press, send_reply

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 300.0
READ_ONLY_MODULES = frozenset({"bot.replies.basic", "bot.replies.browse", "bot.replies.find"})
_ADMIN_STATUSES = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    services: Services = context.application.bot_data["services"]
    return services


async def _remember_chat(context: ContextTypes.DEFAULT_TYPE, chat: Chat) -> None:
    """Record a chat once per process (and again after it was marked inactive)."""
    seen: set[int] = context.application.bot_data.setdefault("seen_chats", set())
    if chat.id in seen:
        return
    services = services_of(context)
    title = chat.title or chat.full_name or chat.username
    await record_chat(services.db, chat.id, chat.type, title, services.clock())
    seen.add(chat.id)


def forget_chat(bot_data: dict[str, Any], chat_id: int) -> None:
    seen: set[int] = bot_data.setdefault("seen_chats", set())
    seen.discard(chat_id)


async def _is_chat_admin(
    context: ContextTypes.DEFAULT_TYPE, message: Message, user: User | None
) -> bool:
    """Whether the sender administers this group (anonymous admins post as the group)."""
    chat = message.chat
    if chat.type == ChatType.PRIVATE:
        return True
    if message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    if user is None:
        return False
    return await _is_admin_of(context, chat.id, user.id)


async def _is_admin_of(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> bool:
    """Asked of Telegram at most once per ADMIN_CACHE_SECONDS per (group, user)."""
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


def _may_need_admin(handler: object) -> bool:
    """Reading commands never change a group's behaviour, so they skip the admin check:
    every call with a group's chat_id counts against that group's 20 requests a minute."""
    if handler is None:  # unknown button: answered with a "stale button" note
        return False
    return getattr(handler, "__module__", "") not in READ_ONLY_MODULES


async def _flood_allows(context: ContextTypes.DEFAULT_TYPE, chat_id: int, key: int) -> bool:
    """Per-user rate limit (bot.telegram.flood): over the limit, one short notice, then
    silence until the user slows down; no database or search work is done for them."""
    guard = context.application.bot_data.get("flood")
    if guard is None:
        return True
    from bot.telegram.flood import FLOOD_NOTICE, Decision

    decision = guard.check(key)
    if decision is Decision.ALLOW:
        return True
    if decision is Decision.NOTICE:
        await context.bot.send_message(chat_id, FLOOD_NOTICE)
    return False


def make_context(
    context: ContextTypes.DEFAULT_TYPE,
    chat: Chat,
    user: User | None,
    *,
    reply_to_text: str | None = None,
    is_chat_admin: bool = True,
) -> ChatContext:
    services = services_of(context)
    user_id = user.id if user else None
    return ChatContext(
        chat_id=chat.id,
        chat_type=chat.type,
        user_id=user_id,
        user_name=user.first_name if user else None,
        chat_title=chat.title,
        is_bot_admin=user_id is not None and user_id in services.settings.admin_users,
        is_chat_admin=is_chat_admin,
        reply_to_text=reply_to_text,
        bot_username=context.bot.username or "",
    )


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    chat = message.chat
    user = update.effective_user
    if chat.type == ChatType.CHANNEL:
        return
    parsed = dispatch.parse_command(message.text, context.bot.username or "")
    cmd = dispatch.find_command(parsed.name) if parsed is not None else None
    is_group = chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
    if is_group and (
        parsed is None
        or parsed.addressed_to_other_bot
        or (cmd is None and not parsed.addressed_to_us)
    ):
        # Chatter, or another bot's command: no database write, no API call, and no
        # flood accounting (a user spamming a dice bot must not hear from us).
        return
    if not await _flood_allows(context, chat.id, user.id if user else chat.id):
        return
    await _remember_chat(context, chat)
    reply_to = message.reply_to_message
    reply_to_text = (reply_to.text or reply_to.caption) if reply_to else None
    is_admin = True
    if is_group and cmd is not None and _may_need_admin(cmd.handler):
        is_admin = await _is_chat_admin(context, message, user)
    ctx = make_context(context, chat, user, reply_to_text=reply_to_text, is_chat_admin=is_admin)
    reply = await dispatch.handle_text(message.text, ctx, services_of(context))
    if reply is None:
        return
    try:
        await send_reply(
            context.bot,
            chat.id,
            reply,
            reply_to=message.message_id if is_group else None,
            thread_id=message.message_thread_id if message.is_topic_message else None,
        )
    except ChatMigrated as exc:
        # The group became a supergroup: move the chat (subscriptions follow), answer there.
        services = services_of(context)
        await migrate_chat(services.db, chat.id, exc.new_chat_id, services.clock())
        forget_chat(context.application.bot_data, chat.id)
        await send_reply(context.bot, exc.new_chat_id, reply)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    # Stop the button's spinner first; an old query can no longer be answered, that's fine.
    try:
        await query.answer()
    except TelegramError as exc:
        log.info("could not answer callback query: %s", exc)
    message = query.message
    chat = message.chat if message is not None else None
    if chat is None:
        return
    if not await _flood_allows(context, chat.id, query.from_user.id):
        return
    is_admin = True
    if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP) and isinstance(message, Message):
        handler = CALLBACKS.get((query.data or "").partition(":")[0])
        if _may_need_admin(handler):
            is_admin = await _is_admin_of(context, chat.id, query.from_user.id)
    ctx = make_context(context, chat, query.from_user, is_chat_admin=is_admin)
    reply = await dispatch.handle_callback(query.data or "", ctx, services_of(context))
    await answer_press(context.bot, query, reply)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was blocked, kicked or re-added: keep ``chats.active`` true to that."""
    change = update.my_chat_member
    if change is None:
        return
    services = services_of(context)
    status = change.new_chat_member.status
    if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        await mark_inactive(services.db, change.chat.id, services.clock())
        forget_chat(context.application.bot_data, change.chat.id)
    else:
        forget_chat(context.application.bot_data, change.chat.id)
        await _remember_chat(context, change.chat)
