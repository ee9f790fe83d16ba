"""Telegram's limits as a pure model (bot.telegram.budget), driven with made-up times."""

from __future__ import annotations

import pytest

from bot.telegram.budget import NEVER, Limits, SendBudget

LIM = Limits(
    per_second=30, window=1.0, margin=0.004, chat_rate=1.0, chat_burst=3.0, chat_margin=0.0
)


def send(budget: SendBudget, chat: int, start: float, rtt: float, *, group: bool = False) -> None:
    assert budget.ready_at(start) <= start
    assert budget.chat_ready_at(start, chat, group=group) <= start
    budget.start(chat, start)
    budget.finish(chat, sent_at=start, done=start + rtt, counted=True, group=group)


def test_thirty_in_any_window_overall() -> None:
    budget = SendBudget(LIM)
    for i in range(30):
        send(budget, 100 + i, start=10.0 + i * 0.001, rtt=0.0)
    # The 31st waits until the first counted one leaves the window (+ margin).
    assert budget.ready_at(10.1) == pytest.approx(10.0 + 1.004)
    assert budget.ready_at(11.004) == pytest.approx(11.004)


def test_messages_in_flight_count_in_every_window() -> None:
    budget = SendBudget(LIM, warmup=1)
    for i in range(30):
        budget.start(i, 5.0)
    assert budget.ready_at(100.0) == NEVER  # only a finish can free a slot
    budget.finish(0, sent_at=5.0, done=5.2, counted=True, group=False)
    # Counted at done - floor/2 (the one round trip seen, 0.2 s): 5.1.
    assert budget.ready_at(5.2) == pytest.approx(5.1 + 1.004)


def test_counted_when_the_answer_came_back_less_half_the_fastest_round_trip() -> None:
    """A request delayed on its way must not make the next ones look early: a message
    counts at done - floor/2, where floor is the fastest round trip seen."""
    budget = SendBudget(LIM, warmup=1)
    send(budget, 1, start=0.0, rtt=0.050)  # floor 50 ms
    for i in range(28):
        send(budget, 10 + i, start=0.001 * (i + 1), rtt=0.050)
    slow_start = 0.100
    budget.start(99, slow_start)
    budget.finish(99, sent_at=slow_start, done=slow_start + 0.300, counted=True, group=False)
    # The first counted at 0.050 - 0.025: the 31st may start at 1.029, not before.
    assert budget.ready_at(0.5) == pytest.approx(1.029)
    # A slow one counts at its answer less 25 ms: late enough for any arrival it had.
    budget2 = SendBudget(Limits(per_second=1, window=1.0, margin=0.0), warmup=1)
    budget2.start(1, 0.0)
    budget2.finish(1, sent_at=0.0, done=0.05, counted=True, group=False)
    budget2.start(2, 1.05)
    budget2.finish(2, sent_at=1.05, done=1.05 + 0.30, counted=True, group=False)
    assert budget2.ready_at(1.4) == pytest.approx(1.35 - 0.025 + 1.0)


def test_a_rejected_or_unsent_message_uses_up_nothing() -> None:
    budget = SendBudget(Limits(per_second=1))
    budget.start(1, 0.0)
    budget.finish(1, sent_at=0.0, done=0.01, counted=False, group=False)
    assert budget.ready_at(0.02) == 0.02
    assert budget.chat_ready_at(0.02, 1, group=False) == 0.02


def test_one_chat_bursts_three_then_one_a_second_and_one_in_flight() -> None:
    budget = SendBudget(LIM)
    budget.start(7, 0.0)
    assert budget.chat_ready_at(0.0, 7, group=False) == NEVER  # keep a chat's order
    budget.finish(7, sent_at=0.0, done=0.0, counted=True, group=False)
    send(budget, 7, 0.0, 0.0)
    send(budget, 7, 0.0, 0.0)
    assert budget.chat_ready_at(0.0, 7, group=False) == pytest.approx(1.0)
    assert budget.chat_ready_at(0.0, 8, group=False) == 0.0  # other chats are not held


def test_private_edits_only_wait_for_the_previous_request() -> None:
    budget = SendBudget(LIM)
    for _ in range(5):
        budget.start(7, 0.0)
        budget.finish(7, sent_at=0.0, done=0.0, counted=True, group=False, edit=True)
    assert budget.chat_ready_at(0.0, 7, group=False) == 0.0
    assert budget.ready_at(0.0) == 0.0  # 5 of the 30 overall


def test_groups_twenty_a_minute() -> None:
    budget = SendBudget(LIM)
    group = -100123
    t = 0.0
    for _ in range(20):
        t = max(t, budget.chat_ready_at(t, group, group=True))
        send(budget, group, t, 0.0, group=True)
    first = 0.0
    assert budget.chat_ready_at(t, group, group=True) == pytest.approx(first + 60.0)


def test_retry_after_pauses_the_chat() -> None:
    budget = SendBudget(LIM)
    budget.pause(5, until=12.5)
    assert budget.chat_ready_at(10.0, 5, group=False) == 12.5
    assert budget.chat_ready_at(10.0, 6, group=False) == 10.0


def test_idle_chats_are_forgotten() -> None:
    budget = SendBudget(Limits(per_second=1000), prune_above=50)
    for chat in range(50):
        send(budget, chat, 0.0, 0.0)
    send(budget, 999, 10.0, 0.0)  # everyone else refilled: pruned
    assert len(budget) == 1


def test_until_warmed_up_a_message_counts_at_its_answer() -> None:
    """The first round trips of a busy process say little about the network."""
    budget = SendBudget(Limits(per_second=1, window=1.0, margin=0.0), warmup=3)
    budget.start(1, 0.0)
    budget.finish(1, sent_at=0.0, done=0.2, counted=True, group=False)
    assert budget.ready_at(0.3) == pytest.approx(1.2)
