"""Dates for people: Vietnamese, through babel's ``vi`` locale. Pure: the date comes in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def format_date_vi(d: date) -> str:
    """``Thứ Hai, 23 tháng 11, 2026``."""
    text = format_date(d, format="EEEE, d 'tháng' M, y", locale="vi")
    return text[:1].upper() + text[1:]


def format_date_short_vi(d: date) -> str:
    """``23/11/2026``: for dense lists."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def format_datetime_vi(dt: datetime, tz: ZoneInfo = VN_TZ) -> str:
    """``Thứ Hai, 30 tháng 11, 2026 lúc 07:00`` in the given zone."""
    local = dt.astimezone(tz)
    return f"{format_date_vi(local.date())} lúc {local:%H:%M}"


def format_event_date(value: str | None) -> str:
    """An extracted event date for people: full date, or day and month when the year is
    unknown, or an empty string."""
    if not value:
        return ""
    if value.startswith("--"):
        month, day = value[2:].split("-")
        return f"ngày {int(day)} tháng {int(month)}"
    return format_date_vi(date.fromisoformat(value))
