"""Feed date fallback: the forms Vietnamese feeds use that feedparser leaves unparsed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.sources.dates import parse_feed_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # .NET, no zone: Vietnam time (+07:00)
        ("9/5/2026 1:30:00 PM", datetime(2026, 9, 5, 6, 30, tzinfo=UTC)),
        ("2/18/2017 11:21:09 PM", datetime(2017, 2, 18, 16, 21, 9, tzinfo=UTC)),
        ("12/1/2026 12:05:00 AM", datetime(2026, 11, 30, 17, 5, tzinfo=UTC)),
        ("12/1/2026 12:05:00 PM", datetime(2026, 12, 1, 5, 5, tzinfo=UTC)),
        ("25/4/2026 08:00", datetime(2026, 4, 25, 1, 0, tzinfo=UTC)),  # day first, unambiguous
        # non-standard GMT+7 / UTC+07:00
        ("Fri, 04 Sep 2026 18:48:27 GMT+7", datetime(2026, 9, 4, 11, 48, 27, tzinfo=UTC)),
        ("Fri, 04 Sep 2026 18:48:27 UTC+07:00", datetime(2026, 9, 4, 11, 48, 27, tzinfo=UTC)),
        # RFC 822 with offsets, two-digit years, GMT
        ("Fri, 09 Oct 26 00:06:00 +0700", datetime(2026, 10, 8, 17, 6, tzinfo=UTC)),
        ("Thu, 14 Feb 2019 13:34:15 GMT", datetime(2019, 2, 14, 13, 34, 15, tzinfo=UTC)),
        ("Thu, 14 Feb 2019 13:34:15 -0500", datetime(2019, 2, 14, 18, 34, 15, tzinfo=UTC)),
        # no zone at all, or one parsedate does not know: Vietnam time
        ("Fri, 09 Oct 2026 00:06:00", datetime(2026, 10, 8, 17, 6, tzinfo=UTC)),
        ("Mon, 01 Jan 2024 10:00:00 ICT", datetime(2024, 1, 1, 3, 0, tzinfo=UTC)),
        ("2026-09-05 08:00", datetime(2026, 9, 5, 1, 0, tzinfo=UTC)),
        ("  \n 9/5/2026 1:30:00 PM \n ", datetime(2026, 9, 5, 6, 30, tzinfo=UTC)),
    ],
)
def test_dates(text: str, expected: datetime) -> None:
    got = parse_feed_date(text)
    assert got == expected
    assert got is not None and got.tzinfo is not None


@pytest.mark.parametrize(
    "text", [None, "", "   ", "garbage", "13/13/2026 1:00 PM", "2/30/2026", "Sáng 25/4"]
)
def test_unparseable_dates_are_none(text: str | None) -> None:
    assert parse_feed_date(text) is None
