"""PTB handlers: turn an Update into a ChatContext, ask the reply layer, send the Reply.

Everything a user can trigger goes through :mod:`bot.replies.dispatch`, which never raises
on user input; what can still fail here is Telegram itself, and that goes to the one error
handler in :mod:`bot.telegram.errors`.

Handlers of different chats run concurrently (:mod:`bot.telegram.updates`); the flood
verdict of each update was taken when it arrived (:func:`arrival_hook`) and is only read
here. Every message goes out through the process's send budget
(:mod:`bot.telegram.scheduler`) as a reply, ahead of any digest. A new kind of update
(inline queries, channel posts) gets a handler here, a line in :func:`classify` if it
should count against a flood bucket, and its update type in ``app.ALLOWED_UPDATES``.

Inline queries are answered in :mod:`bot.telegram.inline`. Channels are managed from an
admin's private chat (:mod:`bot.telegram.channels`): the bot never reads channel posts. In a
forum group, a reply goes to the topic the message came from (:func:`~bot.telegram.access.
topic_of`), and /dangky there remembers the topic for the digest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram import CallbackQuery, Chat, Message, ReplyParameters, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import ChatMigrated, TelegramError
from telegram.ext import ContextTypes

from bot.replies import dispatch
from bot.replies.model import ChatContext, Target
from bot.replies.registry import CALLBACKS
from bot.replies.subscribe_buttons import CHANNEL_ADMIN_ONLY
from bot.store.subscriptions import migrate_chat
from bot.telegram.access import is_admin_of, services_of, topic_of, verdict_of
from bot.telegram.channels import channel_target, offer_channel_digest, pressed_channel
from bot.telegram.chats import mark_inactive, record_chat
from bot.telegram.flood import (
    BUTTON_NOTICE,
    COMMAND_NOTICE,
    Decision,
    FloodGate,
    Kind,
)
from bot.telegram.send import answer_press, send_reply

log = logging.getLogger(__name__)

READ_ONLY_MODULES = frozenset({"bot.replies.basic", "bot.replies.browse", "bot.replies.find"})
# answerCallbackQuery takes at most 200 characters.
GROUP_ADMIN_ALERT = (
    "Trong nhóm, chỉ quản trị viên mới dùng được nút này (đổi cài đặt bản tin của nhóm). "
    "Muốn nhận bản tin cho riêng mình, bạn nhắn /dangky cho bot."
)


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
    return await is_admin_of(context, chat.id, user.id)


def _may_need_admin(handler: object) -> bool:
    """Reading commands never change a group's behaviour, so they skip the admin check:
    every call with a group's chat_id counts against that group's 20 requests a minute."""
    if handler is None:  # unknown button: answered with a "stale button" note
        return False
    return getattr(handler, "__module__", "") not in READ_ONLY_MODULES


def classify(update: object, bot_username: str) -> tuple[Kind, int] | None:
    """Which flood bucket an update counts against, and whose: a command or a private text
    (the sender's command bucket), a button press (the presser's button bucket). Group
    chatter and other bots' commands count nowhere: a user spamming a dice bot must not
    hear from us. Pure, so that it can run the moment an update arrives."""
    if not isinstance(update, Update):
        return None
    query = update.callback_query
    if query is not None:
        return Kind.BUTTON, query.from_user.id
    if update.inline_query is not None:  # typing "@bot từ khóa": cheap, like paging
        return Kind.BUTTON, update.inline_query.from_user.id
    message = update.message
    if message is None or message.text is None or message.chat.type == ChatType.CHANNEL:
        return None
    if message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        parsed = dispatch.parse_command(message.text, bot_username)
        if parsed is None or parsed.addressed_to_other_bot:
            return None
        if dispatch.find_command(parsed.name) is None and not parsed.addressed_to_us:
            return None
    who = update.effective_user
    return Kind.COMMAND, who.id if who is not None else message.chat.id


def arrival_hook(bot_data: dict[str, Any], bot: Any) -> Callable[[object], None]:
    """For :class:`~bot.telegram.updates.ChatOrderedProcessor`: count each update against
    its sender's flood bucket the moment it arrives (see :mod:`bot.telegram.flood`)."""

    def on_arrival(update: object) -> None:
        gate: FloodGate | None = bot_data.get("flood")
        if gate is None or not isinstance(update, Update):
            return
        kind = classify(update, bot.username or "")
        if kind is not None:
            gate.admit(update.update_id, *kind)

    return on_arrival


def make_context(
    context: ContextTypes.DEFAULT_TYPE,
    chat: Chat,
    user: User | None,
    *,
    reply_to_text: str | None = None,
    is_chat_admin: bool = True,
    thread_id: int | None = None,
    target: Target | None = None,
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
        thread_id=thread_id,
        target=target,
        inline_mode=bool(context.bot.supports_inline_queries),
    )


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    if classify(update, context.bot.username or "") is None:
        return  # group chatter or another bot's command: no database write, no API call
    chat = message.chat
    user = update.effective_user
    parsed = dispatch.parse_command(message.text, context.bot.username or "")
    cmd = dispatch.find_command(parsed.name) if parsed is not None else None
    is_group = chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
    verdict = verdict_of(context, update)
    if verdict.decision is Decision.NOTICE:
        await context.bot.send_message(
            chat.id,
            COMMAND_NOTICE.format(seconds=verdict.seconds),
            reply_parameters=(
                ReplyParameters(message.message_id, allow_sending_without_reply=True)
                if is_group
                else None
            ),
            message_thread_id=message.message_thread_id if message.is_topic_message else None,
        )
    if verdict.decision is not Decision.ALLOW:
        return  # inside the quiet window the notice announced: no work, no answer
    await _remember_chat(context, chat)
    reply_to = message.reply_to_message
    reply_to_text = (reply_to.text or reply_to.caption) if reply_to else None
    is_admin = True
    if is_group and cmd is not None and _may_need_admin(cmd.handler):
        is_admin = await _is_chat_admin(context, message, user)
    args = parsed.args if parsed is not None else ""
    target = await channel_target(context, chat, cmd, args, user)
    ctx = make_context(
        context, chat, user, reply_to_text=reply_to_text, is_chat_admin=is_admin,
        thread_id=topic_of(message), target=target,
    )  # fmt: skip
    reply = await dispatch.handle_text(message.text, ctx, services_of(context))
    if reply is None:
        return
    try:
        await send_reply(
            context.bot,
            chat.id,
            reply,
            reply_to=message.message_id if is_group else None,
            thread_id=topic_of(message),
        )
    except ChatMigrated as exc:
        # The group became a supergroup: move the chat (subscriptions follow), answer there.
        services = services_of(context)
        await migrate_chat(services.db, chat.id, exc.new_chat_id, services.clock())
        forget_chat(context.application.bot_data, chat.id)
        await send_reply(context.bot, exc.new_chat_id, reply)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press. Every press is answered with ``answerCallbackQuery`` (it stops the
    spinner); what concerns only the presser (too fast, not an admin) is said there, as a
    toast or an alert, never as a message everyone in a group would see."""
    query = update.callback_query
    if query is None:
        return
    verdict = verdict_of(context, update)
    if verdict.decision is not Decision.ALLOW:
        await _answer(query, BUTTON_NOTICE.format(seconds=verdict.seconds))
        return
    message = query.message
    chat = message.chat if message is not None else None
    if chat is None:
        await _answer(query)
        return
    is_admin = True
    if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP) and isinstance(message, Message):
        handler = CALLBACKS.get((query.data or "").partition(":")[0])
        if _may_need_admin(handler):
            is_admin = await is_admin_of(context, chat.id, query.from_user.id)
        if not is_admin:
            await _answer(query, GROUP_ADMIN_ALERT, alert=True)
            return
    refused, target = await pressed_channel(context, query)
    if refused:
        await _answer(query, CHANNEL_ADMIN_ONLY, alert=True)
        return
    await _answer(query)
    thread = topic_of(message) if isinstance(message, Message) else None
    ctx = make_context(
        context, chat, query.from_user, is_chat_admin=is_admin, thread_id=thread,
        target=target,
    )  # fmt: skip
    reply = await dispatch.handle_callback(query.data or "", ctx, services_of(context))
    await answer_press(context.bot, query, reply)


async def _answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a press; an old query can no longer be answered, and that is fine."""
    try:
        await query.answer(text, show_alert=alert)
    except TelegramError as exc:
        log.info("could not answer callback query: %s", exc)


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
        return
    forget_chat(context.application.bot_data, change.chat.id)
    await _remember_chat(context, change.chat)
    if change.chat.type == ChatType.CHANNEL and status == ChatMemberStatus.ADMINISTRATOR:
        await offer_channel_digest(context, update)
