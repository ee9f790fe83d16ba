"""The weekly digest as Telegram HTML messages. Pure: the week and the articles come in.

Layout: a header with the ISO week and its dates, counts, the week's meetings grouped by
current province (former names shown where the article used them: "Thái Nguyên (Bắc Kạn)"),
then the most important articles with a one-line summary and a link. Messages are split
on item boundaries, each under Telegram's 4096 characters.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date

from bot.articles.model import StoredArticle
from bot.digest.schedule import IsoWeek
from bot.replies.render import MAX_MESSAGE, visible_length
from bot.text.dates import VN_TZ, format_date_vi

# Telegram counts 4096 UTF-16 units after entity parsing (render.visible_length); a little
# headroom costs nothing.
_BUDGET = MAX_MESSAGE - 96
_TITLE_MAX = 220
_SUMMARY_MAX = 240
TOP_ARTICLES = 5
NO_PROVINCE_GROUP = "Trung ương và chưa rõ địa phương"

MEETING_KIND_VI = {
    "so_ket": "Sơ kết",
    "tong_ket": "Tổng kết",
    "ky_ket": "Ký kết",
    "trien_khai": "Triển khai",
    "quan_triet": "Quán triệt",
    "bieu_duong": "Biểu dương",
    "tap_huan": "Tập huấn",
    "giao_ban": "Giao ban",
    "doi_thoai": "Đối thoại",
    "toa_dam": "Tọa đàm",
    "hoi_thao": "Hội thảo",
    "khac": "Hội nghị",
}
_LEVEL_WEIGHT = {"central": 3, "province": 2, "military": 2, "district": 1, "commune": 1}


@dataclass(frozen=True)
class Digest:
    week: IsoWeek
    parts: tuple[str, ...]  # HTML messages, in order, none empty, each under the limit
    articles: int  # articles counted for this subscriber
    meetings: int


def week_range_vi(week: IsoWeek) -> str:
    """``16–22 tháng 11, 2026``; ``30 tháng 11 – 6 tháng 12, 2026`` across months."""
    start, end = week.monday, week.sunday
    if start.year != end.year:
        return f"{_day_month(start)}, {start.year} – {_day_month(end)}, {end.year}"
    if start.month != end.month:
        return f"{_day_month(start)} – {_day_month(end)}, {end.year}"
    return f"{start.day}–{_day_month(end)}, {end.year}"


def _day_month(d: date) -> str:
    return format_date(d, format="d 'tháng' M", locale="vi")


def header(week: IsoWeek) -> str:
    return f"Bản tin Dân vận tuần {week.week} ({week_range_vi(week)})"


def article_day(a: StoredArticle) -> date | None:
    """The day an article files under in the digest: event date, else publication (VN)."""
    if a.event_day is not None:
        return a.event_day
    if a.published is not None:
        return a.published.astimezone(VN_TZ).date()
    return None


def in_week(a: StoredArticle, week: IsoWeek) -> bool:
    day = article_day(a)
    return day is not None and week.monday <= day <= week.sunday


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:–- ") + "…"


def one_line(summary: str) -> str:
    """The first sentence of a summary, clipped."""
    text = " ".join(summary.split())
    for end in (". ", "! ", "? "):
        i = text.find(end)
        if i >= 40:
            text = text[: i + 1]
            break
    return _clip(text, _SUMMARY_MAX)


def _link(a: StoredArticle) -> str:
    title = html.escape(_clip(a.title, _TITLE_MAX))
    if a.url and a.url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(a.url, quote=True)}">{title}</a>'
    return f"{title} (/tomtat {a.id})"


def importance(a: StoredArticle) -> tuple[int, int, int, int]:
    """Core dân vận news first, then meetings, higher levels, more provinces named; ties
    by id."""
    return (
        a.relevance,
        1 if a.meeting_kind else 0,
        _LEVEL_WEIGHT.get(a.level, 0),
        len(a.provinces),
    )


def _followed(a: StoredArticle, provinces: Collection[str]) -> bool:
    """Dân vận news (relevance >= 1) in the provinces the subscriber follows (all: none)."""
    if a.relevance < 1:
        return False
    return not provinces or any(p.current in provinces for p in a.provinces)


def _home(a: StoredArticle, provinces: Collection[str]) -> tuple[str, str | None]:
    """(current unit, name the article used) of the group an article is listed under:
    its first-named province among those the subscriber follows."""
    for p in a.provinces:
        if not provinces or p.current in provinces:
            return p.current, p.name
    return NO_PROVINCE_GROUP, None


def _meeting_line(a: StoredArticle, shown_as: str | None) -> str:
    day = article_day(a)
    bits = []
    if day is not None:
        bits.append(format_date_vi(day))
    kind = MEETING_KIND_VI.get(a.meeting_kind or "", "Hội nghị")
    place = f" ({html.escape(shown_as)})" if shown_as else ""
    lead = " · ".join(bits)
    return f"• {lead}{' · ' if lead else ''}{kind}{place}: {_link(a)}"


def meeting_blocks(articles: Sequence[StoredArticle], provinces: Collection[str]) -> list[str]:
    """One block per province group: heading plus its meetings, provinces A-Z."""
    groups: dict[str, list[tuple[StoredArticle, str | None]]] = {}
    for a in articles:
        if a.meeting_kind:
            current, name = _home(a, provinces)
            groups.setdefault(current, []).append((a, name))
    blocks: list[str] = []
    order = sorted(groups, key=lambda c: (c == NO_PROVINCE_GROUP, c))
    for current in order:
        items = sorted(groups[current], key=lambda t: (article_day(t[0]) or date.min, t[0].id))
        formers = list(dict.fromkeys(n for _, n in items if n and n != current))
        title = current + (f" ({', '.join(formers)})" if formers else "")
        # Say which name each item used only when the heading lists more than one.
        names_used = {n for _, n in items}
        lines = [
            _meeting_line(a, n if len(names_used) > 1 and n != current else None) for a, n in items
        ]
        blocks.append(f"<b>{html.escape(title)}</b>\n" + "\n".join(lines))
    return blocks


def top_blocks(articles: Sequence[StoredArticle], limit: int = TOP_ARTICLES) -> list[str]:
    ranked = sorted(articles, key=lambda a: (importance(a), a.id), reverse=True)[:limit]
    out = []
    for a in ranked:
        day = article_day(a)
        when = f" <i>({format_date_vi(day)})</i>" if day else ""
        summary = one_line(a.summary) if a.summary else ""
        text = f"• {_link(a)}{when}"
        if summary:
            text += f"\n{html.escape(summary)}"
        out.append(text)
    return out


def compose(
    week: IsoWeek,
    articles: Iterable[StoredArticle],
    provinces: Collection[str] = (),
) -> Digest:
    """The digest of ``week`` for a subscriber following ``provinces`` (empty: all)."""
    chosen = [a for a in articles if in_week(a, week) and _followed(a, provinces)]
    meetings = [a for a in chosen if a.meeting_kind]
    places = {p.current for a in meetings for p in a.provinces}
    if provinces:
        places &= set(provinces)
    head = f"<b>📰 {html.escape(header(week))}</b>"
    scope = ""
    if provinces:
        scope = "\nTheo dõi: " + html.escape(", ".join(sorted(provinces)))
    if not chosen:
        where = " ở các tỉnh, thành phố bạn theo dõi" if provinces else ""
        note = (
            f"{head}{scope}\n\nTuần này chưa có tin dân vận mới nào{where}. "
            "Hẹn gặp lại bạn trong bản tin tuần sau!"
        )
        return Digest(week, (note,), 0, 0)

    counts = f"Tuần này có {len(chosen)} bài viết"
    if meetings:
        counts += f", trong đó {len(meetings)} hội nghị"
        if places:
            counts += f" tại {len(places)} tỉnh, thành phố"
    counts += "."
    blocks: list[str] = [f"{head}{scope}\n{counts}"]
    meeting_part = meeting_blocks(meetings, provinces)
    if meeting_part:
        meeting_part[0] = "<b>🏛 Hội nghị trong tuần</b>\n\n" + meeting_part[0]
        blocks.extend(meeting_part)
    tops = top_blocks(chosen)
    if tops:
        tops[0] = "<b>⭐ Tin nổi bật</b>\n\n" + tops[0]
        blocks.extend(tops)
    return Digest(week, tuple(pack(blocks)), len(chosen), len(meetings))


def pack(blocks: Iterable[str], budget: int = _BUDGET) -> list[str]:
    """Join blocks with blank lines into as few messages as fit; a block never splits
    unless it alone is over the budget (then it splits on lines)."""
    parts: list[str] = []
    current = ""
    for block in blocks:
        for piece in _fit(block, budget):
            joined = f"{current}\n\n{piece}" if current else piece
            if visible_length(joined) <= budget:
                current = joined
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    return [p for p in parts if p.strip()]


def _fit(block: str, budget: int) -> list[str]:
    if visible_length(block) <= budget:
        return [block]
    pieces: list[str] = []
    current = ""
    for line in block.split("\n"):
        joined = f"{current}\n{line}" if current else line
        if visible_length(joined) <= budget:
            current = joined
            continue
        if current:
            pieces.append(current)
        # Lines are built from clipped titles and summaries, so one line always fits.
        current = line
    if current:
        pieces.append(current)
    return pieces


def week_days(week: IsoWeek) -> tuple[date, date]:
    """Inclusive date bounds for :func:`bot.store.articles.in_period`, padded a day each
    side: publication dates are stored in UTC, the week is Vietnam time."""
    return week.monday - timedelta(days=1), week.sunday + timedelta(days=1)
