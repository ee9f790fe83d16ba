"""Per-user flood protection with a fake monotonic clock."""

from __future__ import annotations

import pytest

from bot.telegram.flood import FLOOD_NOTICE, Decision, FloodGuard


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_burst_then_one_notice_then_silence(clock: FakeClock) -> None:
    guard = FloodGuard(burst=5, rate=1.0, clock=clock)
    decisions = [guard.check(42) for _ in range(40)]  # 40 commands in the same instant
    assert decisions[:5] == [Decision.ALLOW] * 5
    assert decisions[5] == Decision.NOTICE
    assert decisions[6:] == [Decision.DROP] * 34


def test_bounded_rate_over_a_sustained_flood(clock: FakeClock) -> None:
    guard = FloodGuard(burst=5, rate=1.0, clock=clock)
    allowed = notices = 0
    for _ in range(30 * 20):  # 30 commands a second for 20 seconds
        decision = guard.check(7)
        allowed += decision is Decision.ALLOW
        notices += decision is Decision.NOTICE
        clock.advance(1 / 30)
    # burst + refill: at most 5 + 20 answered; never more than one notice per answer gap.
    assert 24 <= allowed <= 25
    assert notices <= allowed
    assert notices >= 1


def test_other_users_are_unaffected(clock: FakeClock) -> None:
    guard = FloodGuard(clock=clock)
    for _ in range(100):
        guard.check(1)
    assert guard.check(1) is Decision.DROP
    assert [guard.check(2) for _ in range(5)] == [Decision.ALLOW] * 5


def test_refill_restores_service_and_a_new_flood_gets_a_new_notice(clock: FakeClock) -> None:
    guard = FloodGuard(burst=2, rate=0.5, clock=clock)
    assert [guard.check(9) for _ in range(4)] == [
        Decision.ALLOW,
        Decision.ALLOW,
        Decision.NOTICE,
        Decision.DROP,
    ]
    assert guard.retry_after(9) == pytest.approx(2.0)
    clock.advance(1.9)
    assert guard.check(9) is Decision.DROP  # 0.95 of a token: not yet
    clock.advance(0.2)
    assert guard.check(9) is Decision.ALLOW
    assert guard.check(9) is Decision.NOTICE  # new flood, new (single) notice
    assert guard.check(9) is Decision.DROP


def test_full_buckets_are_forgotten(clock: FakeClock) -> None:
    guard = FloodGuard(burst=5, rate=1.0, clock=clock, prune_above=100)
    for user in range(100):
        guard.check(user)
    assert len(guard) == 100
    clock.advance(5.0)  # every bucket is full again
    guard.check(1000)
    assert len(guard) == 1
    # A busy user's bucket is kept.
    for _ in range(5):
        guard.check(1000)
    for user in range(2000, 2099):
        guard.check(user)
    clock.advance(0.5)
    guard.check(5000)  # prune: nobody is full yet, so nobody is dropped
    assert len(guard) == 101
    assert guard.check(1000) is Decision.DROP  # a fresh bucket would have said ALLOW


def test_clock_stepping_back_grants_nothing(clock: FakeClock) -> None:
    guard = FloodGuard(burst=1, rate=1.0, clock=clock)
    assert guard.check(3) is Decision.ALLOW
    clock.advance(-100)
    assert guard.check(3) is Decision.NOTICE


def test_rejects_nonsense_parameters_and_notice_is_vietnamese() -> None:
    with pytest.raises(ValueError):
        FloodGuard(burst=0)
    with pytest.raises(ValueError):
        FloodGuard(rate=0)
    assert "quá nhanh" in FLOOD_NOTICE
