"""The process's send budget (bot.telegram.scheduler) against a simulated Telegram that
enforces a sliding window at *arrival* with symmetric network delays (scaled-down limits,
so a test takes a fraction of a second; the properties checked do not depend on timing)."""

from __future__ import annotations

import asyncio
import random
import time
import warnings
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.budget import Limits
from bot.telegram.scheduler import BULK, SendScheduler

LIMITS = Limits(per_second=10, window=0.1, margin=0.002, chat_rate=20.0, chat_burst=2.0)


class FakeTelegram:
    """Counts arrivals in a sliding window like Telegram; 429 beyond; one-way delays."""

    def __init__(self, delay: float = 0.002, jitter: float = 0.004) -> None:
        self.delay, self.jitter = delay, jitter
        self.arrivals: deque[float] = deque()
        self.log: list[tuple[float, int, str]] = []  # (arrival, chat, tag)
        self.rejected = 0
        self.busy = 0
        self.most_busy = 0
        self.fail_once: set[int] = set()
        self.changed = asyncio.Event()

    async def wait_for_arrivals(self, n: int) -> None:
        while len(self.log) < n:
            await self.changed.wait()
            self.changed.clear()

    async def call(self, endpoint: str, data: dict[str, Any]) -> dict[str, Any]:
        self.busy += 1
        self.most_busy = max(self.most_busy, self.busy)
        try:
            one_way = self.delay + random.random() * self.jitter  # same both ways
            await asyncio.sleep(one_way)
            now = time.monotonic()
            while self.arrivals and self.arrivals[0] <= now - LIMITS.window:
                self.arrivals.popleft()
            chat = int(data["chat_id"])
            if len(self.arrivals) >= LIMITS.per_second or chat in self.fail_once:
                self.fail_once.discard(chat)
                self.rejected += 1
                with warnings.catch_warnings():  # PTB's note that retry_after changes type
                    warnings.simplefilter("ignore")
                    raise RetryAfter(timedelta(seconds=0.05))
            self.arrivals.append(now)
            self.log.append((now, chat, str(data.get("text"))))
            self.changed.set()
            await asyncio.sleep(one_way)
            return {"ok": True}
        finally:
            self.busy -= 1


@dataclass
class Ticket:
    priority: int = BULK
    lane: str = "digest"
    max_in_flight: int | None = 4
    max_retries: int = 5
    retry_afters: int = 0

    def on_retry_after(self, seconds: float) -> None:
        self.retry_afters += 1


async def send(sched: SendScheduler, fake: FakeTelegram, chat: int, text: str,
               ticket: Any = None) -> Any:  # fmt: skip
    data = {"chat_id": chat, "text": text}
    return await sched.process_request(fake.call, ("sendMessage", data), {}, "sendMessage",
                                       data, ticket)  # fmt: skip


async def test_a_bulk_send_never_meets_a_429_and_keeps_its_in_flight_cap() -> None:
    sched, fake = SendScheduler(LIMITS), FakeTelegram()
    ticket = Ticket(max_in_flight=4)
    await asyncio.gather(*(send(sched, fake, 1000 + i, f"d{i}", ticket) for i in range(150)))
    assert fake.rejected == 0 and ticket.retry_afters == 0
    assert len(fake.log) == 150
    assert fake.most_busy <= 4
    assert sched.stats.lane("digest").messages == 150


async def test_replies_go_ahead_of_a_queued_digest() -> None:
    sched, fake = SendScheduler(LIMITS), FakeTelegram()
    digest = [asyncio.create_task(send(sched, fake, 2000 + i, f"d{i}", Ticket(max_in_flight=None)))
              for i in range(100)]  # fmt: skip
    await fake.wait_for_arrivals(15)  # the digest is running and the rest is queued
    queued_before = len(digest) - len(fake.log)
    assert queued_before > 50
    await send(sched, fake, 77, "reply")  # no ticket: a reply to a person
    position = [tag for _, _, tag in fake.log].index("reply")
    await asyncio.gather(*digest)
    # Everything queued before the reply that had not left yet went after it.
    assert len(fake.log) - position - 1 >= queued_before - LIMITS.per_second
    assert fake.rejected == 0


async def test_one_chat_in_order_and_others_not_held() -> None:
    sched, fake = SendScheduler(LIMITS), FakeTelegram()
    slow_chat = [send(sched, fake, 5, f"part{i}") for i in range(8)]  # 20/s, burst 2
    others = [send(sched, fake, 600 + i, "other") for i in range(5)]
    await asyncio.gather(*slow_chat, *others)
    parts = [tag for _, chat, tag in fake.log if chat == 5]
    assert parts == [f"part{i}" for i in range(8)]
    # Chat 5 is paced (burst 2, then 20/s); the others' messages do not wait behind it.
    other_positions = [i for i, (_, c, _) in enumerate(fake.log) if c >= 600]
    last_part = max(i for i, (_, c, _) in enumerate(fake.log) if c == 5)
    assert max(other_positions) < last_part


async def test_every_429_is_counted_and_waited_out() -> None:
    sched, fake = SendScheduler(LIMITS), FakeTelegram()
    fake.fail_once = {42}
    ticket = Ticket()
    await send(sched, fake, 42, "x", ticket)
    assert ticket.retry_afters == 1 and sched.stats.lane("digest").retry_after == 1
    assert [c for _, c, _ in fake.log] == [42]


async def test_a_failing_prepare_means_nothing_is_sent() -> None:
    sched, fake = SendScheduler(LIMITS), FakeTelegram()

    async def refuse() -> None:
        raise OSError("database or disk is full")

    @dataclass
    class Refusing(Ticket):
        async def prepare(self) -> None:
            await refuse()

    with pytest.raises(OSError):
        await send(sched, fake, 9, "never", Refusing())
    assert fake.log == []
    await send(sched, fake, 9, "later")  # the slot and the chat were released
    assert [t for _, _, t in fake.log] == ["later"]
