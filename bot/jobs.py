"""Scheduler wiring (APScheduler through PTB's JobQueue): feed polling and the digest tick.

The jobs themselves live with their subject (``bot.sources``, ``bot.digest``); this module
only says when they run. The database, not the scheduler, decides what is due, so a late or
missed run loses nothing.
"""

from datetime import timedelta
from typing import Any

from bot.digest.job import schedule_digest
from bot.services import Services
from bot.sources.poll import PollState, poll_job

# Feed polling: the first round soon after start, then every [fetch] interval_minutes.
POLL_FIRST_SECONDS = 15


def schedule_polling(
    job_queue: Any, services: Services, *, first: float = POLL_FIRST_SECONDS
) -> Any:
    """Poll feeds every ``[fetch] interval_minutes``, with jitter (sites are not all hit on
    the minute) and a misfire grace of half an interval (APScheduler's default of 1 s would
    drop a tick the event loop was too busy to start on time). Returns the PTB ``Job``."""
    interval = timedelta(minutes=max(1, services.settings.fetch.interval_minutes))
    return job_queue.run_repeating(
        poll_job,
        interval=interval,
        first=first,
        name="poll-feeds",
        data=PollState(services),
        job_kwargs={
            "misfire_grace_time": int(interval.total_seconds() // 2),
            "coalesce": True,  # after a stall, one catch-up round, not a burst
            "max_instances": 1,
            "jitter": min(120, int(interval.total_seconds() // 10)),
        },
    )


def register_jobs(application: Any, services: Services) -> None:
    """Called by the Application at start-up: every scheduled job, in one place."""
    if application.job_queue is None:
        return
    schedule_polling(application.job_queue, services)
    schedule_digest(application.job_queue, services)
