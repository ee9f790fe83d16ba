"""The digest schedule: parsing days and times, ISO weeks, what is due when."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.digest.schedule import (
    IsoWeek,
    ScheduleEntry,
    digest_week_at,
    due_moment,
    due_now,
    next_delivery,
    parse_clock,
    parse_weekday,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thứ hai", 0),
        ("Thứ Hai", 0),
        ("t2", 0),
        ("T2", 0),
        ("thu 2", 0),
        ("thứ 2", 0),
        ("thứ ba", 1),
        ("thứ tư", 2),
        ("thu tu", 2),
        ("thứ năm", 3),
        ("t6", 4),
        ("thứ bảy", 5),
        ("thứ 7", 5),
        ("chủ nhật", 6),
        ("Chủ Nhật", 6),
        ("cn", 6),
        ("CN", 6),
        ("monday", 0),
        ("sunday", 6),
        ("hai", None),
        ("t8", None),
        ("Bắc Kạn", None),
    ],
)
def test_parse_weekday(text: str, expected: int | None) -> None:
    assert parse_weekday(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7h", time(7, 0)),
        ("07:30", time(7, 30)),
        ("19h30", time(19, 30)),
        ("7g", time(7, 0)),
        ("7 giờ", time(7, 0)),
        ("7:05", time(7, 5)),
        ("0h", time(0, 0)),
        ("24h", None),
        ("7:75", None),
        ("7", None),  # a bare number is not a time
        ("cn", None),
    ],
)
def test_parse_clock(text: str, expected: time | None) -> None:
    assert parse_clock(text) == expected


def test_iso_week_parse_and_bounds() -> None:
    week = IsoWeek.parse("2024-W17")
    assert (week.monday, week.sunday) == (date(2024, 4, 22), date(2024, 4, 28))
    assert str(week) == "2024-W17"
    assert IsoWeek.parse("2026w47") == IsoWeek(2026, 47)
    # ISO week 1 of 2026 starts in 2025; 2020 had a week 53.
    assert IsoWeek.parse("2026-W01").monday == date(2025, 12, 29)
    assert IsoWeek.parse("2020-W53").sunday == date(2021, 1, 3)
    assert IsoWeek(2026, 1).shift(-1) == IsoWeek(2025, 52)
    with pytest.raises(ValueError):
        IsoWeek.parse("2025-W53")
    with pytest.raises(ValueError):
        IsoWeek.parse("17/2024")


def test_digest_week_is_the_last_complete_week_in_vietnam_time() -> None:
    # Sunday 20:00 UTC is already Monday 03:00 in Vietnam: week 48 there, digest of 47.
    now = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
    assert digest_week_at(now, VN) == IsoWeek(2026, 47)
    assert digest_week_at(now, ZoneInfo("UTC")) == IsoWeek(2026, 46)


def test_next_delivery_matches_the_issue_example() -> None:
    # Monday 23 Nov 2026, 13:02 UTC: this Monday's 07:00 has passed -> 30 Nov.
    now = datetime(2026, 11, 23, 13, 2, tzinfo=UTC)
    nxt = next_delivery(now, 0, time(7, 0), VN)
    assert nxt == datetime(2026, 11, 30, 7, 0, tzinfo=VN)
    # Wednesday 07:00 is still ahead this week.
    assert next_delivery(now, 2, time(7, 0), VN) == datetime(2026, 11, 25, 7, 0, tzinfo=VN)
    assert next_delivery(now, 2, time(7, 0), VN, delivered_this_week=True) == datetime(
        2026, 12, 2, 7, 0, tzinfo=VN
    )


def _entry(
    chat: int, weekday: int = 0, at: time = time(7, 0), created: str = "2026-01-01"
) -> ScheduleEntry:
    return ScheduleEntry(chat, weekday, at, "Asia/Ho_Chi_Minh", datetime.fromisoformat(
        created + "T00:00:00+00:00"
    ))  # fmt: skip


def test_due_now_uses_the_local_moment_and_the_log() -> None:
    entries = [_entry(1), _entry(2, weekday=2), _entry(3, at=time(23, 0)), _entry(4)]
    # Monday 23 Nov 2026 08:00 Vietnam time.
    now = datetime(2026, 11, 23, 8, 0, tzinfo=VN)
    due = due_now(entries, now, done={(4, "2026-W47")})
    assert [(d.chat_id, str(d.week)) for d in due] == [(1, "2026-W47")]
    # One minute before the moment nothing is due; after downtime later in the week the
    # overdue Monday digest still goes out.
    assert due_now([_entry(1)], datetime(2026, 11, 23, 6, 59, tzinfo=VN), set()) == []
    late = due_now([_entry(1)], datetime(2026, 11, 28, 12, 0, tzinfo=VN), set())
    assert [str(d.week) for d in late] == ["2026-W47"]
    # Next week, the missed week is not sent any more: the new one is.
    nxt = due_now([_entry(1)], datetime(2026, 11, 30, 7, 0, tzinfo=VN), set())
    assert [str(d.week) for d in nxt] == ["2026-W48"]


def test_subscribing_after_the_moment_waits_for_next_week() -> None:
    created = "2026-11-23T06:30:00+00:00"  # Monday 13:30 in Vietnam
    entry = ScheduleEntry(9, 0, time(7, 0), "Asia/Ho_Chi_Minh", datetime.fromisoformat(created))
    assert due_now([entry], datetime(2026, 11, 23, 14, 0, tzinfo=VN), set()) == []
    assert len(due_now([entry], datetime(2026, 11, 30, 7, 0, tzinfo=VN), set())) == 1


def test_due_moment_is_aware_local_time() -> None:
    moment = due_moment(IsoWeek(2026, 48), 6, time(19, 30), VN)
    assert moment == datetime(2026, 11, 29, 19, 30, tzinfo=VN)
    assert moment.astimezone(UTC).hour == 12
