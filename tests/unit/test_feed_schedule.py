"""Next due time: interval after success, exponential backoff after failures, capped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sources.schedule import MAX_BACKOFF, next_due

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_success_waits_one_interval() -> None:
    assert next_due(NOW, 30, 0) == NOW + timedelta(minutes=30)


def test_failures_double_the_wait() -> None:
    waits = [next_due(NOW, 30, n) - NOW for n in range(1, 5)]
    assert waits == [timedelta(minutes=m) for m in (60, 120, 240, 480)]


def test_backoff_is_capped_so_a_dead_source_is_still_tried_daily() -> None:
    assert next_due(NOW, 30, 12) - NOW == MAX_BACKOFF
    assert next_due(NOW, 30, 10_000) - NOW == MAX_BACKOFF
    assert next_due(NOW, 3 * 24 * 60, 3) - NOW == timedelta(days=3)  # long intervals kept


def test_jitter_stays_within_ten_percent() -> None:
    low, high = next_due(NOW, 30, 0, jitter=-1), next_due(NOW, 30, 0, jitter=1)
    assert (low - NOW, high - NOW) == (timedelta(minutes=27), timedelta(minutes=33))
    assert next_due(NOW, 30, 0, jitter=50) == high


def test_retry_after_extends_but_never_shortens() -> None:
    assert next_due(NOW, 30, 1, retry_after=6 * 3600) - NOW == timedelta(hours=6)
    assert next_due(NOW, 30, 1, retry_after=5) - NOW == timedelta(minutes=60)
    assert next_due(NOW, 30, 1, retry_after=10**9) - NOW == MAX_BACKOFF
