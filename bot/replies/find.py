"""/tim: full-text search with "◀ Trước / Sau ▶" pages, and words that explain the results.

Button data carries only a saved-search id and a page (``s:12:3``): a Vietnamese query
takes 2-3 bytes a letter and would not fit Telegram's 64 bytes. The ``searches`` table maps
ids to queries, so a button still works after a restart. A /tim is one write (saving the
query) and one read call on the database (bot/store/search.py); a page button one read.

The reply says what the order is (newest first, the spelling typed and whole phrases
before the rest), when a match is only approximate ("đang" typed, "Đảng" found), what was
excluded, and, when nothing is found, why and what to try.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiosqlite

from bot.replies.model import Button, ChatContext, Reply
from bot.replies.registry import callback, command
from bot.replies.render import esc, strip_tags, truncate
from bot.replies.views import article_block
from bot.store.db import run
from bot.store.search import SearchHit, SearchPage, search, search_saved
from bot.text.normalize import clean_nfc, fold, tone_variants
from bot.text.numbers import format_number

if TYPE_CHECKING:
    from bot.services import Services

PAGE_SIZE = 5
MAX_QUERY_CHARS = 200
MAX_PAGE = 999

USAGE = (
    "<b>Tìm bài trong kho tin</b>\n"
    "Gõ <code>/tim từ khóa</code>, ví dụ <code>/tim dân vận khéo</code> hoặc "
    "<code>/tim dan van kheo</code> (không cần gõ dấu). Thêm <code>-từ</code> để bỏ các bài "
    "có từ đó, ví dụ <code>/tim dân vận -khéo</code>."
)

# Words found in nearly every Vietnamese news text: alone they narrow nothing down.
COMMON_WORDS = frozenset(
    "và của là các những có được cho với trong này đã sẽ thì mà ở tại theo để từ một không "
    "về khi đến cũng như nhưng hay hoặc nên vì do bị rất lại ra vào trên dưới sau trước "
    "nhiều cùng đó thế đang còn chỉ mới cả ai gì nào".split()
)


def normalize_query(text: str) -> tuple[str, bool]:
    """The query as searched (NFC, single spaces, capped) and whether it was shortened."""
    query = " ".join(clean_nfc(text).split())
    if len(query) > MAX_QUERY_CHARS:
        return truncate(query, MAX_QUERY_CHARS).rstrip("…").strip(), True
    return query, False


def _q(word: str) -> str:
    return f"«{esc(word)}»"


def _list(words: list[str] | tuple[str, ...]) -> str:
    return ", ".join(_q(w) for w in words)


def results_text(page: SearchPage, page_index: int, shortened: bool = False) -> str:
    shown = esc(truncate(page.query, 80))
    if not page.hits:
        if page_index > 0 and page.problem is None:
            if page.total_is_lower_bound:
                return (
                    f"Mình chỉ xếp {format_number(page.total)} bài mới nhất có “{shown}”. "
                    "Hãy thêm từ để thu hẹp, ví dụ tên tỉnh."
                )
            return f"Không còn kết quả nào cho “{shown}” ở trang này."
        return "\n".join([f"Không tìm thấy bài nào cho “{shown}”.", *advice(page)])
    total = format_number(page.total)
    if page.total_is_lower_bound:
        total += "+"
    elif page.total_is_estimate:  # not every candidate was checked for every word
        total = f"khoảng {total}"
    first = page.offset + 1
    last = page.offset + len(page.hits)
    header = f"<b>Kết quả cho “{shown}”</b>\n{first}–{last} trong {total} bài, mới nhất trước"
    if shortened:
        header += f"\n<i>Từ khóa dài quá nên mình chỉ tìm {MAX_QUERY_CHARS} ký tự đầu.</i>"
    notes = [f"<i>{n}</i>" for n in notes_for(page)]
    blocks = ["\n".join([header, *notes])]
    tier: tuple[bool, bool] = (True, True)
    for hit in page.hits:
        hit_tier = (hit.spelled, hit.together)
        divider = _divider(page, hit) if hit_tier != tier else None
        tier = hit_tier
        block = article_block(hit.article)
        if _adds_context(hit.snippet_html, hit.article.summary):
            block += f"\n🔎 {hit.snippet_html}"
        blocks.append(f"<i>{divider}</i>\n{block}" if divider else block)
    return "\n\n".join(blocks)


def _other_spellings(page: SearchPage, hits: list[SearchHit]) -> list[str]:
    """How the shown articles spell the words typed with diacritics, when differently: one
    form per word, capitalised when an article writes it so ("Đảng" over "đảng")."""
    parsed = page.parsed
    if parsed is None:
        return []
    marked = {fold(w): {v.lower() for v in tone_variants(w)} for w in parsed.marked}
    seen: dict[str, str] = {}
    for hit in hits:
        for form in hit.forms:
            typed = marked.get(fold(form))
            if typed is None or form.lower() in typed:
                continue
            known = seen.get(form.lower())
            if known is None or (known.islower() and not form.islower()):
                seen[form.lower()] = form
    return list(seen.values())[:4]


def notes_for(page: SearchPage) -> list[str]:
    """Lines under the header that say how this page was found (escaped HTML)."""
    notes: list[str] = []
    parsed = page.parsed
    if parsed is None:
        return notes
    if parsed.excluded:
        notes.append(f"Đã bỏ các bài có {_excluded(page)}.")
    if page.spelled_total == 0 and parsed.marked:
        others = _other_spellings(page, page.hits)
        found = "đây là các bài có " + (_list(others) if others else "chữ gần giống")
        unknown = [w for w in parsed.marked if w in page.never_spelled]
        if unknown or not page.total_is_lower_bound:
            words = _list(unknown or parsed.marked)
            notes.append(f"Không có bài nào có đúng chữ {words}; {found}.")
        else:
            notes.append(
                f"Trong {format_number(page.total)} bài mới nhất tìm được, không bài nào"
                f" có đúng chữ {_list(parsed.marked)}; {found}."
            )
    notes += _breadth_hints(page)
    return notes


def _breadth_hints(page: SearchPage) -> list[str]:
    """A query that matches nearly everything: say why and how to narrow it."""
    parsed = page.parsed
    if parsed is None or not page.total_is_lower_bound:
        return []
    words = parsed.words
    if all(len(w) == 1 for w in words):
        return [
            f"Từ khóa {_list(words)} chỉ có một chữ cái nên gặp trong rất nhiều bài; "
            "hãy gõ cả từ, ví dụ <code>/tim an sinh</code>."
        ]
    if all(w.lower() in COMMON_WORDS for w in words):
        return [
            f"{_list(words)} có trong hầu hết các bài; hãy thêm từ cụ thể hơn "
            "(tên tỉnh, tên phong trào…), ví dụ <code>/tim dân vận khéo</code>."
        ]
    return []


def _excluded(page: SearchPage) -> str:
    groups = page.parsed.excluded if page.parsed else ()
    return " hoặc ".join(_q(" ".join(g)) for g in groups)


def _divider(page: SearchPage, hit: SearchHit) -> str | None:
    """The line before the first result of a lower group: why the order changes there."""
    parsed = page.parsed
    if parsed is None:
        return None
    if not hit.spelled:
        if page.spelled_total == 0:  # said once, under the header
            return None if hit.together else "Các bài dưới đây có đủ các chữ nhưng không liền nhau:"
        others = _other_spellings(page, [hit])
        like = f" mà có {_list(others)}" if others else " mà có chữ gần giống"
        return f"Các bài dưới đây không có đúng chữ {_list(parsed.marked)}{like}:"
    if not hit.together:
        return "Các bài dưới đây có đủ các chữ nhưng không liền nhau:"
    return None


def advice(page: SearchPage) -> list[str]:
    """Why nothing was found and what to try, fitted to the query (escaped HTML lines)."""
    if page.problem == "only_excluded":
        return [
            "Bạn mới gõ từ cần bỏ (có dấu trừ ở đầu). Hãy thêm từ cần tìm, ví dụ "
            "<code>/tim dân vận -khéo</code>."
        ]
    parsed = page.parsed
    if page.problem == "no_words" or parsed is None:
        return [
            "Từ khóa không có chữ hay số nào để tìm. Hãy gõ một từ, ví dụ "
            "<code>/tim dân vận khéo</code>."
        ]
    words = parsed.words
    present = [w for w in words if w not in page.absent]
    if page.absent and all(len(w) == 1 for w in page.absent) and not present:
        return [
            f"Từ khóa {_list(page.absent)} ngắn quá. Hãy gõ cả từ, ví dụ "
            "<code>/tim an sinh</code> (có dấu hay không dấu đều được)."
        ]
    if page.absent:
        lines = [f"Không bài nào có chữ {_list(page.absent)}: có thể gõ nhầm?"]
        if present:
            lines.append(f"Bỏ chữ đó thì thử: <code>/tim {esc(' '.join(present))}</code>")
        else:
            lines.append("Hãy kiểm tra chính tả, hoặc thử một từ khác cùng nghĩa.")
        return lines
    if page.all_excluded:
        kept = " ".join(words)
        return [
            f"Có bài có {_q(kept)}, nhưng bài nào cũng có {_excluded(page)} mà bạn muốn bỏ. "
            f"Thử lại không có dấu trừ: <code>/tim {esc(kept)}</code>"
        ]
    if page.all_hidden:
        return [
            f"Các bài có {_q(' '.join(words))} mà mình tìm thấy đều không phải tin dân vận, "
            "nên không hiện ở đây. Thử một từ khác về công tác dân vận."
        ]
    if len(words) > 1:
        shorter = " ".join(words[:-1])
        return [
            f"Từng chữ đều có trong kho, nhưng không bài nào có đủ cả {len(words)} chữ. "
            f"Thử bớt chữ, ví dụ <code>/tim {esc(shorter)}</code>"
        ]
    return ["Hãy thử một từ khác cùng nghĩa, có dấu hay không dấu đều được."]


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


async def save_search(db: aiosqlite.Connection, query: str, now_iso: str) -> None:
    """Remember the query so that page buttons can name it by id (the one write of /tim)."""
    await run(
        db, "INSERT OR IGNORE INTO searches(query, created_at) VALUES (?, ?)", (query, now_iso)
    )


def _reply(page: SearchPage, page_index: int, shortened: bool) -> Reply:
    buttons = page_buttons(page.search_id, page, page_index) if page.search_id else ()
    return Reply.text(
        results_text(page, page_index, shortened), buttons=(buttons,) if buttons else ()
    )


@command("tim", "search", description="Tìm bài theo từ khóa, ví dụ /tim dân vận khéo")
async def find(args: str, ctx: ChatContext, services: Services) -> Reply:
    query, shortened = normalize_query(args)
    if not query:
        return Reply.text(USAGE)
    await save_search(services.db, query, services.clock().isoformat(timespec="seconds"))
    page = await search(services.db, query, limit=PAGE_SIZE, saved=True)
    return _reply(page, 0, shortened)


@callback("s")
async def find_page(data: str, ctx: ChatContext, services: Services) -> Reply:
    a, sep, b = data.partition(":")
    valid = sep and a.isascii() and a.isdigit() and b.isascii() and b.isdigit()
    if not valid or len(a) > 12 or len(b) > 4 or int(b) > MAX_PAGE:
        return Reply.text(_stale_text())
    page_index = int(b)
    page = await search_saved(services.db, int(a), limit=PAGE_SIZE, offset=page_index * PAGE_SIZE)
    if page is None:
        return Reply.text(_stale_text())
    reply = _reply(page, page_index, False)
    return Reply(parts=reply.parts, buttons=reply.buttons, edit=True)


def _stale_text() -> str:
    return "Kết quả tìm kiếm này đã cũ. Bạn hãy gõ lại <code>/tim từ khóa</code>."
