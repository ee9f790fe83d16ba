"""Per-user flood protection: a token bucket per user, with an injected monotonic clock.

Use (from the update handlers, before doing any work for a command or button press)::

    guard = FloodGuard()                      # one per process; burst 5, 1 command/s refill
    decision = guard.check(user_id)
    if decision is Decision.ALLOW:
        ...answer normally...
    elif decision is Decision.NOTICE:
        ...send FLOOD_NOTICE once (its own message, no work done)...
    else:  # Decision.DROP
        ...do nothing at all: no reply, no database work...

Semantics: each user has a bucket of ``burst`` tokens refilled at ``rate`` per second. A
command takes one token (ALLOW). With an empty bucket the first command gets NOTICE and
later ones DROP, until a token is back; after the next ALLOW a new flood earns one new
notice. Buckets are per user, so one user's flood never delays anyone else's answers.
``check`` is O(1) and never blocks; ``retry_after(user_id)`` says how long until the next
token. Buckets that have refilled completely are forgotten (bounded memory).

Updates without a user (channel posts) can use the chat id as the key. Not thread-safe:
call it from the event loop only (PTB handlers all run there).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

FLOOD_NOTICE = "Bạn gửi quá nhanh. Xin chờ vài giây rồi gửi lại lệnh nhé."


class Decision(enum.Enum):
    ALLOW = "allow"  # answer this command
    NOTICE = "notice"  # over the limit: tell the user once
    DROP = "drop"  # over the limit and already told: stay silent


@dataclass
class _Bucket:
    tokens: float
    updated: float
    noticed: bool = False


class FloodGuard:
    """Token bucket per user id; see the module docstring for how handlers use it."""

    def __init__(
        self,
        burst: int = 5,
        rate: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        prune_above: int = 10_000,
    ) -> None:
        if burst < 1 or rate <= 0:
            raise ValueError("burst must be >= 1 and rate > 0")
        self.burst = burst
        self.rate = rate
        self._clock = clock
        self._prune_above = prune_above
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int) -> Decision:
        """Take one token for ``user_id`` and say what to do with this command."""
        now = self._clock()
        bucket = self._refilled(user_id, now)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.noticed = False
            return Decision.ALLOW
        if bucket.noticed:
            return Decision.DROP
        bucket.noticed = True
        return Decision.NOTICE

    def retry_after(self, user_id: int) -> float:
        """Seconds until ``user_id`` may send the next command (0 when they may now)."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            return 0.0
        tokens = min(self.burst, bucket.tokens + (self._clock() - bucket.updated) * self.rate)
        return max(0.0, (1.0 - tokens) / self.rate)

    def __len__(self) -> int:
        return len(self._buckets)

    def _refilled(self, user_id: int, now: float) -> _Bucket:
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= self._prune_above:
                self._prune(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
            return bucket
        elapsed = max(0.0, now - bucket.updated)  # a clock that steps back grants nothing
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate)
        bucket.updated = now
        return bucket

    def _prune(self, now: float) -> None:
        # A full bucket holds no state worth keeping: a new one would be identical.
        full_after = self.burst / self.rate
        stale = [u for u, b in self._buckets.items() if now - b.updated >= full_after]
        for user_id in stale:
            del self._buckets[user_id]
