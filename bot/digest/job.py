"""The digest's async shell: who gets which digest now, and the scheduler tick.

The tick wakes every minute; the database decides what is due (``schedule.due_now``) and
what was sent (the delivery log), so a late, missed or doubled tick loses nothing and sends
nothing twice. It also runs once at start-up, so digests that fell due during a downtime of
the current week go out at once. ``danvan-bot digest --send`` uses :func:`send_week`, the
same idempotent path.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from telegram.ext import ExtBot

from bot.digest.compose import Digest, compose, week_days
from bot.digest.deliver import FanOut, Job, Limits, Report
from bot.digest.schedule import IsoWeek, digest_week_at, due_now, zone
from bot.store import articles, deliveries, subscriptions
from bot.store.subscriptions import Subscription

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

TICK_SECONDS = 60


async def digest_for(services: Services, week: IsoWeek, provinces: Collection[str] = ()) -> Digest:
    """Compose one digest from the database (for previews and replies)."""
    start, end = week_days(week)
    found = await articles.in_period(services.db, start, end)
    return compose(week, found, provinces)


async def _jobs_for(
    services: Services, week: IsoWeek, subs: Iterable[Subscription], bot_username: str | None
) -> list[Job]:
    start, end = week_days(week)
    found = await articles.in_period(services.db, start, end)
    # One composition per province filter and link style: in a channel nobody can send
    # /tomtat_12, so its summaries are t.me links that open the private chat.
    cache: dict[tuple[tuple[str, ...], str | None], Digest] = {}
    jobs = []
    for s in subs:
        deep = bot_username if s.chat_type == "channel" and bot_username else None
        key = (tuple(sorted(s.provinces)), deep)
        if key not in cache:
            cache[key] = compose(week, found, key[0], deep_link_bot=deep)
        is_group = s.chat_type in ("group", "supergroup")
        jobs.append(Job(s.chat_id, str(week), cache[key].parts, is_group, s.thread_id))
    return jobs


def _username(bot: ExtBot[Any]) -> str | None:
    """The bot's @username once it has asked Telegram (getMe); None before."""
    try:
        return bot.username or None
    except RuntimeError:  # not initialized: no deep links, /tomtat_12 still works
        return None


async def send_week(
    services: Services,
    bot: ExtBot[Any],
    week: IsoWeek,
    *,
    chat_ids: Collection[int] | None = None,
    stop: asyncio.Event | None = None,
    limits: Limits | None = None,
) -> Report:
    """Send ``week``'s digest to every active subscriber (or those in ``chat_ids``) that
    has not had it yet, whatever their chosen day."""
    subs = await subscriptions.active(services.db)
    if chat_ids is not None:
        subs = [s for s in subs if s.chat_id in chat_ids]
    done = await deliveries.finished_chats(services.db, {str(week)})
    pending = [s for s in subs if (s.chat_id, str(week)) not in done]
    report = Report(already=len(subs) - len(pending))
    if pending:
        jobs = await _jobs_for(services, week, pending, _username(bot))
        run = FanOut(bot, services.db, services.clock, limits=limits, stop=stop)
        report.merge(await run.run(jobs))
    return report


async def run_due(
    services: Services,
    bot: ExtBot[Any],
    *,
    stop: asyncio.Event | None = None,
    limits: Limits | None = None,
) -> Report:
    """Deliver every digest that is due now and not yet sent (one scheduler tick)."""
    now = services.clock()
    subs = await subscriptions.active(services.db)
    weeks = {str(digest_week_at(now, zone(s.timezone))) for s in subs}
    done = await deliveries.finished_chats(services.db, weeks)
    due = due_now([s.schedule_entry() for s in subs], now, done)
    report = Report()
    if not due:
        return report
    by_chat = {s.chat_id: s for s in subs}
    by_week: dict[IsoWeek, list[Subscription]] = {}
    for d in due:
        by_week.setdefault(d.week, []).append(by_chat[d.chat_id])
    for week, week_subs in sorted(by_week.items()):
        log.info("digest %s due for %d chats", week, len(week_subs))
        jobs = await _jobs_for(services, week, week_subs, _username(bot))
        run = FanOut(bot, services.db, services.clock, limits=limits, stop=stop)
        report.merge(await run.run(jobs))
        if stop is not None and stop.is_set():
            break
    return report


class DigestTicker:
    """The scheduler's view: one fan-out at a time, and a stop that follows the app's."""

    def __init__(self, services: Services, limits: Limits | None = None) -> None:
        self.services = services
        self.limits = limits or Limits.from_env(os.environ)
        self.stop = asyncio.Event()
        self._busy = asyncio.Lock()

    async def tick(self, bot: ExtBot[Any], is_running: Any = None) -> Report | None:
        if self._busy.locked():
            return None  # the previous fan-out is still going; it will pick these up
        async with self._busy:
            watcher = None
            if callable(is_running):
                watcher = asyncio.create_task(self._watch(is_running))
            try:
                report = await run_due(self.services, bot, stop=self.stop, limits=self.limits)
            finally:
                if watcher is not None:
                    watcher.cancel()
            if report.messages or report.failed or report.unfinished:
                log.info("digest tick: %s", summary(report))
            return report

    async def _watch(self, is_running: Any) -> None:
        """PTB's Application.stop() clears ``running`` and then waits for running jobs:
        noticing it lets the fan-out finish the message in flight and return."""
        while is_running():
            await asyncio.sleep(0.2)
        self.stop.set()


def summary(r: Report) -> str:
    """One line for logs and ``digest --send``: every count of the run, 429s included."""
    line = (
        f"{r.sent} delivered ({r.messages} messages), {r.already} already had it,"
        f" {r.failed} failed, {r.deactivated} deactivated, {r.migrated} migrated,"
        f" {r.unfinished} unfinished, {r.retry_after} rate-limit answers (429),"
        f" {r.resent} resent after an unknown outcome, {r.assumed} counted as delivered"
    )
    if r.record_error:
        line += f"; STOPPED: the delivery log could not be written ({r.record_error})"
    return line


def schedule_digest(job_queue: Any, services: Services) -> Any:
    """Wire the digest tick into PTB's JobQueue: every minute, and once right at start.

    ``misfire_grace_time`` is generous and runs coalesce: APScheduler's default of 1 s would
    silently drop a tick that fires late; a late tick is harmless here.
    """
    ticker = DigestTicker(services)

    async def callback(context: Any) -> None:
        app = context.application
        await ticker.tick(context.bot, lambda: app.running)

    return job_queue.run_repeating(
        callback,
        interval=TICK_SECONDS,
        first=1,
        name="digest-tick",
        job_kwargs={"misfire_grace_time": 3600, "coalesce": True, "max_instances": 2},
    )
