"""The feed-polling job: on each tick, ingest the sources the database says are due.

The scheduler only wakes us; ``sources.next_due_at`` decides what to fetch, so a late,
missed or doubled tick neither skips nor repeats work. A lock keeps one round at a time per
process even if a round outlasts the interval.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from bot.services import Services
from bot.sources.ingest import SourceReport, run_round
from bot.store.sources import sync_config_sources

log = logging.getLogger(__name__)


@dataclass
class PollState:
    services: Services
    synced: bool = False  # config sources are upserted once per process, on the first tick
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    rounds: int = 0
    round_done: asyncio.Event = field(default_factory=asyncio.Event)  # set after each round


async def poll_once(state: PollState) -> list[SourceReport]:
    """One round over the due sources. Never raises for a bad source."""
    if state.lock.locked():
        log.info("feed poll still running; skipping this tick")
        return []
    async with state.lock:
        services = state.services
        if not state.synced:
            await sync_config_sources(services.db, services.settings.sources)
            state.synced = True
        try:
            reports = await run_round(services, due_only=True)
        finally:
            state.rounds += 1
            state.round_done.set()
        failed = sum(1 for r in reports if r.outcome == "failed")
        new = sum(r.new for r in reports)
        if reports:
            log.info("feed poll: %d sources, %d new articles, %d failed", len(reports), new, failed)
        return reports


async def poll_job(context: Any) -> None:
    """PTB JobQueue callback; ``context.job.data`` is a :class:`PollState`."""
    state = context.job.data
    assert isinstance(state, PollState)
    try:
        await poll_once(state)
    except Exception:  # the database went away, a bug: log it, keep the schedule alive
        log.exception("feed poll round failed")
