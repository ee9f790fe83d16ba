"""One send budget for the whole process: replies first, the digest takes what is left.

:class:`SendScheduler` is the PTB rate limiter of the running bot *and* of ``digest
--send`` (``ApplicationBuilder().rate_limiter(...)``, ``ExtBot(rate_limiter=...)``), so every
Bot API call of the process passes through it. Messages (sends and edits) wait here until
:class:`~bot.telegram.budget.SendBudget` says Telegram will take them; other calls (button
answers, member look-ups, polling) go straight through.

Why not PTB's ``AIORateLimiter``: it has no per-private-chat limit, counts a request when it
starts (so jitter bunches arrivals), knows no priorities, and its retry loop swallows 429s
that nobody then sees. Here a person's reply and a digest part are both waiting for a slot,
and the reply gets the next one; the digest fills every slot nobody else wants, up to
Telegram's limit and no further. A reply therefore waits at most about one slot (1/30 s)
behind a running digest, plus whatever its own chat's limit asks.

Callers describe a message with ``rate_limit_args``, any object with these attributes (all
optional; ``None`` means "a reply to a person"):

- ``priority: int``: lower goes first; replies are ``REPLY`` (0), the digest ``BULK``.
- ``lane: str``: in-flight cap, pause and statistics group (default ``"replies"``).
- ``max_in_flight: int``: at most this many of the lane's messages started and unanswered.
- ``max_retries: int``: 429 answers to wait out before raising ``RetryAfter`` (default 3).
- ``prepare()``: a coroutine awaited after the slot is granted, right before the request
  leaves; if it raises, the request is not sent (the digest records its intent there).
- ``on_retry_after(seconds)``: called for every 429 this message got.

Bulk lanes (anything but replies) are also spread evenly, one start every
``(window + margin) / per_second`` (33.5 ms): a digest that filled the one-second window in
its first 100 ms would leave a person's reply waiting for most of a second; spread out, a
reply waits for one slot at most.

A 429 still happens if Telegram's limits are tighter than modelled or another process
shares the token. Then that chat waits ``retry_after``; a lane other than replies pauses
entirely for that long (a bulk send must not keep hitting a limit); every 429 is counted in
:attr:`SendScheduler.stats`, also the ones waited out here.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import logging
import math
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.telegram.budget import NEVER, Limits, SendBudget

log = logging.getLogger(__name__)

REPLY = 0
BULK = 10
REPLIES = "replies"
DEFAULT_RETRIES = 3
# What Telegram counts as messages in a chat: new messages and edits of them.
PACED_METHODS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendAudio", "sendVideo", "sendAnimation",
        "sendVoice", "sendSticker", "sendMediaGroup", "sendLocation", "sendPoll",
        "copyMessage", "forwardMessage", "editMessageText", "editMessageReplyMarkup",
        "editMessageCaption",
    }
)  # fmt: skip

Result = bool | dict[str, Any] | list[dict[str, Any]]


@dataclass
class LaneStats:
    messages: int = 0  # answered by Telegram (any answer but 429)
    retry_after: int = 0  # 429 answers, including those waited out here
    longest_wait: float = 0.0  # seconds from asking to the slot, the worst seen
    round_trips: float = 0.0  # seconds, summed: request left -> answer
    preparing: float = 0.0  # seconds, summed: slot granted -> request left


@dataclass
class Stats:
    lanes: dict[str, LaneStats] = field(default_factory=dict)
    other_retry_after: int = 0  # 429s to calls that are not messages

    def lane(self, name: str) -> LaneStats:
        return self.lanes.setdefault(name, LaneStats())

    def summary(self) -> str:
        parts = [
            f"{name} {s.messages} (429: {s.retry_after}, longest wait {s.longest_wait:.2f} s,"
            f" mean round trip {1000 * s.round_trips / max(1, s.messages):.1f} ms,"
            f" mean prepare {1000 * s.preparing / max(1, s.messages):.1f} ms)"
            for name, s in sorted(self.lanes.items())
        ]
        return "; ".join(parts) + f"; other 429: {self.other_retry_after}"


@dataclass(eq=False)
class _Waiter:
    priority: int
    seq: int
    chat_id: int
    group: bool
    lane: str
    cap: int | None
    asked: float
    granted: asyncio.Future[None]


def retry_after_seconds(exc: RetryAfter) -> float:
    """``retry_after`` as seconds (PTB 22 warns that the int becomes a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: object = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]


def _chat_of(data: dict[str, Any]) -> tuple[int, bool] | None:
    """(chat id, is a group) for a request to one chat; None otherwise. Negative ids are
    groups and channels; ``@channelname`` strings are channels (group-like limits)."""
    raw = data.get("chat_id")
    if raw is None:
        return None
    try:
        chat_id = int(raw)
    except (TypeError, ValueError):
        return (hash(raw), True)
    return chat_id, chat_id < 0


class SendScheduler(BaseRateLimiter[Any]):
    """The process's one send budget; see the module docstring."""

    def __init__(
        self, limits: Limits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.budget = SendBudget(limits)
        self.stats = Stats()
        self._clock = clock
        self._waiting: list[_Waiter] = []  # in (priority, arrival) order
        self._seq = itertools.count()
        self._lane_in_flight: dict[str, int] = {}
        self._lane_paused: dict[str, float] = {}
        self._lane_next: dict[str, float] = {}  # bulk lanes: the next even slot
        lim = self.budget.limits
        self._bulk_gap = (lim.window + lim.margin) / lim.per_second
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = NEVER

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for waiter in self._waiting:
            if not waiter.granted.done():
                waiter.granted.set_exception(RuntimeError("the bot is shutting down"))
        self._waiting.clear()
        if self.stats.lanes:
            log.info("telegram sends: %s", self.stats.summary())

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any | None,
    ) -> Result:
        target = _chat_of(data) if endpoint in PACED_METHODS else None
        if target is None:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter:
                self.stats.other_retry_after += 1
                raise
        chat_id, group = target
        edit = endpoint.startswith("edit")
        ticket = rate_limit_args
        lane: str = getattr(ticket, "lane", REPLIES)
        retries: int = getattr(ticket, "max_retries", DEFAULT_RETRIES)
        prepare: Callable[[], Awaitable[None]] | None = getattr(ticket, "prepare", None)
        on_retry_after: Callable[[float], None] | None = getattr(ticket, "on_retry_after", None)
        stats = self.stats.lane(lane)
        for attempt in itertools.count():
            await self._acquire(chat_id, group, ticket, lane)
            granted = self._clock()
            if prepare is not None:
                try:
                    await prepare()
                except BaseException:
                    self._release(chat_id, group, lane, sent_at=0.0, counted=False, edit=edit)
                    raise
            sent_at = self._clock()
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._release(chat_id, group, lane, sent_at=sent_at, counted=False, edit=edit)
                wait = retry_after_seconds(exc)
                stats.retry_after += 1
                if on_retry_after is not None:
                    on_retry_after(wait)
                log.warning("429 for chat %s (%s): waiting %.1f s", chat_id, lane, wait)
                until = self._clock() + wait
                self.budget.pause(chat_id, until)
                if lane != REPLIES:
                    self._lane_paused[lane] = max(self._lane_paused.get(lane, 0.0), until)
                if attempt >= retries:
                    raise
                continue
            except BaseException:
                self._release(chat_id, group, lane, sent_at=sent_at, counted=True, edit=edit)
                stats.messages += 1
                raise
            self._release(chat_id, group, lane, sent_at=sent_at, counted=True, edit=edit)
            stats.messages += 1
            stats.round_trips += self._clock() - sent_at
            stats.preparing += sent_at - granted
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    # --- slots ---------------------------------------------------------------------------

    async def _acquire(self, chat_id: int, group: bool, ticket: Any, lane: str) -> None:
        waiter = _Waiter(
            priority=getattr(ticket, "priority", REPLY),
            seq=next(self._seq),
            chat_id=chat_id,
            group=group,
            lane=lane,
            cap=getattr(ticket, "max_in_flight", None),
            asked=self._clock(),
            granted=asyncio.get_running_loop().create_future(),
        )
        bisect.insort(self._waiting, waiter, key=lambda w: (w.priority, w.seq))
        self._pump()
        try:
            await waiter.granted
        except asyncio.CancelledError:
            if waiter.granted.done() and not waiter.granted.cancelled():
                self._release(chat_id, group, lane, sent_at=0.0, counted=False)
            else:
                with contextlib.suppress(ValueError):
                    self._waiting.remove(waiter)
            raise

    def _release(
        self,
        chat_id: int,
        group: bool,
        lane: str,
        *,
        sent_at: float,
        counted: bool,
        edit: bool = False,
    ) -> None:
        done = self._clock()
        self.budget.finish(chat_id, sent_at=sent_at or done, done=done, counted=counted,
                           group=group, edit=edit)  # fmt: skip
        self._lane_in_flight[lane] = self._lane_in_flight.get(lane, 1) - 1
        self._pump()

    def _pump(self) -> None:
        """Grant every slot that is free now, best priority first; arm a timer for the
        next moment something could go. Synchronous: nothing interleaves with it."""
        now = self._clock()
        budget = self.budget
        soonest = budget.ready_at(now)
        blocked: set[int] = set()  # chats with an earlier waiter not granted: keep order
        for waiter in list(self._waiting):
            if soonest > now:
                break
            if waiter.chat_id in blocked:
                continue
            paused = max(self._lane_paused.get(waiter.lane, 0.0),
                         self._lane_next.get(waiter.lane, 0.0))  # fmt: skip
            if paused > now:
                self._arm(paused, now)
                blocked.add(waiter.chat_id)
                continue
            if waiter.cap is not None and self._lane_in_flight.get(waiter.lane, 0) >= waiter.cap:
                blocked.add(waiter.chat_id)
                continue  # a finish in that lane pumps again
            at = budget.chat_ready_at(now, waiter.chat_id, group=waiter.group)
            if at > now:
                self._arm(at, now)
                blocked.add(waiter.chat_id)
                continue
            self._waiting.remove(waiter)
            if waiter.granted.done():  # cancelled meanwhile
                continue
            budget.start(waiter.chat_id, now)
            self._lane_in_flight[waiter.lane] = self._lane_in_flight.get(waiter.lane, 0) + 1
            if waiter.lane != REPLIES:
                # A late timer (a busy machine) may catch up two slots; the window still
                # holds the limit, and the rhythm does not drift.
                slot = max(self._lane_next.get(waiter.lane, 0.0), now - 2 * self._bulk_gap)
                self._lane_next[waiter.lane] = slot + self._bulk_gap
            stats = self.stats.lane(waiter.lane)
            stats.longest_wait = max(stats.longest_wait, now - waiter.asked)
            waiter.granted.set_result(None)
            soonest = budget.ready_at(now)
        if self._waiting and soonest > now:
            self._arm(soonest, now)

    def _arm(self, at: float, now: float) -> None:
        """Pump again at ``at`` (NEVER: a finish will pump). Keeps the earliest timer."""
        if at == NEVER or math.isinf(at):
            return
        if self._timer is not None and self._timer_at <= at and self._timer_at > now:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = at
        self._timer = asyncio.get_running_loop().call_later(max(0.0, at - now), self._fire)

    def _fire(self) -> None:
        self._timer = None
        self._timer_at = NEVER
        self._pump()
