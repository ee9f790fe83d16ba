"""Inline mode: ``@bot từ khóa`` typed in any chat offers articles to share.

The same search as /tim (``bot.store.search.search``, the same ranking and exclusions);
an empty query offers the newest articles. Each result is what the shared message will
say: the title linked to the source, the date and provinces, the summary, and a link
that opens the bot with that article's summary (``/start a12``), since the chat it is
shared in may not have the bot. Pure apart from the two store reads; the Telegram front end
turns :class:`InlineAnswer` into ``answerInlineQuery``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.articles.model import StoredArticle
from bot.replies.basic import article_link
from bot.replies.model import Button
from bot.replies.render import esc, link, safe_url, truncate
from bot.replies.views import UNDATED, article_date, provinces_text, repeats_title
from bot.store import articles as store
from bot.store.search import search

if TYPE_CHECKING:
    from bot.services import Services

PAGE = 10  # results per answer (Telegram allows 50); scrolling asks for the next ones
MAX_OFFSET = 200  # deeper than anyone scrolls an inline list
MAX_QUERY = 256  # Telegram's own limit on an inline query
SHARED_SUMMARY_CHARS = 900
RESULT_TITLE_CHARS = 120
DESCRIPTION_CHARS = 180


@dataclass(frozen=True)
class InlineResult:
    id: str  # unique within an answer, at most 64 bytes
    title: str  # plain text
    description: str  # plain text: date, provinces, the start of the summary
    message_html: str  # what is sent when the result is chosen
    buttons: tuple[tuple[Button, ...], ...] = ()


@dataclass(frozen=True)
class InlineAnswer:
    results: tuple[InlineResult, ...]
    next_offset: str  # "" when there is nothing more
    cache_seconds: int = 60


def shared_message(article: StoredArticle, bot_username: str) -> str:
    """The message a chosen result posts, in Telegram HTML. A title that the summary only
    repeats is left out; the link to the source then follows the summary."""
    title = article.title or "(không có tiêu đề)"
    summary = article.summary.strip()
    meta = [article_date(article) or UNDATED, provinces_text(article.provinces)]
    head = f"🗓 {esc(' · '.join(m for m in meta if m))}"
    parts: list[str] = []
    if summary and repeats_title(title, summary):
        parts += [head, esc(truncate(summary, SHARED_SUMMARY_CHARS))]
        if safe_url(article.url):
            parts.append(link("Đọc bài gốc", article.url))
    else:
        parts.append(f"<b>{link(title, article.url)}</b>\n{head}")
        if summary:
            parts.append(esc(truncate(summary, SHARED_SUMMARY_CHARS)))
    deep = article_link(bot_username, article.id)
    if deep:
        parts.append(f"📰 {link('Xem tóm tắt trong bot Dân vận', deep)}")
    return "\n\n".join(parts)


def result_for(article: StoredArticle, bot_username: str) -> InlineResult:
    date_text = article_date(article) or UNDATED
    where = provinces_text(article.provinces)
    head = " · ".join(x for x in (date_text, where) if x)
    description = truncate(f"{head} — {article.summary}" if article.summary else head,
                           DESCRIPTION_CHARS)  # fmt: skip
    url = safe_url(article.url)
    buttons = ((Button("Đọc bài gốc", url=url),),) if url else ()
    return InlineResult(
        id=f"a{article.id}",
        title=truncate(article.title or "(không có tiêu đề)", RESULT_TITLE_CHARS),
        description=description,
        message_html=shared_message(article, bot_username),
        buttons=buttons,
    )


def parse_offset(offset: str) -> int:
    """Telegram echoes our ``next_offset``; anything else starts from the top."""
    if offset.isascii() and offset.isdigit() and len(offset) <= 4:
        return min(int(offset), MAX_OFFSET)
    return 0


async def inline_answer(
    query: str, offset: str, bot_username: str, services: Services
) -> InlineAnswer:
    start = parse_offset(offset)
    text = " ".join(query.split())[:MAX_QUERY]
    if text:
        page = await search(services.db, text, limit=PAGE, offset=start)
        found = [hit.article for hit in page.hits]
        more = start + len(found) < page.total or (page.total_is_lower_bound and len(found) == PAGE)
    else:
        found = await store.latest(services.db, limit=PAGE + 1, offset=start)
        more = len(found) > PAGE
        found = found[:PAGE]
    next_offset = str(start + len(found)) if more and start + len(found) < MAX_OFFSET else ""
    results = tuple(result_for(a, bot_username) for a in found)
    # The newest articles change as news arrives: a short cache for the empty query.
    return InlineAnswer(results, next_offset, cache_seconds=60 if text else 30)
