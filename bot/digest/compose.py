"""The weekly digest as Telegram HTML messages. Pure: the week and the articles come in.

Layout (docs/digest.md): a header with the ISO week and its dates, one line of counts,
then every article of the week **once**, under the province it is about:

- grouped by current unit, in Vietnamese alphabetical order; the heading names the former
  units the articles used ("Thái Nguyên (Bắc Kạn)"), the line does not repeat it;
- an article about several current units goes under "Nhiều tỉnh, thành phố", and its line
  names them (so every unit the header counts is a heading or named in a line);
- articles about no province last, under "Trung ương và chưa rõ địa phương";
- each line: the day, the title (a link to the source), and a one-tap way to its summary:
  ``/tomtat_12`` (a command Telegram makes tappable in private chats and groups), or in a
  channel, where nobody can send a command, a ``t.me/<bot>?start=a12`` link;
- the most important articles (:func:`importance`) are starred and carry one line of
  summary, unless the summary only repeats the title.

Messages are split on item boundaries, each under Telegram's 4096 characters.
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
from bot.replies.views import former_name, repeats_title, summary_command
from bot.text.collation import sort_key
from bot.text.dates import VN_TZ
from bot.text.numbers import format_number

# Telegram counts 4096 UTF-16 units after entity parsing (render.visible_length); a little
# headroom costs nothing.
_BUDGET = MAX_MESSAGE - 96
_TITLE_MAX = 220
_SUMMARY_MAX = 240
TOP_ARTICLES = 5
MANY_PROVINCES_GROUP = "Nhiều tỉnh, thành phố"
NO_PROVINCE_GROUP = "Trung ương và chưa rõ địa phương"
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


def day_in_week(d: date) -> str:
    """``Thứ Năm, 25/4``: the year and month are in the digest's header."""
    text = format_date(d, format="EEEE, d/M", locale="vi")
    return text[:1].upper() + text[1:]


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


def summary_link(article_id: int, deep_link_bot: str | None = None) -> str:
    """The one-tap way to an article's summary: ``/tomtat_12``, or with a bot username a
    ``t.me`` link that opens the private chat with ``/start a12`` (for channels)."""
    if deep_link_bot:
        url = f"https://t.me/{html.escape(deep_link_bot, quote=True)}?start=a{article_id}"
        return f'<a href="{url}">tóm tắt</a>'
    return summary_command(article_id)


def _title(a: StoredArticle) -> str:
    title = html.escape(_clip(a.title, _TITLE_MAX) or "(không có tiêu đề)")
    if a.url and a.url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(a.url, quote=True)}">{title}</a>'
    return title


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


def units_of(a: StoredArticle, provinces: Collection[str] = ()) -> list[str]:
    """The current units an article is about, among those followed (all: none), in the
    order the article names them."""
    return list(
        dict.fromkeys(p.current for p in a.provinces if not provinces or p.current in provinces)
    )


def _group_of(a: StoredArticle, provinces: Collection[str]) -> str:
    units = units_of(a, provinces)
    if len(units) == 1:
        return units[0]
    return MANY_PROVINCES_GROUP if units else NO_PROVINCE_GROUP


def _line(
    a: StoredArticle, *, starred: bool, summary: bool, where: str, deep_link_bot: str | None
) -> str:
    day = article_day(a)
    bits = [day_in_week(day)] if day is not None else []
    bits.append(_title(a))
    bits.append(summary_link(a.id, deep_link_bot))
    text = ("⭐ " if starred else "• ") + " · ".join(bits)
    if where:
        text += f"\n   📍 {html.escape(where)}"
    if summary and a.summary and not repeats_title(a.title, a.summary):
        text += f"\n   <i>{html.escape(one_line(a.summary))}</i>"
    return text


def province_blocks(
    articles: Sequence[StoredArticle],
    provinces: Collection[str] = (),
    *,
    starred: Collection[int] = (),
    summarised: Collection[int] = (),
    deep_link_bot: str | None = None,
) -> list[str]:
    """One block per group: heading, then its articles, core news first, by day;
    ``summarised`` ones get a line of summary."""
    groups: dict[str, list[StoredArticle]] = {}
    for a in articles:
        groups.setdefault(_group_of(a, provinces), []).append(a)
    last = (MANY_PROVINCES_GROUP, NO_PROVINCE_GROUP)
    order = sorted(groups, key=lambda g: (last.index(g) if g in last else -1, sort_key(g)))
    blocks: list[str] = []
    for group in order:
        # Core dân vận news first (the relevance rule where the order is free), then by day.
        items = sorted(
            groups[group], key=lambda a: (-a.relevance, article_day(a) or date.min, a.id)
        )
        heading = group
        if group not in last:
            formers = [p.name for a in items for p in a.provinces if p.current == group != p.name]
            if formers:
                heading += f" ({', '.join(dict.fromkeys(formers))})"
        lines = []
        for a in items:
            where = ""
            if group == MANY_PROVINCES_GROUP:
                shown = [p for p in a.provinces if not provinces or p.current in provinces]
                where = ", ".join(dict.fromkeys(former_name(p.name, p.current) for p in shown))
            lines.append(_line(a, starred=a.id in starred, summary=a.id in summarised,
                               where=where, deep_link_bot=deep_link_bot))  # fmt: skip
        blocks.append(f"<b>{html.escape(heading)}</b>\n" + "\n".join(lines))
    return blocks


def compose(
    week: IsoWeek,
    articles: Iterable[StoredArticle],
    provinces: Collection[str] = (),
    *,
    deep_link_bot: str | None = None,
) -> Digest:
    """The digest of ``week`` for a subscriber following ``provinces`` (empty: all).
    ``deep_link_bot``: the bot's username, for a channel (summaries as ``t.me`` links)."""
    chosen = [a for a in articles if in_week(a, week) and _followed(a, provinces)]
    meetings = [a for a in chosen if a.meeting_kind]
    places = {u for a in chosen for u in units_of(a, provinces)}
    head = f"<b>📰 {html.escape(header(week))}</b>"
    scope = ""
    if provinces:
        scope = "\nTheo dõi: " + html.escape(", ".join(sorted(provinces, key=sort_key)))
    if not chosen:
        where = " ở các tỉnh, thành phố bạn theo dõi" if provinces else ""
        note = (
            f"{head}{scope}\n\nTuần này chưa có tin dân vận mới nào{where}. "
            "Hẹn gặp lại bạn trong bản tin tuần sau!"
        )
        return Digest(week, (note,), 0, 0)

    counts = f"Tuần này có {format_number(len(chosen))} bài"
    if meetings:
        counts += f" (trong đó {format_number(len(meetings))} hội nghị, sự kiện)"
    if places:
        counts += f" về {format_number(len(places))} tỉnh, thành phố"
    counts += "."
    how = (
        "Bấm «tóm tắt» cuối mỗi dòng để đọc tóm tắt bài."
        if deep_link_bot
        else "Bấm lệnh tomtat cuối mỗi dòng để đọc tóm tắt bài."
    )
    # A short week: every article with its summary line. A long one: the most important
    # few starred, with theirs.
    ranked = sorted(chosen, key=lambda a: (importance(a), a.id), reverse=True)
    summarised = {a.id for a in ranked[:TOP_ARTICLES]}
    starred = summarised if len(chosen) > TOP_ARTICLES else set()
    if starred:
        how += " ⭐: tin nổi bật."
    blocks: list[str] = [f"{head}{scope}\n{counts}\n<i>{how}</i>"]
    blocks += province_blocks(
        chosen, provinces, starred=starred, summarised=summarised, deep_link_bot=deep_link_bot
    )
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
