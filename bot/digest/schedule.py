"""When digests go out: ISO weeks, a subscription's due moment, and what is due now. Pure.

A digest covers one ISO week (Monday-Sunday, Vietnam time) and goes out during the next
week, on the subscriber's weekday and time in their zone. So the default Monday 07:00
delivery of week 48 carries the digest of week 47, the last complete week. Deliveries are
keyed by the week the digest *covers* (``YYYY-Www``).

Only the current local week's due moment counts: after a long downtime the digest that is
overdue in the current week goes out, older weeks do not (a stale digest helps nobody).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.text.normalize import fold

WEEKDAY_NAMES_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
_ENGLISH_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Folded spellings -> 0 = Monday. "thứ 2" is Monday: Vietnamese counts Sunday as day 1.
_WEEKDAY_WORDS = {
    "hai": 0, "2": 0, "ba": 1, "3": 1, "tu": 2, "4": 2, "nam": 3, "5": 3,
    "sau": 4, "6": 4, "bay": 5, "7": 5,
}  # fmt: skip
_WEEKDAY_RE = re.compile(r"^(?:thu|t)\s*\.?\s*(hai|ba|tu|nam|sau|bay|[2-7])$")
_SUNDAY_RE = re.compile(r"^(?:chu\s*nhat|cn)$")
_TIME_RE = re.compile(r"^(\d{1,2})\s*(?:(?::|h|g|giờ|gio)\s*(\d{2})?)?\s*(?:p|phut|phút)?$")


def parse_weekday(text: str) -> int | None:
    """ "thứ hai", "Thứ 2", "t2", "thu 2", "chủ nhật", "CN", "monday" -> 0..6 (Monday = 0)."""
    key = " ".join(fold(text).replace(".", " ").split())
    if _SUNDAY_RE.match(key):
        return 6
    m = _WEEKDAY_RE.match(key)
    if m:
        return _WEEKDAY_WORDS[m.group(1)]
    if key in _ENGLISH_WEEKDAYS:
        return _ENGLISH_WEEKDAYS.index(key)
    return None


def parse_clock(text: str) -> time | None:
    """ "7h", "07:30", "19h30", "7g", "7 giờ" -> a time of day; None when it is not one.

    A bare number is not a time (it is too easily a day number or part of a name)."""
    key = fold(text).strip()
    if key.isdigit():
        return None
    m = _TIME_RE.match(key)
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def format_clock(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def zone(name: str) -> ZoneInfo:
    """The subscription's zone; Vietnam when the stored name is unknown to this system."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Ho_Chi_Minh")


# --- ISO weeks ------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def of(cls, d: date) -> IsoWeek:
        iso = d.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """``2024-W17`` (also ``2024W17``, ``2024-w17``); ValueError otherwise."""
        m = re.fullmatch(r"(\d{4})-?[Ww](\d{1,2})", text.strip())
        if not m:
            raise ValueError(f"not an ISO week: {text!r} (expected e.g. 2024-W17)")
        year, week = int(m.group(1)), int(m.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{year} has no ISO week {week}") from None
        return cls(year, week)

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def shift(self, weeks: int) -> IsoWeek:
        return IsoWeek.of(self.monday + timedelta(weeks=weeks))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def digest_week_at(now: datetime, tz: ZoneInfo) -> IsoWeek:
    """The week whose digest goes out during the local week of ``now``: the previous one."""
    return IsoWeek.of(now.astimezone(tz).date()).shift(-1)


def due_moment(local_week: IsoWeek, weekday: int, at: time, tz: ZoneInfo) -> datetime:
    """When the digest is due within a local week (aware, in ``tz``)."""
    day = local_week.monday + timedelta(days=weekday)
    return datetime.combine(day, at, tzinfo=tz)


def next_delivery(
    now: datetime, weekday: int, at: time, tz: ZoneInfo, *, delivered_this_week: bool = False
) -> datetime:
    """The next moment a digest will go out for a subscription, for confirmations.

    This week's moment if it is still ahead (and nothing went out yet), else next week's.
    """
    this_week = IsoWeek.of(now.astimezone(tz).date())
    moment = due_moment(this_week, weekday, at, tz)
    if moment > now and not delivered_this_week:
        return moment
    return due_moment(this_week.shift(1), weekday, at, tz)


# --- what is due ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleEntry:
    """The part of a subscription the schedule needs."""

    chat_id: int
    weekday: int
    at: time
    timezone: str
    created_at: datetime


@dataclass(frozen=True)
class Due:
    chat_id: int
    week: IsoWeek  # the week the digest covers


def due_now(
    entries: Iterable[ScheduleEntry],
    now: datetime,
    done: Set[tuple[int, str]],
) -> list[Due]:
    """Subscriptions whose moment in the current local week has passed and whose digest for
    the previous week is not done (``done`` holds ``(chat_id, "YYYY-Www")`` pairs).

    A subscription created after this week's moment waits for next week: subscribing on a
    Monday afternoon does not fire last week's digest at once.
    """
    out: list[Due] = []
    for e in entries:
        tz = zone(e.timezone)
        local_week = IsoWeek.of(now.astimezone(tz).date())
        moment = due_moment(local_week, e.weekday, e.at, tz)
        if moment > now or e.created_at > moment:
            continue
        week = local_week.shift(-1)
        if (e.chat_id, str(week)) not in done:
            out.append(Due(e.chat_id, week))
    return out
