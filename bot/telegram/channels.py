"""Channels: their digest is managed from an admin's private chat with the bot.

The bot never reads channel posts (a command posted there would answer to every
subscriber). Instead:

- ``/dangky @kenh [thứ] [giờ] [tỉnh]``, ``/caidat @kenh``, ``/huy @kenh`` in a private chat:
  :func:`check_channel` asks Telegram (getChat, getChatMember) whether the bot is an admin
  of the channel with the right to post, and whether the sender administers it; the reply
  layer gets the answer as ``ChatContext.target`` and words any problem;
- a settings button of a channel (``k:ID:...``) is checked again on every press
  (:func:`pressed_channel`; the admin answer is cached 5 minutes);
- when someone makes the bot an admin of a channel, Telegram says who
  (``my_chat_member``): :func:`offer_channel_digest` offers them the subscription, with a
  button, in their private chat with the bot.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Chat, ChatMemberAdministrator, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.replies import dispatch
from bot.replies.model import Target
from bot.replies.subscribe import CHANNEL_COMMANDS, target_ref
from bot.replies.subscribe_buttons import channel_added
from bot.telegram.access import is_admin_of
from bot.telegram.send import send_reply

log = logging.getLogger(__name__)


async def check_channel(context: ContextTypes.DEFAULT_TYPE, ref: str, user_id: int) -> Target:
    """Whether ``ref`` (@username or -100 id) is a channel the bot may post in and that
    ``user_id`` administers; the reply layer words any problem."""
    chat_ref: int | str = int(ref) if ref.lstrip("-").isdigit() else ref
    try:
        chat = await context.bot.get_chat(chat_ref)
    except TelegramError as exc:
        log.info("channel %s not found: %s", ref, exc)
        return Target(ref, problem="not_found")
    if chat.type != ChatType.CHANNEL:
        return Target(ref, chat.id, chat.title, "not_channel")
    try:
        me = await context.bot.get_chat_member(chat.id, context.bot.id)
    except TelegramError as exc:
        log.info("cannot see the bot's rights in channel %s: %s", chat.id, exc)
        return Target(ref, chat.id, chat.title, "bot_not_admin")
    if not (isinstance(me, ChatMemberAdministrator) and me.can_post_messages):
        return Target(ref, chat.id, chat.title, "bot_not_admin")
    if not await is_admin_of(context, chat.id, user_id):
        return Target(ref, chat.id, chat.title, "not_admin")
    return Target(ref, chat.id, chat.title)


async def channel_target(
    context: ContextTypes.DEFAULT_TYPE, chat: Chat, cmd: object, args: str, user: User | None
) -> Target | None:
    """The channel a private /dangky, /huy or /caidat names, checked; None if none."""
    if chat.type != ChatType.PRIVATE or user is None:
        return None
    if getattr(cmd, "name", None) not in CHANNEL_COMMANDS:
        return None
    ref, _ = target_ref(args)
    return None if ref is None else await check_channel(context, ref, user.id)


async def pressed_channel(
    context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery
) -> tuple[bool, Target | None]:
    """For a channel's settings button (``k:ID:...``): (refused, the channel), the channel
    once Telegram confirms that the presser administers it. Other buttons: (False, None)."""
    prefix, _, rest = (query.data or "").partition(":")
    if prefix != "k":
        return False, None
    raw_id = rest.partition(":")[0]
    if not raw_id.lstrip("-").isdigit() or len(raw_id) > 20:
        return False, None  # forged: the reply layer calls it stale
    chat_id = int(raw_id)
    if not await is_admin_of(context, chat_id, query.from_user.id):
        return True, None
    # (reference as people type it, title), asked once per channel and process.
    known: dict[int, tuple[str, str | None]] = context.application.bot_data.setdefault(
        "channel_names", {}
    )
    if chat_id not in known:
        try:
            chat = await context.bot.get_chat(chat_id)
            known[chat_id] = (f"@{chat.username}" if chat.username else raw_id, chat.title)
        except TelegramError:
            known[chat_id] = (raw_id, None)
    ref, title = known[chat_id]
    return False, Target(ref, chat_id, title)


def _can_post(member: object) -> bool:
    return isinstance(member, ChatMemberAdministrator) and bool(member.can_post_messages)


async def offer_channel_digest(context: ContextTypes.DEFAULT_TYPE, update: Update) -> None:
    """Someone made the bot an admin of a channel (or changed its rights): tell them, in
    their private chat, how the channel gets the digest. They may never have started the
    bot; then Telegram refuses, and that is fine."""
    change = update.my_chat_member
    assert change is not None
    old, new = change.old_chat_member, change.new_chat_member
    if old.status == ChatMemberStatus.ADMINISTRATOR and _can_post(old) == _can_post(new):
        return  # some other right changed
    channel = change.chat
    reply = channel_added(channel.id, channel.title or "", channel.username, _can_post(new))
    try:
        await send_reply(context.bot, change.from_user.id, dispatch.finalize(reply))
    except TelegramError as exc:
        log.info("could not tell user %s about channel %s: %s", change.from_user.id,
                 channel.id, exc)  # fmt: skip
