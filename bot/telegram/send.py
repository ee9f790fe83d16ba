"""Reply -> Telegram calls: send each part, buttons on the last, or edit a pressed message."""

from __future__ import annotations

from dataclasses import replace

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.error import BadRequest

from bot.replies.model import Reply


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.text, url=b.url)
                if b.url
                else InlineKeyboardButton(b.text, callback_data=b.data)
                for b in row
            ]
            for row in reply.buttons
        ]
    )


def _preview(reply: Reply) -> LinkPreviewOptions:
    return LinkPreviewOptions(is_disabled=not reply.link_preview)


async def send_reply(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    *,
    reply_to: int | None = None,
    thread_id: int | None = None,
) -> list[Message]:
    """Send every part in order; the keyboard goes on the last one."""
    sent: list[Message] = []
    last = len(reply.parts) - 1
    for i, part in enumerate(reply.parts):
        sent.append(
            await bot.send_message(
                chat_id,
                part,
                reply_markup=keyboard(reply) if i == last else None,
                link_preview_options=_preview(reply),
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to is not None and i == 0
                    else None
                ),
                message_thread_id=thread_id,
            )
        )
    return sent


async def answer_press(bot: Bot, query: CallbackQuery, reply: Reply) -> None:
    """Edit the message the button was on (paging), or send a new message (in the same
    forum topic)."""
    message = query.message
    thread = (
        message.message_thread_id
        if isinstance(message, Message) and message.is_topic_message
        else None
    )
    if reply.edit and isinstance(message, Message):
        try:
            await message.edit_text(
                reply.parts[0],
                reply_markup=keyboard(reply) if len(reply.parts) == 1 else None,
                link_preview_options=_preview(reply),
            )
        except BadRequest as exc:
            # Pressing the same page twice: Telegram refuses a no-op edit; nothing to do.
            if "not modified" in str(exc).lower():
                return
            # Too old to edit, or deleted: answer with a new message instead.
            await send_reply(bot, message.chat_id, replace(reply, edit=False), thread_id=thread)
            return
        if len(reply.parts) > 1:
            rest = Reply(parts=reply.parts[1:], buttons=reply.buttons)
            await send_reply(bot, message.chat_id, rest, thread_id=thread)
        return
    chat_id = message.chat.id if message is not None else query.from_user.id
    await send_reply(bot, chat_id, reply, thread_id=thread)
