"""Feed dates -> aware UTC datetimes, read the way Vietnamese sites mean them.

Vietnamese feeds use RFC 822 with ``+0700``, a non-standard ``GMT+7``, "ICT", two-digit
years, zone-less ISO dates, and .NET's zone-less ``9/5/2026 1:30:00 PM``. feedparser reads
a date without a zone, and a zone it does not know ("ICT"), as UTC: seven hours late. So
:func:`parse_feed_date` runs *first* on every entry date (``bot.sources.feeds``) and
feedparser's reading is only the fallback for forms this module leaves alone (ISO 8601 with
an explicit offset or ``Z``, which it reads right).

The rules: a time without a zone, or with a zone name we do not know, is Vietnam time
(Asia/Ho_Chi_Minh). A numeric date with the year last is day-first ("05/09/2026" is 5
September: vi-VN's dd/MM/yyyy) unless it carries a 12-hour clock ("9/5/2026 1:30:00 PM"),
which is .NET's en-US M/d/yyyy h:mm:ss tt; either way an impossible month flips it. Pure:
no clock.
"""

from __future__ import annotations

import re
import time
from calendar import timegm
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# "GMT+7", "UTC+07:00", "GMT-0530" at the end of a date.
_OFFSET_ZONE = re.compile(r"\s*(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?\s*$", re.IGNORECASE)
# Zones parsedate_tz understands; anything else (none, "ICT") is read as Vietnamese time.
_KNOWN_ZONE = re.compile(r"(?:[+-]\d{4}|\b(?:GMT|UTC?|Z|[ECMP][SD]T))\s*$", re.IGNORECASE)
# Year last, optional time: 05/09/2026 13:30, 5-9-2026, 05.09.2026, 9/5/2026 1:30:00 PM.
_NUMERIC_DATE = re.compile(
    r"^\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})"
    r"(?:[\sT,]+(\d{1,2})[:hH](\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?\s*$"
)
# Year first without a zone: 2026-09-05 13:30[:00[.123]] (ISO 8601), 2026/09/05
_ISO_LOCAL = re.compile(
    r"^\s*(\d{4})([-/.])(\d{1,2})\2(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*$"
)


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser's ``*_parsed`` fields are UTC struct_times."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _full_year(year: int) -> int:
    # Two-digit years in feeds are this century (RFC 2822 says < 50 -> 20xx).
    if year < 50:
        return 2000 + year
    if year < 100:
        return 1900 + year
    return year


def _local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime | None:
    try:
        return datetime(_full_year(year), month, day, hour, minute, second, tzinfo=VN_TZ)
    except ValueError:
        return None


def parse_feed_date(text: str | None) -> datetime | None:
    """A feed's date string as an aware UTC datetime (Vietnam time when no zone is given);
    None for what this module does not read (feedparser's reading is then used)."""
    if not text:
        return None
    value = " ".join(text.split())
    if not value:
        return None

    m = _OFFSET_ZONE.search(value)
    if m:
        sign = -1 if m.group(1) == "-" else 1
        offset = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0)) * sign
        base = parse_feed_date_naive(value[: m.start()])
        if base is None or abs(offset) > timedelta(hours=14):
            return None
        return base.replace(tzinfo=timezone(offset)).astimezone(UTC)

    parsed = parsedate_tz(value)
    if parsed is not None and parsed[0] is not None:
        year, month, day, hour, minute, second = parsed[:6]
        try:
            naive = datetime(_full_year(year), month, day, hour, minute, second)
        except ValueError:
            naive = None
        if naive is not None:
            if _KNOWN_ZONE.search(value):  # parsedate_tz says 0 for "no zone" too
                offset = timedelta(seconds=parsed[9] or 0)
                return (naive - offset).replace(tzinfo=UTC)
            return naive.replace(tzinfo=VN_TZ).astimezone(UTC)

    local = parse_feed_date_naive(value)
    return local.astimezone(UTC) if local else None


def parse_feed_date_naive(value: str) -> datetime | None:
    """A zone-less date/time read as Vietnamese local time (.NET, ISO, RFC 822 body)."""
    m = _NUMERIC_DATE.match(value)
    if m:
        first, second, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        hour, minute, second_ = int(m.group(5) or 0), int(m.group(6) or 0), int(m.group(7) or 0)
        ampm = (m.group(8) or "").replace(".", "").upper()
        if ampm and not 1 <= hour <= 12:
            return None
        if ampm == "PM" and hour != 12:
            hour += 12
        elif ampm == "AM" and hour == 12:
            hour = 0
        # A 12-hour clock is .NET's en-US output (month first); otherwise Vietnamese.
        day, month = (second, first) if ampm else (first, second)
        if month > 12 >= day:  # the other order is the only possible one: 25/4, 4/25
            day, month = month, day
        return _local(year, month, day, hour, minute, second_)
    m = _ISO_LOCAL.match(value)
    if m:
        y, mo, d, h, mi, sec = (int(m.group(i) or 0) for i in (1, 3, 4, 5, 6, 7))
        return _local(y, mo, d, h, mi, sec)
    parsed = parsedate_tz(value + " +0000")
    if parsed is not None:
        year, month, day, hour, minute, second = parsed[:6]
        return _local(year, month, day, hour, minute, second)
    return None
