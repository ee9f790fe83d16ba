"""Inline mode in Telegram: ``answerInlineQuery`` for ``@bot từ khóa`` typed in any chat.

The results come from the reply layer (:func:`bot.replies.inline.inline_answer`, the same
search as /tim). Inline mode must be switched on once for the bot, with @BotFather's
``/setinline``; ``getMe`` then says ``supports_inline_queries`` and /huongdan mentions it.
Typing counts against the presser's button bucket of the flood guard (a query per pause in
typing costs one search, like paging): over it, the answer is empty and not cached.
"""

from __future__ import annotations

import logging

from telegram import (
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.replies.inline import InlineAnswer, inline_answer
from bot.replies.model import Reply
from bot.telegram.access import services_of, verdict_of
from bot.telegram.flood import Decision
from bot.telegram.send import keyboard

log = logging.getLogger(__name__)


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``@bot từ khóa`` in any chat: articles to share, from the same search as /tim."""
    query = update.inline_query
    if query is None:
        return
    answer = InlineAnswer((), "", cache_seconds=0)
    if verdict_of(context, update).decision is Decision.ALLOW:
        try:
            answer = await inline_answer(
                query.query, query.offset, context.bot.username or "", services_of(context)
            )
        except Exception:  # one odd query never breaks the bot; an empty answer says "none"
            log.exception("inline query %r failed", query.query[:60])
    results = [
        InlineQueryResultArticle(
            id=r.id,
            title=r.title,
            description=r.description,
            input_message_content=InputTextMessageContent(
                r.message_html,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            ),
            reply_markup=keyboard(Reply(parts=("",), buttons=r.buttons)),
        )
        for r in answer.results
    ]
    try:
        # No more results: next_offset left out. PTB 22's ExtBot sends an empty string as
        # "[]", which Telegram would echo back as the next offset.
        await query.answer(
            results, cache_time=answer.cache_seconds, next_offset=answer.next_offset or None
        )
    except TelegramError as exc:  # the user typed on: this query is too old to answer
        log.info("could not answer inline query: %s", exc)
