"""Dates written in Vietnamese news text, and the year they most likely belong to. Pure.

Forms: "Chiều 25/4", "Sáng 9-8", "Sáng 24.11", "Ngày 18/02/2022", "chiều qua (23/7)",
"ngày 6 tháng 11 năm 2023", "từ ngày 1 đến 3/7". A date right after a document number
("Đề án số 06-ĐA/TU ngày 03/02/2023") or in an anniversary ("kỷ niệm ... ngày 15/10") is the
date of something else, and is marked as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.text.alternation import words_alternation

_TIME_OF_DAY = r"(?:sáng|chiều|trưa|tối|đêm|rạng\s+sáng|sáng\s+sớm|chiều\s+tối)"
_RELATIVE = r"(?:\s+(?:nay|qua|hôm\s+qua|mai))?"

_NUMERIC = re.compile(
    rf"""(?P<lead>(?P<tod>\b{_TIME_OF_DAY}{_RELATIVE})\s*(?:ngày\s*)?\(?\s*
            |(?P<ngay>\bngày)\s+
            |(?P<paren>\()\s*(?:ngày\s*)?
        )?
        (?<![\d/.\-])(?P<d>\d{{1,2}})(?P<sep>[/\-.])(?P<m>\d{{1,2}})
        (?:(?P=sep)(?P<y>\d{{4}}|\d{{2}}(?!\d)))?(?![\d/]|\.\d)""",
    re.IGNORECASE | re.VERBOSE,
)
# "24-25/11", "từ ngày 24 đến 26/11/2024", "ngày 8 và 15/11/2022" (two sessions): the event
# starts on its first day.
_RANGE = re.compile(
    rf"""(?P<lead>(?P<tod>\b{_TIME_OF_DAY}{_RELATIVE})\s*(?:ngày\s*)?\(?\s*
            |(?P<ngay>\b(?:từ\s+)?ngày)\s+|(?P<paren>\()\s*(?:ngày\s*)?)?
        (?<![\d/.\-])(?P<d>\d{{1,2}})\s*(?:[-–]|đến|tới|và)\s*(?:ngày\s*)?\d{{1,2}}
        (?:(?P<sep>[/.])(?P<m>\d{{1,2}})(?:(?P=sep)(?P<y>\d{{4}}))?
          |-(?P<m2>\d{{1,2}})-(?P<y2>\d{{4}}))(?![\d/])""",
    re.IGNORECASE | re.VERBOSE,
)
_WORDS = re.compile(
    rf"""(?P<lead>(?P<tod>\b{_TIME_OF_DAY}{_RELATIVE})\s*|\b)
        ngày\s+(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})(?:\s*(?:năm|,)\s*(?P<y>\d{{4}}))?""",
    re.IGNORECASE | re.VERBOSE,
)
# What makes a date belong to something other than the event. A document number has a
# letter in it ("06-ĐA/TU", "110/TB-VPCP"); "22/07/2022" before a date is a stamp, not one.
_DOCUMENT_BEFORE = re.compile(
    r"(?:\bsố\s+[\w\-/.&]+|(?=[\w\-/]*[^\W\d_])[\w\-]+/[\w\-/]+|nghị\s+quyết|chỉ\s+thị|quyết\s+định|kế\s+hoạch|"
    r"thông\s+tư|công\s+văn|hướng\s+dẫn|thông\s+báo|kết\s+luận|đề\s+án|luật|nghị\s+định|"
    r"ban\s+hành|ký\s+ngày|có\s+hiệu\s+lực)[^.;]{0,25}$",
    re.IGNORECASE,
)
_DEADLINE_BEFORE = re.compile(
    r"(?:trước|chậm\s+nhất|hạn\s+chót|hạn|đến\s+hết|xong\s+trước)\s*(?:ngày\s*)?$", re.IGNORECASE
)
# An anniversary's date stands in its phrase: "kỷ niệm 90 năm ngày 15/10", or in brackets
# after its name, commas allowed ("kỷ niệm 50 năm ngày giải phóng miền Nam, thống nhất đất
# nước (30/4/1975 - 30/4/2025)"). "Nhân dịp Tết, ngày 2/2, ..." opens a new clause: an event.
_ANNIVERSARY_CUE = (
    r"(?:kỷ\s+niệm|kỉ\s+niệm|thành\s+lập|truyền\s+thống|ngày\s+sinh|năm\s+sinh|"
    r"chào\s+mừng|hướng\s+tới|nhân\s+dịp)"
)
_ANNIVERSARY_BEFORE = re.compile(rf"{_ANNIVERSARY_CUE}[^.;,]{{0,60}}$", re.IGNORECASE)
_ANNIVERSARY_BRACKET = re.compile(rf"{_ANNIVERSARY_CUE}[^.;]{{0,90}}(?:\(\s*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    day: int
    month: int
    year: int | None
    start: int
    end: int
    cue: str  # "time" (Sáng/Chiều...), "ngay" ("Ngày ..."), "paren", or "bare"
    other: str | None = None  # why not an event date: "document", "anniversary", "deadline"

    def iso(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def _valid(day: int, month: int, year: int | None) -> bool:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    try:
        date(year or 2024, month, day)  # 2024: a leap year, so 29/2 passes without a year
    except ValueError:
        return False
    return True


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    y = int(raw)
    return y + 2000 if y < 100 else y


# Every date starts its numbers with a day of one or two digits (not part of a longer number:
# "2022" starts none), its cue words ("chiều tối hôm qua ngày (") stand within _LEAD_MAX
# characters before that day, and it ends within _TAIL_MAX after it ("24 đến ngày 26/11/2024").
_DIGITS = re.compile(r"(?<!\d)\d{1,2}(?!\d)")
_LEAD_MAX = 64
_TAIL_MAX = 32


def _windows(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` where a date can be: around its digits, merged."""
    spans: list[tuple[int, int]] = []
    for m in _DIGITS.finditer(text):
        low, high = max(0, m.start() - _LEAD_MAX), min(len(text), m.end() + _TAIL_MAX)
        if spans and low <= spans[-1][1]:
            spans[-1] = (spans[-1][0], high)
        else:
            spans.append((low, high))
    return spans


_MONTH_WORD = re.compile("tháng|Tháng|THÁNG")


def _starter_words() -> str:
    words = ["sáng", "chiều", "trưa", "tối", "đêm", "rạng", "ngày", "từ"]
    variants = {v for w in words for v in (w, w.capitalize(), w.upper())}
    return words_alternation(sorted([*variants, *"0123456789("], key=len, reverse=True))


# Where a date can begin: a digit, "(", or a cue word. Plain literals in either case, so
# that the regex engine skips to them by itself.
_STARTS = re.compile(_starter_words())


def _matches(rx: re.Pattern[str], text: str, windows: list[tuple[int, int]]) -> list[re.Match[str]]:
    """``rx.finditer(text)``, run only inside ``windows`` and only where a date can begin:
    the date patterns open with optional cue words, which the regex engine tries at every
    position (~0.3 µs per character); most positions start no date."""
    found: list[re.Match[str]] = []
    pos = 0
    for low, high in windows:
        at = max(low, pos)
        while (start := _STARTS.search(text, at, high)) is not None:
            begin = start.start()
            m = rx.match(text, begin, high)
            if m is None:
                at = begin + 1
                continue
            found.append(m)
            end = m.end()
            pos = at = end if end > begin else end + 1
    return found


# Words one of which each pattern above needs: without them, no pattern can match.
_DOCUMENT_HINTS = re.compile(
    "số|/|nghị|chỉ thị|quyết định|kế hoạch|thông|công văn|hướng dẫn|kết luận|đề án|luật|"
    "ban hành|ký ngày|hiệu lực"
)
_ANNIVERSARY_HINTS = re.compile("niệm|thành lập|truyền thống|sinh|chào mừng|hướng tới|dịp")
_DEADLINE_HINTS = re.compile("trước|chậm|hạn|đến hết")


def _belongs_to(text: str, start: int) -> str | None:
    """What a date at ``start`` belongs to when not to the event: a document, an
    anniversary or a deadline (the cue nearest the date decides: "số 06-ĐA/TU ngày ..."
    vs "kỷ niệm ... ngày"); None for an event's date."""
    before = text[max(0, start - 90) : start]
    low = before.lower()
    cues: list[tuple[int, str]] = []
    if _DOCUMENT_HINTS.search(low) and (m := _DOCUMENT_BEFORE.search(before)):
        cues.append((m.start(), "document"))
    if _ANNIVERSARY_HINTS.search(low):
        if m := _ANNIVERSARY_BEFORE.search(before):
            cues.append((m.start(), "anniversary"))
        if text[start] == "(" and (m := _ANNIVERSARY_BRACKET.search(before)):
            cues.append((m.start(), "anniversary"))
    if cues:
        return max(cues)[1]
    if _DEADLINE_HINTS.search(low) and _DEADLINE_BEFORE.search(before):
        return "deadline"  # "trước ngày 30/6": when something is due
    return None


def find_dates(text: str) -> list[DateMention]:
    """Every date mention in order of appearance."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    windows = _windows(text)
    patterns = [(_RANGE, "range"), (_NUMERIC, "numeric")]
    if _MONTH_WORD.search(text):  # "ngày 6 tháng 11": the only form with the word
        patterns.insert(0, (_WORDS, "words"))
    for rx, kind in patterns:
        for m in _matches(rx, text, windows):
            if kind == "range" and m.group("m") is None:  # "1 đến 31-1-2023"
                day, month, year = int(m.group("d")), int(m.group("m2")), _year(m.group("y2"))
            else:
                day, month, year = int(m.group("d")), int(m.group("m")), _year(m.group("y"))
            if kind != "words" and m.group("sep") == "." and not m.group("tod"):
                continue  # "2.8" is a number unless a time of day says it is a date
            if kind == "numeric" and m.group("sep") == "-" and year is None and not m.group("lead"):
                continue  # "2016-18", "1-2" ranges: not dates without a cue
            if year is not None and not 1900 <= year <= 2100:
                continue
            if not _valid(day, month, year):
                continue
            start, end = m.start(), m.end()
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            if m.group("tod"):
                cue = "time"
            elif kind != "words" and m.group("paren"):
                cue = "paren"
            elif kind == "words" or m.group("ngay"):
                cue = "ngay"
            else:
                cue = "bare"
            other = _belongs_to(text, start)
            found.append(DateMention(day, month, year, start, end, cue, other))
    found.sort(key=lambda d: d.start)
    for i in range(1, len(found)):  # "(15/10/1930 - 15/10/2025)": both ends are the anniversary
        prev, cur = found[i - 1], found[i]
        if prev.other and not cur.other and _RANGE_TO.fullmatch(text, prev.end, cur.start):
            found[i] = replace(cur, other=prev.other)
    return _years_from_range_ends(text, found)


_RANGE_TO = re.compile(
    r"\s*(?:[-–]|đến|tới)\s*(?:ngày\s*)?(?:(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?!\d))?", re.IGNORECASE
)


def _years_from_range_ends(text: str, found: list[DateMention]) -> list[DateMention]:
    """The first date of a range takes the year of the last: "từ ngày 08/11 đến
    18/11/2023", "6/1-7/2/1930"."""
    for i, first in enumerate(found):
        if first.year is not None:
            continue
        m = _RANGE_TO.match(text, first.end)
        if m is None or m.end() == first.end:
            continue
        if m.group(3):  # the end date written right after: "6/1-7/2/1930"
            end_month, end_year = int(m.group(2)), int(m.group(3))
        elif i + 1 < len(found) and found[i + 1].start == m.end() and found[i + 1].year:
            end_month, end_year = found[i + 1].month, found[i + 1].year or 0
        else:
            continue
        year = end_year - 1 if first.month > end_month else end_year
        found[i] = replace(first, year=year)
    return found


def year_near(day: int, month: int, reference: date) -> int:
    """The year that puts day/month closest before (or just after) ``reference``.

    News reports events of the last days, so an event more than a month after the reference
    date is from the previous year (December event, January article).
    """
    candidate = date(reference.year, month, min(day, 28) if month == 2 else day)
    if candidate - reference > timedelta(days=31):
        return reference.year - 1
    if reference - candidate > timedelta(days=335):
        return reference.year + 1
    return reference.year
