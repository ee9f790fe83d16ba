"""The weekly summary (/tomtat without a number, the "Tóm tắt tuần này" button).

This week's dân vận news in short; when this week has none yet, the latest week that has
some, saying which week it is. It never says the archive is empty when it is not: an
archive without dân vận news, or whose news has no known date, says exactly that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.articles.model import StoredArticle
from bot.replies.model import Reply
from bot.replies.render import esc
from bot.replies.views import MEETING_KINDS_VI, article_block
from bot.store import articles as store
from bot.text.collation import sort_key
from bot.text.dates import VN_TZ, format_date_short_vi
from bot.text.numbers import format_number

if TYPE_CHECKING:
    from bot.services import Services

WEEK_LIST_MAX = 10

EMPTY_ARCHIVE = (
    "Kho tin hiện chưa có bài nào. Quản trị viên có thể nạp bài bằng "
    "<code>danvan-bot import</code> hoặc <code>danvan-bot fetch</code>."
)
NO_RELEVANT = (
    "Kho tin chưa có bài nào về công tác dân vận: các bài đã lấy về từ những nguồn tổng hợp "
    "đều thuộc chủ đề khác nên không được hiển thị. Quản trị viên xem danh sách bằng /nguon."
)


def week_bounds(today: date) -> tuple[date, date]:
    """Monday and Sunday of the week that contains ``today``."""
    start = today - timedelta(days=today.weekday())
    return start, start + timedelta(days=6)


def span(start: date, end: date) -> str:
    return f"{format_date_short_vi(start)} – {format_date_short_vi(end)}"


def most_common_vi(counts: Counter[str], n: int) -> list[tuple[str, int]]:
    """The ``n`` largest counts; equal counts in Vietnamese alphabetical order."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], sort_key(kv[0])))[:n]


def week_summary(
    items: Sequence[StoredArticle],
    start: date,
    end: date,
    limit: int = WEEK_LIST_MAX,
    *,
    this_week: tuple[date, date] | None = None,
) -> str:
    """A week of the archive in short: how many, where, what kind, then the newest items.
    With ``this_week``, ``items`` are an earlier week's because this week has none yet."""
    if this_week is None:
        header = f"<b>Tóm tắt tuần này</b> ({span(start, end)})"
    else:
        which = (
            "tuần trước" if start == this_week[0] - timedelta(days=7) else ("tuần gần nhất có bài")
        )
        header = (
            f"<b>Tóm tắt tuần này</b> ({span(*this_week)}): chưa có bài mới.\n"
            f"Dưới đây là {which}: tuần {start.isocalendar().week} ({span(start, end)})."
        )
    meetings = [a for a in items if a.meeting_kind]
    provinces = Counter(u for a in items for u in dict.fromkeys(p.current for p in a.provinces))
    kinds = Counter(a.meeting_kind for a in meetings if a.meeting_kind)
    lines = [header, ""]
    lines.append(
        f"• {format_number(len(items))} bài, trong đó {format_number(len(meetings))} bài "
        "về hội nghị, sự kiện."
    )
    if provinces:
        top = ", ".join(f"{esc(name)} ({n})" for name, n in most_common_vi(provinces, 5))
        lines.append(f"• Nhiều tin nhất: {top}.")
    if kinds:
        top_kinds = ", ".join(
            f"{esc(MEETING_KINDS_VI.get(k, k).lower())} ({n})" for k, n in kinds.most_common(4)
        )
        lines.append(f"• Loại hội nghị: {top_kinds}.")
    newest = sorted(items, key=lambda a: (a.event_date or "", a.id), reverse=True)[:limit]
    more = len(items) - len(newest)
    blocks = ["\n".join(lines), *(article_block(a) for a in newest)]
    footer = f"… và {format_number(more)} bài khác.\n" if more > 0 else ""
    blocks.append(footer + "Xem đầy đủ một bài: bấm lệnh tomtat dưới bài đó.")
    return "\n\n".join(blocks)


async def week_reply(services: Services) -> Reply:
    today = services.clock().astimezone(VN_TZ).date()
    start, end = week_bounds(today)
    items = await store.in_period(services.db, start, end)
    if items:
        return Reply.text(week_summary(items, start, end))
    # Early in a week there is often nothing yet: the latest week with news is wanted then.
    day = await store.latest_dated_day(services.db, end)
    if day is not None:
        last_start, last_end = week_bounds(day)
        items = await store.in_period(services.db, last_start, last_end)
        return Reply.text(week_summary(items, last_start, last_end, this_week=(start, end)))
    if not await store.count(services.db):
        return Reply.text(EMPTY_ARCHIVE)
    shown = await store.count_shown(services.db)
    if not shown:
        return Reply.text(NO_RELEVANT)
    return Reply.text(
        f"Kho có {format_number(shown)} bài dân vận nhưng chưa bài nào rõ ngày đăng hay ngày "
        "diễn ra, nên chưa tóm tắt theo tuần được. Xem các bài bằng /moinhat."
    )
