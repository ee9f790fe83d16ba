"""Per-user flood protection with a fake monotonic clock."""

from __future__ import annotations

import pytest

from bot.telegram.flood import (
    ALLOWED,
    Decision,
    FloodGate,
    FloodGuard,
    Kind,
    button_guard,
    command_guard,
)


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


def decisions(guard: FloodGuard, key: int, n: int) -> list[Decision]:
    return [guard.check(key).decision for _ in range(n)]


def test_burst_then_one_notice_then_a_quiet_window(clock: FakeClock) -> None:
    guard = FloodGuard(burst=5, rate=0.5, quiet=10.0, clock=clock)
    got = [guard.check(42) for _ in range(40)]  # 40 commands in the same instant
    assert [v.decision for v in got[:5]] == [Decision.ALLOW] * 5
    assert got[5].decision is Decision.NOTICE and got[5].seconds == 10
    assert [v.decision for v in got[6:]] == [Decision.DROP] * 34
    clock.advance(4.0)
    late = guard.check(42)
    assert late.decision is Decision.DROP and late.seconds == 6  # the same window, not longer


def test_after_the_window_answers_resume_and_a_new_flood_gets_a_new_notice(
    clock: FakeClock,
) -> None:
    guard = FloodGuard(burst=5, rate=0.5, quiet=10.0, clock=clock)
    decisions(guard, 1, 30)
    clock.advance(10.0)  # the window ends; 5 tokens refilled meanwhile (drops cost none)
    assert decisions(guard, 1, 6) == [Decision.ALLOW] * 5 + [Decision.NOTICE]


def test_the_notice_tells_the_truth_over_a_sustained_flood(clock: FakeClock) -> None:
    """30 commands a second for 60 s: every unanswered command falls inside a window that a
    notice announced before it; answers stay within burst + refill."""
    guard = FloodGuard(burst=5, rate=0.5, quiet=10.0, clock=clock)
    announced_until = -1.0
    allowed = 0
    for _ in range(30 * 60):
        verdict = guard.check(7)
        if verdict.decision is Decision.NOTICE:
            announced_until = clock.now + verdict.wait
        elif verdict.decision is Decision.DROP:
            assert clock.now < announced_until
        else:
            allowed += 1
        clock.advance(1 / 30)
    assert 5 <= allowed <= 5 + 60 * 0.5


def test_buttons_get_a_notice_every_time(clock: FakeClock) -> None:
    guard = button_guard(clock)
    got = [guard.check(3) for _ in range(14)]
    assert [v.decision for v in got[:10]] == [Decision.ALLOW] * 10
    assert all(v.decision is Decision.NOTICE and v.seconds == 1 for v in got[10:])
    clock.advance(1.0)
    assert guard.check(3).decision is Decision.ALLOW


def test_paging_is_looser_than_commands() -> None:
    commands, buttons = command_guard(), button_guard()
    assert buttons.burst > commands.burst and buttons.rate > commands.rate


def test_other_users_are_unaffected(clock: FakeClock) -> None:
    guard = command_guard(clock)
    decisions(guard, 1, 100)
    assert guard.check(1).decision is Decision.DROP
    assert decisions(guard, 2, 5) == [Decision.ALLOW] * 5


def test_full_buckets_are_forgotten(clock: FakeClock) -> None:
    guard = FloodGuard(burst=5, rate=1.0, quiet=10.0, clock=clock, prune_above=100)
    for user in range(100):
        guard.check(user)
    decisions(guard, 5, 10)  # user 5 is in a quiet window: kept
    assert len(guard) == 100
    clock.advance(5.0)  # every bucket is full again; user 5's window still runs
    guard.check(1000)
    assert len(guard) == 2


def test_gate_keeps_verdicts_until_the_handler_reads_them(clock: FakeClock) -> None:
    gate = FloodGate(command_guard(clock), button_guard(clock), remember=3)
    verdicts = [gate.admit(update_id, Kind.COMMAND, 9) for update_id in range(10)]
    assert verdicts[5].decision is Decision.NOTICE
    assert gate.verdict(0) is ALLOWED  # allowed ones are not stored
    assert gate.verdict(9).decision is Decision.DROP
    assert gate.verdict(9) is ALLOWED  # read once
    assert gate.verdict(5) is ALLOWED  # beyond `remember`: forgotten (a handler never ran)
    assert gate.admit(100, Kind.BUTTON, 9) is ALLOWED  # buttons have their own bucket
