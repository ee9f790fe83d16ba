"""/tim: full-text search with "◀ Trước / Sau ▶" pages.

Button data carries only a saved-search id and a page (``s:12:3``): a Vietnamese query
takes 2-3 bytes a letter and would not fit Telegram's 64 bytes. The ``searches`` table maps
ids to queries, so a button still works after a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiosqlite

from bot.replies.model import Button, ChatContext, Reply
from bot.replies.registry import callback, command
from bot.replies.render import esc, strip_tags, truncate
from bot.replies.views import article_block
from bot.store.db import run
from bot.store.search import SearchPage, search
from bot.text.normalize import clean_nfc

if TYPE_CHECKING:
    from bot.services import Services

PAGE_SIZE = 5
MAX_QUERY_CHARS = 200
MAX_PAGE = 999

USAGE = (
    "<b>Tìm bài trong kho tin</b>\n"
    "Gõ <code>/tim từ khóa</code>, ví dụ <code>/tim dân vận khéo</code> hoặc "
    "<code>/tim dan van kheo</code> (không cần gõ dấu)."
)


def normalize_query(text: str) -> tuple[str, bool]:
    """The query as searched (NFC, single spaces, capped) and whether it was shortened."""
    query = " ".join(clean_nfc(text).split())
    if len(query) > MAX_QUERY_CHARS:
        return truncate(query, MAX_QUERY_CHARS).rstrip("…").strip(), True
    return query, False


def results_text(page: SearchPage, page_index: int, shortened: bool = False) -> str:
    shown = esc(truncate(page.query, 80))
    if not page.hits:
        if page_index > 0:
            return f"Không còn kết quả nào cho “{shown}” ở trang này."
        return (
            f"Không tìm thấy bài nào cho “{shown}”.\n"
            "Thử từ khóa ngắn hơn hoặc khác đi (có dấu hay không dấu đều được), "
            "hoặc gõ /huongdan để xem các lệnh."
        )
    total = f"{page.total}+" if page.total_is_lower_bound else str(page.total)
    first = page.offset + 1
    last = page.offset + len(page.hits)
    header = f"<b>Kết quả cho “{shown}”</b>\n{first}–{last} trong {total} bài"
    if shortened:
        header += f"\n<i>Từ khóa dài quá nên mình chỉ tìm {MAX_QUERY_CHARS} ký tự đầu.</i>"
    blocks = [header]
    for hit in page.hits:
        block = article_block(hit.article)
        if _adds_context(hit.snippet_html, hit.article.summary):
            block += f"\n🔎 {hit.snippet_html}"
        blocks.append(block)
    return "\n\n".join(blocks)


def _adds_context(snippet_html: str, summary: str) -> bool:
    """A snippet is worth a line only when it shows text the summary line does not."""
    plain = strip_tags(snippet_html).strip(" …")
    return bool(plain) and plain[:40] not in summary


def page_buttons(search_id: int, page: SearchPage, page_index: int) -> tuple[Button, ...]:
    row: list[Button] = []
    if page_index > 0:
        row.append(Button("◀ Trước", f"s:{search_id}:{page_index - 1}"))
    more = page.offset + len(page.hits) < page.total or (
        page.total_is_lower_bound and len(page.hits) == PAGE_SIZE
    )
    if page.hits and more and page_index < MAX_PAGE:
        row.append(Button("Sau ▶", f"s:{search_id}:{page_index + 1}"))
    return tuple(row)


async def save_search(db: aiosqlite.Connection, query: str, now_iso: str) -> int:
    await run(
        db, "INSERT OR IGNORE INTO searches(query, created_at) VALUES (?, ?)", (query, now_iso)
    )
    async with db.execute("SELECT id FROM searches WHERE query = ?", (query,)) as cur:
        row = await cur.fetchone()
    if row is None:  # pragma: no cover - the insert above guarantees a row
        raise RuntimeError("saved search vanished")
    return int(row[0])


async def saved_query(db: aiosqlite.Connection, search_id: int) -> str | None:
    async with db.execute("SELECT query FROM searches WHERE id = ?", (search_id,)) as cur:
        row = await cur.fetchone()
    return str(row[0]) if row else None


async def _page(services: Services, search_id: int, query: str, page_index: int,
                shortened: bool) -> Reply:  # fmt: skip
    result = await search(services.db, query, limit=PAGE_SIZE, offset=page_index * PAGE_SIZE)
    buttons = page_buttons(search_id, result, page_index)
    return Reply.text(
        results_text(result, page_index, shortened), buttons=(buttons,) if buttons else ()
    )


@command("tim", "search", description="Tìm bài theo từ khóa, ví dụ /tim dân vận khéo")
async def find(args: str, ctx: ChatContext, services: Services) -> Reply:
    query, shortened = normalize_query(args)
    if not query:
        return Reply.text(USAGE)
    now_iso = services.clock().isoformat(timespec="seconds")
    search_id = await save_search(services.db, query, now_iso)
    return await _page(services, search_id, query, 0, shortened)


@callback("s")
async def find_page(data: str, ctx: ChatContext, services: Services) -> Reply:
    a, sep, b = data.partition(":")
    valid = sep and a.isascii() and a.isdigit() and b.isascii() and b.isdigit()
    if not valid or len(a) > 12 or len(b) > 4 or int(b) > MAX_PAGE:
        return Reply.text(_stale_text())
    query = await saved_query(services.db, int(a))
    if query is None:
        return Reply.text(_stale_text())
    reply = await _page(services, int(a), query, int(b), False)
    return Reply(parts=reply.parts, buttons=reply.buttons, edit=True)


def _stale_text() -> str:
    return "Kết quả tìm kiếm này đã cũ. Bạn hãy gõ lại <code>/tim từ khóa</code>."
