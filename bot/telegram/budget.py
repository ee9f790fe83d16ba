"""Telegram's send limits as a pure model: when may the next message to a chat leave?

Telegram allows about 30 messages a second overall, about one a second per chat (with short
bursts) and 20 a minute per group, and answers ``429 retry after N`` beyond. The process
keeps one :class:`SendBudget` (inside :mod:`bot.telegram.scheduler`) and asks it before
every message, replies and digest alike, so it never needs a retry loop to hide 429s.

**What is counted when.** Telegram counts a message when it *arrives*; the sender only
knows when its request left (``start``) and when the answer came back (``done``). Counting
at the start would be wrong under jitter: a request slow on its way makes the next ones
look bunched. Counting at ``done`` is always safe (the message arrived before its answer
left, and a later request arrives after it starts), but at a 150 ms round trip it would
cost an eighth of the rate. So a finished message is counted at ``done - floor/2``, where
``floor`` is the fastest round trip seen so far, and a message in flight counts in every
window (it may arrive any moment). That is safe as long as the way back of the earlier
message and the way in of the later one together take at least half the fastest round
trip seen: true for any network whose delays do not swing by more than the fastest round
trip itself. Until ``warmup`` round trips have been seen the fastest is not known well
(the first requests of a busy process are slow for reasons that say nothing about the
network), so messages count at ``done`` until then. At a steady round trip *r* the
overall rate is 30 / (1.004 + r/2 s), e.g. 29.2/s at 50 ms; on a local server, 29.9/s.

Limits kept, all on those times:

- overall: at most ``per_second`` messages in any ``window + margin`` seconds (sliding);
- per chat: a token bucket (``chat_rate``/s, ``chat_burst``) and one message in flight, so
  a chat's messages keep their order;
- per group: at most ``group_per_minute`` in any 60 s (sliding), on top of the bucket;
- an edit counts overall and, in groups, like a message; in a private chat it only waits
  for the chat's previous request (paging must feel immediate; Telegram's documented
  per-chat limit is about messages, and a 429 there would still be waited out);
- after a 429 for a chat: nothing to it until the ``retry_after`` has passed.

Times are floats from one monotonic clock, passed in (no clock inside): the model is a
plain object that unit tests drive with made-up times.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

NEVER = math.inf


@dataclass(frozen=True)
class Limits:
    per_second: int = 30  # messages in any window overall
    window: float = 1.0
    # Rounding, clock granularity and the server's own time: 4 ms keeps 29.9 msg/s.
    margin: float = 0.004
    chat_rate: float = 1.0  # per chat, per second
    chat_burst: float = 3.0
    # The per-chat limits are met by waiting to the exact moment a token is back; the
    # arrival estimate is good to about a millisecond, so wait a little longer (cheap at 1/s).
    chat_margin: float = 0.02
    group_per_minute: int = 20
    group_window: float = 60.0


@dataclass
class _Chat:
    tokens: float
    at: float  # when ``tokens`` was true
    in_flight: bool = False
    paused_until: float = 0.0
    recent: list[float] = field(default_factory=list)  # groups: counted times, sorted


class SendBudget:
    """The limits above, for every chat this process talks to."""

    def __init__(
        self, limits: Limits | None = None, *, warmup: int = 100, prune_above: int = 4096
    ) -> None:
        self.limits = limits or Limits()
        self.floor = NEVER  # fastest round trip seen (seconds); NEVER until the first
        self.samples = 0  # round trips seen
        self.warmup = warmup
        self.in_flight = 0
        self._recent: list[float] = []  # counted times overall, sorted
        self._chats: dict[int, _Chat] = {}
        self._prune_above = prune_above

    # --- asking --------------------------------------------------------------------------

    def ready_at(self, now: float) -> float:
        """Earliest time (>= now) the overall limit lets one more message start; NEVER
        while ``per_second`` are in flight (the next finish will tell)."""
        lim = self.limits
        span = lim.window + lim.margin
        _drop_older(self._recent, now - span)
        free = lim.per_second - self.in_flight
        if free <= 0:
            return NEVER
        if len(self._recent) < free:
            return now
        # The oldest (len - free + 1) counted messages must leave the window first.
        return max(now, self._recent[len(self._recent) - free] + span)

    def chat_ready_at(self, now: float, chat_id: int, *, group: bool) -> float:
        """Earliest time (>= now) a message to ``chat_id`` may start, NEVER while one is in
        flight there."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return now
        if chat.in_flight:
            return NEVER
        lim = self.limits
        at = max(now, chat.paused_until)
        tokens = min(lim.chat_burst, chat.tokens + (at - chat.at) * lim.chat_rate)
        if tokens < 1.0:
            at += (1.0 - tokens) / lim.chat_rate + lim.chat_margin
        if group:
            _drop_older(chat.recent, now - lim.group_window - lim.chat_margin)
            over = len(chat.recent) - lim.group_per_minute + 1
            if over > 0:
                at = max(at, chat.recent[over - 1] + lim.group_window + lim.chat_margin)
        return at

    # --- telling -------------------------------------------------------------------------

    def start(self, chat_id: int, now: float) -> None:
        """A message to ``chat_id`` was let go (counted everywhere until it finishes)."""
        chat = self._chats.get(chat_id)
        if chat is None:
            if len(self._chats) >= self._prune_above:
                self._prune(now)
            chat = self._chats[chat_id] = _Chat(self.limits.chat_burst, 0.0)
        chat.in_flight = True
        self.in_flight += 1

    def finish(
        self,
        chat_id: int,
        *,
        sent_at: float,
        done: float,
        counted: bool,
        group: bool,
        edit: bool = False,
    ) -> None:
        """The request that left at ``sent_at`` was answered (or failed) at ``done``.

        ``counted=False`` when Telegram certainly did not take it (a 429, or it never left):
        it then uses up nothing. Anything else counts, an error answer or a lost one too."""
        self.in_flight -= 1
        rtt = done - sent_at
        if counted and rtt >= 0:
            self.floor = min(self.floor, rtt)
            self.samples += 1
        chat = self._chats.get(chat_id)
        if chat is None:  # only if start() was skipped: nothing to release
            return
        chat.in_flight = False
        if not counted:
            return
        at = done - (self.floor / 2 if self.samples >= self.warmup else 0.0)
        bisect.insort(self._recent, at)
        if edit and not group:
            return
        lim = self.limits
        refilled = chat.tokens + max(0.0, at - chat.at) * lim.chat_rate
        chat.tokens = min(lim.chat_burst, refilled) - 1.0
        chat.at = max(chat.at, at)
        if group:
            bisect.insort(chat.recent, at)

    def pause(self, chat_id: int, until: float) -> None:
        """Telegram said 429 for this chat: nothing more to it before ``until``."""
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(self.limits.chat_burst, 0.0)
        chat.paused_until = max(chat.paused_until, until)

    def __len__(self) -> int:
        return len(self._chats)

    def _prune(self, now: float) -> None:
        """Forget chats whose state is back to a fresh chat's (full bucket, no window)."""
        lim = self.limits
        refill = lim.chat_burst / lim.chat_rate
        for chat_id, chat in list(self._chats.items()):
            idle = not chat.in_flight and chat.paused_until <= now
            if idle and now - chat.at >= max(refill, lim.group_window if chat.recent else 0):
                del self._chats[chat_id]
        self._prune_above = max(self._prune_above, 2 * len(self._chats))


def _drop_older(times: list[float], cutoff: float) -> None:
    """Remove the sorted ``times`` at or before ``cutoff`` (they count in no window)."""
    k = bisect.bisect_right(times, cutoff)
    if k:
        del times[:k]
