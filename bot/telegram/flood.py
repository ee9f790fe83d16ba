"""Per-user flood protection, decided when an update *arrives* (not when it is answered).

Two token buckets per user, with an injected monotonic clock:

- commands and texts (:data:`COMMANDS`): a burst of 5, then one every 2 seconds. The first
  one over the limit gets :data:`COMMAND_NOTICE`, a message that names a quiet window
  (10 s): everything that user sends inside the window is left unanswered, as the notice
  said it would be; after it, the bucket has refilled and answers resume. So no command is
  dropped without a word: the notice covers exactly the ones it announced.
- button presses (:data:`BUTTONS`): looser, a burst of 10, then one a second (paging edits
  one message and costs little). Every press over the limit is answered in
  ``answerCallbackQuery`` with :data:`BUTTON_NOTICE` (a toast), never with a chat message:
  in a group, the others do not see it.

The decision is taken on arrival (:mod:`bot.telegram.updates` calls
:meth:`FloodGate.admit`), before the update queues behind the earlier ones of its chat, and
read by the handler when its turn comes (:meth:`FloodGate.verdict`). Decided later, a
flood paced by Telegram's one message a second per chat would refill the bucket as fast as
it drains, and the guard would never fire.

``check`` is O(1) and never blocks; buckets that have refilled completely are forgotten
(bounded memory). Not thread-safe: call it from the event loop only.
"""

from __future__ import annotations

import enum
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

COMMAND_NOTICE = (
    "Bạn gửi lệnh nhanh quá. Trong {seconds} giây tới mình sẽ không trả lời thêm lệnh nào "
    "của bạn; sau đó bạn gửi lại lệnh cần hỏi nhé."
)
BUTTON_NOTICE = "Bạn bấm nhanh quá. Xin chờ {seconds} giây rồi bấm lại nhé."


class Decision(enum.Enum):
    ALLOW = "allow"  # answer it
    NOTICE = "notice"  # over the limit: say so (a message, or a toast for a button)
    DROP = "drop"  # inside a quiet window that a notice announced: no answer


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    wait: float = 0.0  # seconds until this user is answered again

    @property
    def seconds(self) -> int:
        """``wait`` as whole seconds for a notice (at least 1)."""
        return max(1, math.ceil(self.wait - 1e-9))


ALLOWED = Verdict(Decision.ALLOW)


@dataclass
class _Bucket:
    tokens: float
    updated: float
    quiet_until: float = 0.0


class FloodGuard:
    """Token bucket per key (a user id). Over the limit: with ``quiet`` > 0 one NOTICE,
    then DROP until the quiet window ends; with ``quiet`` == 0 a NOTICE every time."""

    def __init__(
        self,
        burst: int = 5,
        rate: float = 0.5,
        *,
        quiet: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        prune_above: int = 10_000,
    ) -> None:
        if burst < 1 or rate <= 0 or quiet < 0:
            raise ValueError("burst must be >= 1, rate > 0 and quiet >= 0")
        self.burst = burst
        self.rate = rate
        self.quiet = quiet
        self._clock = clock
        self._prune_above = prune_above
        self._buckets: dict[Hashable, _Bucket] = {}

    def check(self, key: Hashable) -> Verdict:
        """Take one token for ``key`` and say what to do with this update."""
        now = self._clock()
        bucket = self._refilled(key, now)
        if now < bucket.quiet_until:
            return Verdict(Decision.DROP, bucket.quiet_until - now)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return ALLOWED
        if self.quiet > 0:
            bucket.quiet_until = now + self.quiet
            return Verdict(Decision.NOTICE, self.quiet)
        return Verdict(Decision.NOTICE, (1.0 - bucket.tokens) / self.rate)

    def __len__(self) -> int:
        return len(self._buckets)

    def _refilled(self, key: Hashable, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._prune_above:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            return bucket
        elapsed = max(0.0, now - bucket.updated)  # a clock that steps back grants nothing
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate)
        bucket.updated = now
        return bucket

    def _prune(self, now: float) -> None:
        # A full bucket outside a quiet window is what a new one would be.
        full_after = self.burst / self.rate
        stale = [
            k
            for k, b in self._buckets.items()
            if now - b.updated >= full_after and now >= b.quiet_until
        ]
        for key in stale:
            del self._buckets[key]


def command_guard(clock: Callable[[], float] = time.monotonic) -> FloodGuard:
    return FloodGuard(burst=5, rate=0.5, quiet=10.0, clock=clock)


def button_guard(clock: Callable[[], float] = time.monotonic) -> FloodGuard:
    return FloodGuard(burst=10, rate=1.0, quiet=0.0, clock=clock)


class Kind(enum.Enum):
    COMMAND = "command"
    BUTTON = "button"


class FloodGate:
    """Both guards, and the verdicts taken on arrival until the handlers read them."""

    def __init__(
        self,
        commands: FloodGuard | None = None,
        buttons: FloodGuard | None = None,
        *,
        remember: int = 10_000,
    ) -> None:
        self.commands = commands or command_guard()
        self.buttons = buttons or button_guard()
        self._verdicts: OrderedDict[int, Verdict] = OrderedDict()
        self._remember = remember

    def admit(self, update_id: int, kind: Kind, user_key: Hashable) -> Verdict:
        guard = self.commands if kind is Kind.COMMAND else self.buttons
        verdict = guard.check(user_key)
        if verdict is not ALLOWED:
            self._verdicts[update_id] = verdict
            while len(self._verdicts) > self._remember:  # a handler that never ran
                self._verdicts.popitem(last=False)
        return verdict

    def verdict(self, update_id: int) -> Verdict:
        """What was decided on arrival (ALLOW when nothing was)."""
        return self._verdicts.pop(update_id, ALLOWED)
