"""Idempotent digest fan-out at Telegram's speed limits.

Exactly once, through the delivery log (``bot.store.deliveries``, UNIQUE(chat, week)):

1. ``begin`` records the intent (state ``sending``) before the first message of a chat's
   digest goes out; a chat whose row is final (``sent``/``failed``/``skipped``) gets nothing.
2. After each message, ``parts_sent`` is stored; after the last one the row becomes ``sent``.
3. A run that dies (SIGKILL, power, crash) leaves rows in ``sending``; the next run resumes
   each at ``parts_sent``.

**Policy for the send in flight at a crash: resend.** Telegram has no idempotency key, so a
message whose request left but whose outcome was not recorded cannot be confirmed. We send
it again: a possible duplicate of one message in one chat, rather than a possible silent loss
of a chat's weekly digest. The same holds for ``TimedOut`` (the message may have arrived):
it is retried. To keep that window small, sends are paced by one token bucket and started
only when a token is due, so the number in flight is about rate x latency (one at a time
against a local server; at 30/s and 100 ms round trips, about three), capped by
``max_in_flight``.

Limits: about 30 msg/s overall (paced at 29/s), 1 msg/s per private chat, 20 msg/min per
group (one every 3 s); the per-chat gaps only matter between the parts of one digest.
Errors, most specific first (BadRequest and TimedOut are NetworkErrors):

- ``RetryAfter``: the whole bucket pauses for ``retry_after``; the same message is retried.
- ``Forbidden``: the subscription and chat are deactivated; the delivery is ``failed``.
- ``ChatMigrated``: chat, subscription and log move to the new id; the message is resent.
- ``BadRequest``: logged; the delivery is ``failed`` for that week; the others go on.
- ``TimedOut``/``NetworkError``: retried with exponential backoff; when retries run out the
  row stays ``sending`` and the next tick resumes it, for as long as that week's digest is
  the current one (``Limits.max_attempts`` can cap it).

Stopping (SIGTERM): set ``stop``; no new message starts, the ones in flight finish and
their outcome is recorded, and the fan-out returns. Nothing is sent twice afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import aiosqlite
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.logging_setup import redact  # error texts can carry request URLs and tokens
from bot.store import deliveries, subscriptions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    # Slots at 29.5/s, at most 29 started in any second: under Telegram's ~30/s with room
    # for one message of network jitter.
    overall_per_second: float = 29.5
    overall_per_window: int = 29
    private_gap: float = 1.05  # seconds between messages to one private chat
    group_gap: float = 3.05  # 20 per minute per group
    max_in_flight: int = 8
    workers: int = 128  # chats in progress at once (most wait on the bucket)
    network_retries: int = 4  # per message and run, with exponential backoff
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    # Runs per (chat, week) before a delivery is 'failed'. None: keep trying every tick
    # until the week's digest is no longer the current one; a Telegram outage of an hour
    # must not cost everyone this week's digest.
    max_attempts: int | None = None
    retry_after_max: int = 10  # RetryAfter answers per message and run

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Limits:
        """Defaults, with ``DANVAN_DIGEST_MAX_IN_FLIGHT`` honoured (1 makes at most one
        message unconfirmable at a crash, at the price of rate x latency <= 1)."""
        raw = env.get("DANVAN_DIGEST_MAX_IN_FLIGHT", "").strip()
        if raw.isdigit() and int(raw) > 0:
            return cls(max_in_flight=int(raw))
        return cls()


@dataclass
class Job:
    """One chat's digest for one week."""

    chat_id: int
    week: str
    parts: tuple[str, ...]
    is_group: bool = False


@dataclass
class Report:
    sent: int = 0  # deliveries completed in this run
    messages: int = 0  # messages accepted by Telegram
    already: int = 0  # deliveries that were final before this run
    failed: int = 0
    deactivated: int = 0
    migrated: int = 0
    unfinished: int = 0  # left in 'sending' (transient errors or stop) for the next run
    retry_after: int = 0  # 429 answers received
    errors: list[str] = field(default_factory=list)

    def merge(self, other: Report) -> None:
        for name in ("sent", "messages", "already", "failed", "deactivated", "migrated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.unfinished += other.unfinished
        self.retry_after += other.retry_after
        self.errors.extend(other.errors)


class TokenBucket:
    """Evenly spaced send slots (burst 1) plus a sliding-window cap on actual send starts.

    Slots alone are not enough: a send that starts late (a busy loop, a slow disk) moves
    towards the next one, and Telegram counts arrivals in any one-second window. So the
    bucket also keeps the last ``per_window`` real start times and never starts one more
    inside ``window`` seconds of the oldest. A 429 pauses everything.
    """

    def __init__(self, rate: float, per_window: int | None = None, window: float = 1.0) -> None:
        self.interval = 1.0 / rate
        self.window = window
        self.per_window = per_window or max(1, int(rate * window))
        self._recent: deque[float] = deque(maxlen=self.per_window)
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            now = time.monotonic()
            slot = max(self._next, now)
            if len(self._recent) == self.per_window:
                slot = max(slot, self._recent[0] + self.window)
            if slot > now:
                await asyncio.sleep(slot - now)
            started = time.monotonic()
            self._recent.append(started)
            following = max(slot, started - self.interval / 2) + self.interval
            # max(): a pause() that came while this task slept must survive.
            self._next = max(self._next, following)

    def pause(self, seconds: float) -> None:
        self._next = max(self._next, time.monotonic() + seconds)


class _Stopped(Exception):
    pass


async def send_part(bot: Bot, chat_id: int, text: str) -> None:
    await bot.send_message(
        chat_id=chat_id,
        text=text,
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


class FanOut:
    """One fan-out run over a list of jobs. Create, then ``await run(jobs)``."""

    def __init__(
        self,
        bot: Bot,
        db: aiosqlite.Connection,
        clock: Callable[[], datetime],
        *,
        limits: Limits | None = None,
        stop: asyncio.Event | None = None,
    ) -> None:
        self.bot = bot
        self.db = db
        self.clock = clock
        self.limits = limits or Limits()
        self.stop = stop or asyncio.Event()
        self.bucket = TokenBucket(self.limits.overall_per_second, self.limits.overall_per_window)
        self.in_flight = asyncio.Semaphore(self.limits.max_in_flight)
        self.report = Report()

    async def run(self, jobs: Sequence[Job]) -> Report:
        queue: asyncio.Queue[Job] = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)
        workers = [
            asyncio.create_task(self._worker(queue))
            for _ in range(min(self.limits.workers, max(1, len(jobs))))
        ]
        # Shielded: a cancelled caller (shutdown) still lets in-flight sends be recorded.
        await asyncio.shield(asyncio.gather(*workers))
        return self.report

    async def _worker(self, queue: asyncio.Queue[Job]) -> None:
        while not self.stop.is_set():
            try:
                job = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                await self._deliver(job)
            except _Stopped:
                self.report.unfinished += 1
                return
            except Exception as exc:  # one chat's failure never stops the others
                log.exception("digest to chat %s failed unexpectedly", job.chat_id)
                await self._note(job, f"unexpected: {exc!r}")
                self.report.unfinished += 1

    async def _note(self, job: Job, error: str) -> None:
        try:
            await deliveries.note_error(self.db, job.chat_id, job.week, redact(error)[:500])
        except Exception:
            log.exception("could not record the error for chat %s", job.chat_id)

    async def _deliver(self, job: Job) -> None:
        row = await deliveries.begin(self.db, job.chat_id, job.week, self.clock())
        if row.state != "sending":
            self.report.already += 1
            return
        if self.limits.max_attempts is not None and row.attempts > self.limits.max_attempts:
            await deliveries.finish(
                self.db, job.chat_id, job.week, "failed", self.clock(),
                error=f"gave up after {row.attempts - 1} attempts: {row.error or ''}"[:500],
            )  # fmt: skip
            self.report.failed += 1
            return
        index = row.parts_sent
        gap = self.limits.group_gap if job.is_group else self.limits.private_gap
        last_sent = 0.0
        while index < len(job.parts):
            if last_sent:
                await self._wait(last_sent + gap - time.monotonic())
            outcome = await self._send_with_retries(job, job.parts[index])
            if outcome != "ok":
                return
            last_sent = time.monotonic()
            index += 1
            self.report.messages += 1
            if index < len(job.parts):
                await deliveries.part_sent(self.db, job.chat_id, job.week, index)
        await deliveries.finish(
            self.db, job.chat_id, job.week, "sent", self.clock(), parts_sent=index
        )
        self.report.sent += 1

    async def _wait(self, seconds: float) -> None:
        """Sleep, but wake (and stop) at once when asked to stop."""
        if self.stop.is_set():
            raise _Stopped
        if seconds <= 0:
            return
        try:
            await asyncio.wait_for(self.stop.wait(), timeout=seconds)
        except TimeoutError:
            return
        raise _Stopped

    async def _send_with_retries(self, job: Job, text: str) -> str:
        """Send one message; 'ok', or 'done' when the delivery ended (failed/unfinished)."""
        network_failures = 0
        retry_afters = 0
        while True:
            if self.stop.is_set():
                raise _Stopped
            # The in-flight slot first, then the token: the token's time is the real start,
            # so slow answers never release a burst of sends that got tokens long ago.
            async with self.in_flight:
                await self.bucket.acquire()
                if self.stop.is_set():
                    raise _Stopped
                try:
                    await send_part(self.bot, job.chat_id, text)
                    return "ok"
                except RetryAfter as exc:
                    wait = retry_after_seconds(exc)
                    self.report.retry_after += 1
                    retry_afters += 1
                    log.warning("429 for chat %s: waiting %.1f s", job.chat_id, wait)
                    self.bucket.pause(wait)
                    if retry_afters > self.limits.retry_after_max:
                        await self._note(job, f"RetryAfter {wait}s, again and again")
                        self.report.unfinished += 1
                        return "done"
                    continue
                except Forbidden as exc:
                    log.info("chat %s refuses the bot (%s): deactivated", job.chat_id, exc)
                    await subscriptions.deactivate_chat(self.db, job.chat_id, self.clock())
                    await deliveries.finish(
                        self.db, job.chat_id, job.week, "failed", self.clock(),
                        error=redact(f"Forbidden: {exc.message}")[:500],
                    )  # fmt: skip
                    self.report.deactivated += 1
                    self.report.failed += 1
                    return "done"
                except ChatMigrated as exc:
                    new_id = int(exc.new_chat_id)
                    log.info("chat %s migrated to %s: moving its subscription", job.chat_id, new_id)
                    await subscriptions.migrate_chat(self.db, job.chat_id, new_id, self.clock())
                    job.chat_id = new_id
                    job.is_group = True
                    self.report.migrated += 1
                    moved = await deliveries.begin(self.db, new_id, job.week, self.clock())
                    if moved.state != "sending":  # the new id had it already
                        self.report.already += 1
                        return "done"
                    continue
                except BadRequest as exc:
                    log.warning("chat %s: bad request %s; skipped", job.chat_id, exc.message)
                    await deliveries.finish(
                        self.db, job.chat_id, job.week, "failed", self.clock(),
                        error=redact(f"BadRequest: {exc.message}")[:500],
                    )  # fmt: skip
                    self.report.failed += 1
                    self.report.errors.append(f"{job.chat_id}: {redact(exc.message)}")
                    return "done"
                except (TimedOut, NetworkError) as exc:
                    # A timed-out message may have arrived; resending is the documented policy.
                    network_failures += 1
                    error = redact(f"{type(exc).__name__}: {exc.message}")
                    log.warning("chat %s: %s (try %d)", job.chat_id, error, network_failures)
                    if network_failures > self.limits.network_retries:
                        await self._note(job, error)
                        self.report.unfinished += 1
                        return "done"
                except TelegramError as exc:
                    log.warning("chat %s: %s; skipped", job.chat_id, redact(exc.message))
                    await deliveries.finish(
                        self.db, job.chat_id, job.week, "failed", self.clock(),
                        error=redact(f"{type(exc).__name__}: {exc.message}")[:500],
                    )  # fmt: skip
                    self.report.failed += 1
                    return "done"
            backoff = min(
                self.limits.backoff_max, self.limits.backoff_base * 2 ** (network_failures - 1)
            )
            await self._wait(backoff)


def retry_after_seconds(exc: RetryAfter) -> float:
    """``retry_after`` as seconds; PTB 22 warns that the int becomes a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: object = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]
