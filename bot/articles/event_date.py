"""The event date (pure): the day the reported event took place, and its year.

The day is the date written in the sentence that reports the event
(:mod:`bot.articles.event`): "Sáng 12/3", "ngày 25 tháng 5", the first day of "24-25/11" or
"ngày 8 và 15/11/2022". A text that reports no event has no event date, whatever dates it
carries (anniversaries, cited documents, publication stamps, site banners).

The year, when the date has none, comes only from what the text says:

1. a publication date of the page (a stamp, or metadata like "date 2024-04"): a report
   is published within days of its event, so the year that puts the day just before it;
2. the event's own subject: "quý II/2022", "6 tháng đầu năm 2024", "Hội thi ... năm 2022"
   (a review of year X held in January is in X+1, a plan for X made in December in X-1),
   but not the year of a document it cites ("Kết luận số 114 năm 2015");
3. an anniversary celebrated around its day: "(26/3/1931 - 26/3/2018)";
4. a review of a past span: "Trong 2 năm qua (2016-2018)".

Never from arithmetic ("Cách đây 65 năm") or outside knowledge: otherwise ``--MM-DD``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from bot.articles.event import Event
from bot.text.date_mentions import year_near

# A year the event is about: "năm 2024", "quý II/2022", "tháng 6/2023". Found from the
# year (a digit-led pattern the regex engine finds fast), then the words before it.
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_YEAR_WORD_BEFORE = re.compile(r"\b(?:năm|quý\s+[IV]+\s*/|tháng\s+\d{1,2}\s*/)\s*$", re.IGNORECASE)
_CITED_BEFORE = re.compile(
    r"(?:nghị\s+quyết|chỉ\s+thị|kết\s+luận|quyết\s+định|quy\s+định|hướng\s+dẫn|luật|"
    r"số\s+\d+[\w\-/]*|ban\s+hành|khóa\s+[IVXL]+|khoá\s+[IVXL]+)[^.;]{0,25}$",
    re.IGNORECASE,
)
_REVIEW_WORDS = re.compile(r"tổng\s+kết|kết\s+quả|đã\s+đạt", re.IGNORECASE)
_PLAN_WORDS = re.compile(
    r"(?:nhiệm\s+vụ|phương\s+hướng|kế\s+hoạch|triển\s+khai|chương\s+trình\s+công\s+tác)"
    r"[^.;]{0,25}$",
    re.IGNORECASE,
)
_ANNIVERSARY = re.compile(
    r"\(\s*\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}\s*[-–]\s*"
    r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*\)"
)
_PAST_RANGE = re.compile(r"\bqua\s*\(\s*(\d{4})\s*[-–]\s*(\d{4})\s*\)", re.IGNORECASE)
ANNIVERSARY_DAYS = 60  # a commemoration is held within weeks of its day


def event_date(
    event: Event | None,
    paragraphs: Sequence[str],
    *,
    headline: str = "",
    year_month: tuple[int, int] | None = None,
    published: date | None = None,
) -> str | None:
    """ISO date of the event, ``--MM-DD`` when its year is unknown, None without one."""
    if event is None or event.date is None:
        return None
    mention = event.date
    if mention.year is not None:
        return mention.iso()
    year = infer_year(
        mention.day, mention.month, event.sentence, paragraphs, headline, year_month, published
    )
    if year is None:
        return mention.iso()
    try:
        return date(year, mention.month, mention.day).isoformat()
    except ValueError:  # 29/2 in a year that has none
        return mention.iso()


def infer_year(
    day: int,
    month: int,
    sentence: str,
    paragraphs: Sequence[str],
    headline: str = "",
    year_month: tuple[int, int] | None = None,
    published: date | None = None,
) -> int | None:
    """The year of day/month from the page's date, the event's subject, an anniversary or a
    reviewed span; None when the text does not say."""
    if year_month is not None:
        y, m = year_month
        return year_near(day, month, date(y, m, 28 if m == 2 else 30))
    if published is not None:
        return year_near(day, month, published)
    for text in (sentence, headline):
        year = _subject_year(month, text)
        if year is not None:
            return year
    anniversary = _ANNIVERSARY.search(sentence)
    if anniversary is not None:
        d, m, y = (int(g) for g in anniversary.groups())
        try:
            day_of = date(y, m, d)
            near = date(year_near(day, month, day_of), month, day)
        except ValueError:
            near = None
        if near is not None and abs(near - day_of) <= timedelta(days=ANNIVERSARY_DAYS):
            return near.year
    for paragraph in paragraphs:
        past = _PAST_RANGE.search(paragraph)
        if past:
            return int(past.group(2))  # "Trong 2 năm qua (2016-2018)": held at its end
    return None


def _subject_year(month: int, text: str) -> int | None:
    """The year the event is about ("6 tháng cuối năm 2023", "quý II/2022", "tổng kết công
    tác năm 2023"), not the year of a document it cites ("Kết luận số 114 năm 2015")."""
    found = [
        (int(m.group(0)), text[max(0, m.start() - 40) : m.start()])
        for m in _YEAR.finditer(text)
        if _YEAR_WORD_BEFORE.search(text, max(0, m.start() - 16), m.start())
    ]
    found = [(y, before) for y, before in found if not _CITED_BEFORE.search(before)]
    years = sorted({y for y, _ in found})
    if len(years) == 1:
        year = years[0]
        before = " ".join(b for _, b in found)
        if month <= 2 and _REVIEW_WORDS.search(before):
            return year + 1  # "tổng kết năm 2023" held in January 2024
        if month >= 11 and _PLAN_WORDS.search(before):
            return year - 1  # "triển khai nhiệm vụ năm 2024" held in December 2023
        return year
    if len(years) == 2 and years[1] == years[0] + 1:
        return years[1] if month <= 6 else years[0]
    return None
