"""When a source is next due: its interval after a success, exponential backoff after
failures (capped, so a source failing for days is still tried about once a day). Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_BACKOFF = timedelta(hours=24)
# Spread of the next due time, as a share of the delay, so sources drift apart.
JITTER_SHARE = 0.1


def next_due(
    now: datetime,
    interval_minutes: int,
    failures: int,
    *,
    jitter: float = 0.0,
    retry_after: float | None = None,
) -> datetime:
    """The next fetch time. ``failures`` counts consecutive failures including this one;
    ``jitter`` in [-1, 1] (the caller draws it) moves the time by up to ``JITTER_SHARE``."""
    base = timedelta(minutes=max(1, interval_minutes))
    delay = base if failures <= 0 else min(base * 2 ** min(failures, 20), MAX_BACKOFF)
    delay = max(delay, base)  # a huge interval is not cut by the cap
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=min(retry_after, MAX_BACKOFF.total_seconds())))
    return now + delay * (1 + JITTER_SHARE * max(-1.0, min(1.0, jitter)))
