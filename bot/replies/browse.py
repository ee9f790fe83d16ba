"""Browsing the archive: /moinhat, /tomtat, /hoinghi, /tinh, and their buttons.

Handlers are thin: read the store, then build the text with the pure functions below
(which take every value, including "today", as a parameter).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.articles.model import StoredArticle
from bot.replies.model import Button, ChatContext, Reply
from bot.replies.registry import callback, command
from bot.replies.render import esc, truncate
from bot.replies.views import (
    article_block,
    article_detail,
    article_ids_in,
    current_units,
    unit_label,
)
from bot.replies.week import EMPTY_ARCHIVE, NO_RELEVANT, week_reply
from bot.store import articles as store
from bot.text.collation import sort_key
from bot.text.numbers import format_number

if TYPE_CHECKING:
    from bot.services import Services

LATEST_DEFAULT = 5
LATEST_MAX = 20
MEETINGS_PAGE = 5
MAX_PAGE = 9999

BAD_COUNT = (
    f"Số bài cần là một số nguyên dương, ví dụ <code>/moinhat 10</code> (tối đa {LATEST_MAX})."
)


# --- pure builders -----------------------------------------------------------------------


def parse_count(args: str, default: int, maximum: int) -> tuple[int | None, int | None]:
    """(n, asked) from "/moinhat n": ``asked`` is the number typed when it was over
    ``maximum`` (n is then the maximum), else None; n is None when the argument is not a
    positive number."""
    text = args.strip()
    if not text:
        return default, None
    token = text.split()[0]
    if not token.isascii() or not token.isdigit():
        return None, None
    n = int(token[:6])
    if n < 1:
        return None, None
    return (maximum, n) if n > maximum else (n, None)


def latest_header(n: int, shown: int, asked: int | None, explicit: bool) -> str:
    """What /moinhat lists, said truly: the number shown, why it is fewer than asked."""
    header = f"<b>{shown} tin mới nhất</b>" if shown > 1 else "<b>Tin mới nhất</b>"
    if explicit and shown < n:
        header += f"\n<i>Kho hiện chỉ có {format_number(shown)} bài dân vận.</i>"
    elif asked is not None:
        header += (
            f"\n<i>Bạn hỏi {format_number(asked)} bài; mỗi lần mình gửi tối đa {n} bài, "
            "bấm «Sau ▶» để xem tiếp.</i>"
        )
    return header


def nav_row(prefix: str, key: str, page: int, has_next: bool) -> tuple[Button, ...]:
    """The "◀ Trước / Sau ▶" row for page ``page`` (0-based); data like ``s:12:3``."""
    row: list[Button] = []
    if page > 0:
        row.append(Button("◀ Trước", f"{prefix}:{key}:{page - 1}"))
    if has_next:
        row.append(Button("Sau ▶", f"{prefix}:{key}:{page + 1}"))
    return tuple(row)


def article_list(header: str, items: Sequence[StoredArticle], footer: str = "") -> str:
    blocks = [header, *(article_block(a) for a in items)]
    if footer:
        blocks.append(footer)
    return "\n\n".join(blocks)


# --- /moinhat ------------------------------------------------------------------------------


@command("moinhat", "latest", description="Tin mới nhất, ví dụ /moinhat 10")
async def latest(args: str, ctx: ChatContext, services: Services) -> Reply:
    n, asked = parse_count(args, LATEST_DEFAULT, LATEST_MAX)
    if n is None:
        return Reply.text(BAD_COUNT)
    items = await store.latest(services.db, limit=n + 1)
    if not items:
        return Reply.text(NO_RELEVANT if await store.count(services.db) else EMPTY_ARCHIVE)
    has_next = len(items) > n
    header = latest_header(n, min(n, len(items)), asked, explicit=bool(args.strip()))
    buttons = nav_row("l", str(n), 0, has_next)
    return Reply.text(article_list(header, items[:n]), buttons=(buttons,) if buttons else ())


@callback("l")
async def latest_page(data: str, ctx: ChatContext, services: Services) -> Reply:
    parsed = _two_ints(data)
    if parsed is None or not 1 <= parsed[0] <= LATEST_MAX:
        return _stale()
    n, page = parsed
    items = await store.latest(services.db, limit=n + 1, offset=page * n)
    if not items:
        return _stale("Không còn bài nào ở trang này. Gõ /moinhat để xem tin mới nhất.")
    first = page * n + 1
    last = page * n + min(n, len(items))
    header = f"<b>Tin mới nhất</b> · trang {page + 1} (bài {first}–{last})"
    buttons = nav_row("l", str(n), page, len(items) > n)
    reply = Reply.text(article_list(header, items[:n]), buttons=(buttons,) if buttons else ())
    return _as_edit(reply)


# --- /tomtat -------------------------------------------------------------------------------


@command("tomtat", "summary", description="Tóm tắt một bài, hoặc tóm tắt tuần này")
async def summary(args: str, ctx: ChatContext, services: Services) -> Reply:
    text = args.strip().lstrip("#")
    if text:
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            return Reply.text(
                "Hãy ghi số của bài, ví dụ <code>/tomtat 12</code> "
                "(số bài là dấu <b>#</b> trước tiêu đề)."
            )
        return await _one_article(int(text), services)
    ids = article_ids_in(ctx.reply_to_text)
    if len(ids) == 1:
        return await _one_article(ids[0], services)
    if len(ids) > 1:
        rows = [tuple(Button(f"#{i}", f"t:{i}") for i in ids[k : k + 5]) for k in range(0, 10, 5)]
        return Reply.text(
            "Tin nhắn này có nhiều bài. Bạn muốn xem tóm tắt bài nào?",
            buttons=tuple(r for r in rows if r),
        )
    return await week_reply(services)


@callback("t")
async def summary_press(data: str, ctx: ChatContext, services: Services) -> Reply:
    if not data.isascii() or not data.isdigit() or len(data) > 12:
        return _stale()
    return await _one_article(int(data), services)


async def _one_article(article_id: int, services: Services) -> Reply:
    article = await store.get(services.db, article_id)
    if article is None:
        return Reply.text(
            f"Không tìm thấy bài số {article_id}. Xem các bài hiện có bằng /moinhat "
            "hoặc tìm bằng <code>/tim từ khóa</code>."
        )
    # One article, one link: its preview (the source's picture and lead) is worth showing.
    return Reply(parts=(article_detail(article),), article_id=article.id, link_preview=True)


# --- /tinh ---------------------------------------------------------------------------------


@command("tinh", "provinces", description="Số bài theo tỉnh, thành phố")
async def provinces(args: str, ctx: ChatContext, services: Services) -> Reply:
    counts = await store.province_counts(services.db, meetings_only=False)
    if not counts:
        return Reply.text(
            "Chưa có bài nào gắn với tỉnh, thành phố cụ thể. Xem tin mới bằng /moinhat."
        )
    lines = ["<b>Số bài theo tỉnh, thành phố</b> (theo đơn vị hành chính từ 1/7/2025)", ""]
    lines += [f"{esc(name)}: {format_number(n)} bài" for name, n in by_count_then_name(counts)]
    lines += ["", "Xem hội nghị của một tỉnh: <code>/hoinghi tên tỉnh</code>."]
    return Reply.text("\n".join(lines))


# --- /hoinghi ------------------------------------------------------------------------------


@command("hoinghi", "meetings", description="Hội nghị theo tỉnh, ví dụ /hoinghi Bắc Kạn")
async def meetings(args: str, ctx: ChatContext, services: Services) -> Reply:
    typed = " ".join(args.split())
    if not typed:
        return await _province_keyboard(services)
    resolution = services.gazetteer.resolve(typed)
    if resolution is None:
        return Reply.text(
            f"Mình không tìm thấy tỉnh, thành phố nào tên “{esc(truncate(typed, 60))}”.\n"
            "Hãy gõ tên tỉnh, có dấu hay không dấu đều được, ví dụ "
            "<code>/hoinghi Thái Nguyên</code> hoặc <code>/hoinghi bac kan</code>; "
            "gõ /hoinghi để chọn từ danh sách."
        )
    current = resolution.unit.current
    note = ""
    if resolution.renamed:
        since = f" từ {_day_month_year(resolution.joined)}" if resolution.joined else ""
        note = (
            f"{esc(resolution.typed_name)} thuộc {esc(unit_label(current))}{since}, "
            f"nên danh sách dưới đây gồm cả {esc(unit_label(current))}."
        )
    units = current_units(services.gazetteer)
    return await _meetings_page(services, units.index(current), 0, note, edit=False)


@callback("h")
async def meetings_press(data: str, ctx: ChatContext, services: Services) -> Reply:
    parsed = _two_ints(data)
    units = current_units(services.gazetteer)
    if parsed is None or not 0 <= parsed[0] < len(units):
        return _stale()
    return await _meetings_page(services, parsed[0], parsed[1], "", edit=True)


async def _meetings_page(
    services: Services, unit_index: int, page: int, note: str, *, edit: bool
) -> Reply:
    current = current_units(services.gazetteer)[unit_index]
    total = await store.count_meetings_in(services.db, current)
    items = await store.meetings_in(
        services.db, current, limit=MEETINGS_PAGE, offset=page * MEETINGS_PAGE
    )
    label = unit_label(current)
    head = [f"<b>Hội nghị ở {esc(label)}</b>"]
    if note:
        head.append(f"<i>{note}</i>")
    if total == 0:
        head.append(
            f"Chưa có bài nào về hội nghị ở {esc(label)}. "
            "Gõ /hoinghi để xem các tỉnh đã có hội nghị."
        )
        return Reply.text("\n".join(head))
    if not items:
        return _stale(f"Không còn bài nào ở trang này. Gõ /hoinghi {esc(current)} để xem lại.")
    pages = (total + MEETINGS_PAGE - 1) // MEETINGS_PAGE
    head.append(f"{format_number(total)} bài, mới nhất trước · trang {page + 1}/{pages}")
    buttons = nav_row("h", str(unit_index), page, (page + 1) * MEETINGS_PAGE < total)
    reply = Reply.text(article_list("\n".join(head), items), buttons=(buttons,) if buttons else ())
    return _as_edit(reply) if edit else reply


async def _province_keyboard(services: Services) -> Reply:
    counts = await store.province_counts(services.db, meetings_only=True)
    units = current_units(services.gazetteer)
    index = {name: i for i, name in enumerate(units)}
    # The picker in Vietnamese alphabetical order: a name is found faster than a count.
    buttons = [
        Button(f"{name} ({format_number(n)})", f"h:{index[name]}:0")
        for name, n in sorted(counts, key=lambda c: sort_key(c[0]))
        if name in index
    ]
    if not buttons:
        return Reply.text(
            "Chưa có bài nào về hội nghị gắn với một tỉnh. Xem tin mới bằng /moinhat."
        )
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return Reply.text(
        "<b>Hội nghị theo tỉnh, thành phố</b>\nChọn một tỉnh (số trong ngoặc là số bài), "
        "hoặc gõ <code>/hoinghi tên tỉnh</code>.",
        buttons=rows,
    )


# --- helpers -------------------------------------------------------------------------------


def by_count_then_name(counts: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Largest first; equal counts in Vietnamese alphabetical order."""
    return sorted(counts, key=lambda c: (-c[1], sort_key(c[0])))


def _day_month_year(iso: str) -> str:
    """``2008-08-01`` -> ``1/8/2008``, as Vietnamese dates are written."""
    d = date.fromisoformat(iso)
    return f"{d.day}/{d.month}/{d.year}"


def _two_ints(data: str) -> tuple[int, int] | None:
    """``"12:3"`` -> (12, 3), for button data; None for anything else (stale or forged)."""
    a, sep, b = data.partition(":")
    if not sep or not (a.isascii() and a.isdigit() and b.isascii() and b.isdigit()):
        return None
    if len(a) > 9 or len(b) > 4 or int(b) > MAX_PAGE:
        return None
    return int(a), int(b)


def _stale(text: str | None = None) -> Reply:
    from bot.replies.dispatch import STALE_BUTTON

    return Reply.text(text or STALE_BUTTON)


def _as_edit(reply: Reply) -> Reply:
    return Reply(
        parts=reply.parts,
        buttons=reply.buttons,
        link_preview=reply.link_preview,
        edit=True,
        article_id=reply.article_id,
    )
