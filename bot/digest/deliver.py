"""Idempotent digest fan-out through the process's one Telegram send budget.

**Pacing is not done here.** Every part goes out through the bot's rate limiter, which in
the running bot and in ``digest --send`` alike is :class:`bot.telegram.scheduler.SendScheduler`:
one budget for the whole process, replies to people first, the digest taking every slot
left, within Telegram's limits (30/s overall, about 1/s per chat, 20/min per group). Each
part carries a :class:`DigestSend` ticket (PTB's ``rate_limit_args``) that puts it in the
``digest`` lane with a low priority, caps the parts in flight, counts every 429 into the
report, and records the intent right before the request leaves.

**Exactly once**, through the delivery log (``bot.store.deliveries``, UNIQUE(chat, week)):

1. ``begin`` marks the chat's row unfinished (``sending``); a final row gets nothing.
2. When the budget grants a part its slot, the row becomes ``in_flight`` for that part
   *before* the request leaves. If that write fails, the part is not sent.
3. After Telegram's answer: ``parts_sent`` moves on (``sending``), or the row is ``sent``.
4. A run that dies leaves the row as it was; the next run resumes from it.

**The send whose outcome is unknown** (the process died with it in flight, or the answer
was lost: a read timeout, a dropped connection) is sent once more, and never twice:

- found ``in_flight``: the part may have arrived. It is resent, and the row says
  ``resending`` before it leaves. A possible duplicate of one message beats a silently
  lost weekly digest, which the subscriber cannot notice or ask for.
- found ``resending``: the part was already sent twice without confirmation. It counts as
  delivered (``Report.assumed``) and the next part follows; a third copy is never sent.

So each kill repeats at most the parts that were in flight, at most one per chat (a chat
has one part in flight at a time), and no chat gets any part more than twice, however
many kills follow. Parts waiting for a slot are not in flight: their rows say ``sending``.
How many are in flight is about rate x round trip, capped by ``Limits.max_in_flight``.

**When the log cannot be written** (a full disk: ``database or disk is full``), the run
stops at once: no further part starts, ``Report.record_error`` says what happened, and
``digest --send`` exits non-zero. A part whose intent could not be written was not sent;
one whose outcome could not be written was (the write is retried a few times first) and
is resent at most once by the next run, as above.

Telegram's answers, most specific first (BadRequest and TimedOut are NetworkErrors):

- ``RetryAfter``: waited out by the send budget (up to ``retry_after_max`` times per part,
  each counted in ``Report.retry_after``); then the row stays unfinished for the next run.
- ``Forbidden``: subscription and chat deactivated; the delivery is ``failed``.
- ``ChatMigrated``: chat, subscription and log move to the new id; the part goes there.
- ``BadRequest``: logged; the delivery is ``failed`` for that week; the others go on.
- network errors: retried with exponential backoff; one that may have delivered (the
  request left, no answer came) follows the unknown-outcome rule above. When retries run
  out the row stays unfinished and the next tick resumes it, for as long as that week's
  digest is the current one (``Limits.max_attempts`` can cap it).

Stopping (SIGTERM): set ``stop``; parts waiting for a slot are given up without being sent,
the ones in flight finish and are recorded, and the fan-out returns.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

import aiosqlite
import httpx
from telegram import LinkPreviewOptions
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
from telegram.ext import ExtBot

from bot.logging_setup import redact  # error texts can carry request URLs and tokens
from bot.store import deliveries, subscriptions

log = logging.getLogger(__name__)

DIGEST_LANE = "digest"
DIGEST_PRIORITY = 10  # bot.telegram.scheduler.BULK: after every reply to a person
RECORD_RETRIES = (0.2, 1.0, 3.0)  # seconds between tries of a write after a send
SENDING, IN_FLIGHT, RESENDING = "sending", "in_flight", "resending"


@dataclass(frozen=True)
class Limits:
    max_in_flight: int = 8  # digest parts started and unanswered, at most
    workers: int = 64  # chats in progress at once (most wait for a slot)
    network_retries: int = 4  # per part and run, with exponential backoff
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    # Runs per (chat, week) before a delivery is 'failed'. None: keep trying every tick
    # until the week's digest is no longer the current one; a Telegram outage of an hour
    # must not cost everyone this week's digest.
    max_attempts: int | None = None
    retry_after_max: int = 10  # 429 answers per part and run

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Limits:
        """Defaults, with ``DANVAN_DIGEST_MAX_IN_FLIGHT`` honoured (1 makes at most one
        part unconfirmable at a crash, at the price of a rate of one part per round trip)."""
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
    thread_id: int | None = None  # a forum group's topic (where /dangky was sent)


@dataclass
class Report:
    sent: int = 0  # deliveries completed in this run
    messages: int = 0  # parts accepted by Telegram
    already: int = 0  # deliveries that were final before this run
    failed: int = 0
    deactivated: int = 0
    migrated: int = 0
    unfinished: int = 0  # left unfinished (transient errors, stop) for the next run
    retry_after: int = 0  # every 429 answer, also those the send budget waited out
    resent: int = 0  # parts sent again after an unknown outcome (crash, lost answer)
    assumed: int = 0  # parts counted as delivered after two unknown outcomes
    record_error: str | None = None  # the delivery log could not be written: run stopped
    errors: list[str] = field(default_factory=list)

    _COUNTS = ("sent", "messages", "already", "failed", "deactivated", "migrated",
               "unfinished", "retry_after", "resent", "assumed")  # fmt: skip

    def merge(self, other: Report) -> None:
        for name in self._COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.record_error = self.record_error or other.record_error
        self.errors.extend(other.errors)


@dataclass(frozen=True)
class Resume:
    """Where a chat's digest goes on, from its row (pure: see the module docstring)."""

    index: int  # the next part to send
    resend: bool = False  # that part may have arrived already: this is its one resend
    assumed: bool = False  # the part before ``index`` was counted as delivered


def resume_point(state: str, parts_sent: int) -> Resume:
    if state == IN_FLIGHT:
        return Resume(parts_sent, resend=True)
    if state == RESENDING:
        return Resume(parts_sent + 1, assumed=True)
    return Resume(parts_sent)


def outcome_unknown(exc: TelegramError) -> bool:
    """The request may have reached Telegram, but no answer came back. Telegram's own error
    answers (5xx included) and requests that never left (no connection) are known."""
    cause = exc.__cause__
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return False
    if isinstance(exc, TimedOut):
        return True
    return isinstance(exc, NetworkError) and str(exc).startswith("httpx.")


@dataclass(frozen=True)
class DigestSend:
    """``rate_limit_args`` of a digest part, read by the send budget (its module docstring
    lists the attributes)."""

    prepare: Callable[[], Awaitable[None]]
    on_retry_after: Callable[[float], None]
    max_in_flight: int
    max_retries: int
    priority: int = DIGEST_PRIORITY
    lane: str = DIGEST_LANE


class _Stopped(Exception):
    pass


class _RecordFailed(Exception):
    """The delivery log could not be written; the run is stopping."""


# What Telegram answers when a forum topic was deleted or closed since /dangky.
_TOPIC_GONE = ("thread not found", "topic_closed", "topic_deleted", "topic_id_invalid")


async def send_part(
    bot: ExtBot[Any], chat_id: int, text: str, ticket: DigestSend, thread_id: int | None = None
) -> None:
    """One part, in the subscriber's forum topic if it has one. A topic that is gone (its
    400 answer means nothing was delivered) gets the part in the group itself instead."""
    try:
        await bot.send_message(
            chat_id=chat_id,
            text=text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            message_thread_id=thread_id,
            rate_limit_args=ticket,
        )
    except BadRequest as exc:
        if thread_id is None or not any(s in exc.message.lower() for s in _TOPIC_GONE):
            raise
        log.info("chat %s: topic %s is gone (%s); sent to the group", chat_id, thread_id, exc)
        await send_part(bot, chat_id, text, ticket)


class FanOut:
    """One fan-out run over a list of jobs. Create, then ``await run(jobs)``."""

    def __init__(
        self,
        bot: ExtBot[Any],
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
        self.report.unfinished += queue.qsize()  # never begun (stopped)
        return self.report

    async def _worker(self, queue: asyncio.Queue[Job]) -> None:
        while not self.stop.is_set():
            try:
                job = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                await self._deliver(job)
            except (_Stopped, _RecordFailed):
                self.report.unfinished += 1
                return
            except Exception as exc:  # one chat's failure never stops the others
                log.exception("digest to chat %s failed unexpectedly", job.chat_id)
                await self._note(job, f"unexpected: {exc!r}")
                self.report.unfinished += 1

    # --- the delivery log ------------------------------------------------------------------

    async def _record(self, write: Callable[[], Awaitable[Any]], *, after_send: bool) -> Any:
        """One write to the log. If it fails, the run stops: nothing more is sent. A write
        that records a send that happened is tried a few more times first."""
        delays = RECORD_RETRIES if after_send else ()
        for attempt in range(len(delays) + 1):
            try:
                return await write()
            except sqlite3.Error as exc:
                if attempt < len(delays):
                    self.stop.set()  # nothing new starts while we try again
                    await asyncio.sleep(delays[attempt])
                    continue
                self.stop.set()
                if self.report.record_error is None:
                    self.report.record_error = str(exc)
                    log.error("digest stopped: the delivery log cannot be written: %s", exc)
                raise _RecordFailed(str(exc)) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def _note(self, job: Job, error: str) -> None:
        try:
            await deliveries.note_error(self.db, job.chat_id, job.week, redact(error)[:500])
        except Exception:
            log.exception("could not record the error for chat %s", job.chat_id)

    async def _finish(self, job: Job, state: str, error: str | None = None) -> None:
        await self._record(
            lambda: deliveries.finish(
                self.db, job.chat_id, job.week, state, self.clock(),
                error=None if error is None else redact(error)[:500],
            ),
            after_send=False,
        )  # fmt: skip

    async def _mark(self, job: Job, state: str, index: int) -> None:
        await self._record(
            lambda: deliveries.mark(self.db, job.chat_id, job.week, state, index),
            after_send=state == SENDING,
        )

    # --- one chat --------------------------------------------------------------------------

    async def _deliver(self, job: Job) -> None:
        row = await self._record(
            lambda: deliveries.begin(self.db, job.chat_id, job.week, self.clock()),
            after_send=False,
        )
        if row.state in deliveries.FINAL_STATES:
            self.report.already += 1
            return
        if self.limits.max_attempts is not None and row.attempts > self.limits.max_attempts:
            await self._finish(job, "failed", f"gave up after {row.attempts - 1} attempts: "
                                              f"{row.error or ''}")  # fmt: skip
            self.report.failed += 1
            return
        point = resume_point(row.state, row.parts_sent)
        self.report.assumed += point.assumed
        index, resend = point.index, point.resend
        while index < len(job.parts):
            outcome = await self._send(job, index, resend)
            if outcome == "done":
                return
            if outcome == "assumed":
                self.report.assumed += 1
            else:
                self.report.messages += 1
                self.report.resent += outcome == "resent"
            index, resend = index + 1, False
            if index < len(job.parts):
                await self._mark(job, SENDING, index)
        await self._record(
            lambda: deliveries.finish(
                self.db, job.chat_id, job.week, "sent", self.clock(), parts_sent=len(job.parts)
            ),
            after_send=True,
        )
        self.report.sent += 1

    def _ticket(self, job: Job, index: int, resend: bool) -> DigestSend:
        async def intent() -> None:
            if self.stop.is_set():
                raise _Stopped  # granted after a stop: given up, never sent
            await self._mark(job, RESENDING if resend else IN_FLIGHT, index)

        def counted(seconds: float) -> None:
            self.report.retry_after += 1

        return DigestSend(
            prepare=intent,
            on_retry_after=counted,
            max_in_flight=self.limits.max_in_flight,
            max_retries=self.limits.retry_after_max,
        )

    async def _send(self, job: Job, index: int, resend: bool) -> str:
        """Send part ``index``: 'ok', 'resent' (accepted on its one resend), 'assumed'
        (counted as delivered after two unknown outcomes), or 'done' when the delivery
        ended here (failed, or left unfinished)."""
        text = job.parts[index]
        network_failures = 0
        while True:
            if self.stop.is_set():
                raise _Stopped
            try:
                ticket = self._ticket(job, index, resend)
                await send_part(self.bot, job.chat_id, text, ticket, job.thread_id)
                return "resent" if resend else "ok"
            except RetryAfter as exc:
                await self._mark(job, IN_FLIGHT if resend else SENDING, index)
                await self._note(job, f"RetryAfter {exc}, again and again")
                self.report.unfinished += 1
                return "done"
            except Forbidden as exc:
                log.info("chat %s refuses the bot (%s): deactivated", job.chat_id, exc)
                await self._record(
                    lambda: subscriptions.deactivate_chat(self.db, job.chat_id, self.clock()),
                    after_send=False,
                )
                await self._finish(job, "failed", f"Forbidden: {exc.message}")
                self.report.deactivated += 1
                self.report.failed += 1
                return "done"
            except ChatMigrated as exc:
                await self._mark(job, IN_FLIGHT if resend else SENDING, index)
                new_id = int(exc.new_chat_id)
                log.info("chat %s migrated to %s: moving its subscription", job.chat_id, new_id)
                old_id = job.chat_id
                await self._record(
                    partial(subscriptions.migrate_chat, self.db, old_id, new_id, self.clock()),
                    after_send=False,
                )
                job.chat_id, job.is_group, job.thread_id = new_id, True, None
                self.report.migrated += 1
                moved = await self._record(
                    partial(deliveries.begin, self.db, new_id, job.week, self.clock()),
                    after_send=False,
                )
                if moved.state in deliveries.FINAL_STATES:  # the new id had it already
                    self.report.already += 1
                    return "done"
                continue
            except BadRequest as exc:
                log.warning("chat %s: bad request %s; skipped", job.chat_id, exc.message)
                await self._finish(job, "failed", f"BadRequest: {exc.message}")
                self.report.failed += 1
                self.report.errors.append(f"{job.chat_id}: {redact(exc.message)}")
                return "done"
            except (TimedOut, NetworkError) as exc:
                error = redact(f"{type(exc).__name__}: {exc.message}")
                if outcome_unknown(exc):
                    if resend:
                        log.warning("chat %s: part %d unconfirmed twice (%s); counted as "
                                    "delivered", job.chat_id, index, error)  # fmt: skip
                        return "assumed"
                    resend = True  # the next try is this part's one resend
                else:
                    await self._mark(job, IN_FLIGHT if resend else SENDING, index)
                network_failures += 1
                log.warning("chat %s: %s (try %d)", job.chat_id, error, network_failures)
                if network_failures > self.limits.network_retries:
                    await self._note(job, error)
                    self.report.unfinished += 1
                    return "done"
            except TelegramError as exc:
                log.warning("chat %s: %s; skipped", job.chat_id, redact(exc.message))
                await self._finish(job, "failed", f"{type(exc).__name__}: {exc.message}")
                self.report.failed += 1
                return "done"
            backoff = min(
                self.limits.backoff_max, self.limits.backoff_base * 2 ** (network_failures - 1)
            )
            await self._wait(backoff)

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
