"""The fan-out's pacing: even slots and a hard cap on starts in any sliding window."""

from __future__ import annotations

import asyncio
import time

from bot.digest.deliver import TokenBucket
from bot.logging_setup import redact


async def test_bucket_never_exceeds_its_window_even_with_late_wakeups() -> None:
    bucket = TokenBucket(rate=400.0, per_window=10, window=0.1)
    starts: list[float] = []
    for i in range(60):
        await bucket.acquire()
        starts.append(time.monotonic())
        if i % 7 == 0:
            time.sleep(0.02)  # a busy loop delays this task: the next slots are already due
    for i, t in enumerate(starts):
        inside = [s for s in starts[i:] if s - t < 0.1]
        assert len(inside) <= 10
    rate = (len(starts) - 1) / (starts[-1] - starts[0])
    assert 60 <= rate <= 101  # the window, not the 400/s slots, sets the pace


async def test_pause_holds_every_sender() -> None:
    bucket = TokenBucket(rate=1000.0)
    await bucket.acquire()
    bucket.pause(0.2)
    started = time.monotonic()
    await asyncio.gather(bucket.acquire(), bucket.acquire())
    assert time.monotonic() - started >= 0.19


def test_redact_hides_tokens() -> None:
    # The one redaction (bot.logging_setup): URL form, %3A form, and a bare token.
    text = "POST https://api.telegram.org/bot123456:AAE-x_y/sendMessage failed"
    assert redact(text) == "POST https://api.telegram.org/bot<redacted>/sendMessage failed"
    assert "AAE" not in redact("/bot123456%3AAAE-x_y/sendMessage")
    bare = "7412589630:AAHfakeFAKEfake_secret-DANVAN123456"
    assert "AAHfake" not in redact(f"Unauthorized: token {bare} rejected")


async def test_pause_during_a_sleeping_acquire_is_kept() -> None:
    """A 429 seen by one sender while another sleeps in acquire() still pauses the next."""
    bucket = TokenBucket(rate=10.0)
    await bucket.acquire()
    sleeper = asyncio.create_task(bucket.acquire())  # sleeps ~0.1 s for its slot
    await asyncio.sleep(0)
    bucket.pause(0.5)
    await sleeper
    started = time.monotonic()
    await bucket.acquire()
    assert time.monotonic() - started >= 0.35
