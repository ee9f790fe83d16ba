"""Start-up on a database: load the bundled ``content/`` when the archive is empty, and bring
the archive's relevance scores up to the classifier's version.

Every command that reads the archive (``run``, ``chat``, ``search``, ``stats``, ``digest``)
opens it through :func:`open_archive`, so a fresh database looks the same whatever the
first command is. ``import`` and ``fetch`` write their own articles and load nothing else.
The files go through the article core on a worker thread, and are saved through the
process's one writer. The re-scoring (``bot.store.relevance.rescore_stale``) is started by
``danvan-bot run`` and ``danvan-bot chat``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.sources import files
from bot.store.articles import count
from bot.store.relevance import RescoreReport, rescore_stale

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.services import Services

log = logging.getLogger(__name__)

# Background tasks keep a reference here until they finish (the loop holds only weak ones).
_background: set[asyncio.Task[RescoreReport]] = set()


async def import_bundled_if_empty(services: Services) -> None:
    if await count(services.db) > 0:
        return
    folder = services.settings.content_dir / "articles"
    if not folder.is_dir():
        return
    articles, failed = await asyncio.to_thread(files.process_files, [folder])
    for path, reason in failed:
        log.warning("bundled article %s skipped: %s", path, reason)
    results = await services.writer.save_many(articles, services.clock())
    log.info("imported %d bundled articles from %s", len(results), folder)


async def open_archive(settings: Settings) -> Services:
    """The services on the configured database, the bundled articles loaded if it is
    empty; nothing is left open on a failure."""
    from bot.services import Services

    services = await Services.open(settings)
    try:
        await import_bundled_if_empty(services)
    except BaseException:
        await services.close()
        raise
    return services


def start_rescore(services: Services) -> asyncio.Task[RescoreReport]:
    """Re-score, in the background, the articles another classifier version scored (after
    an upgrade that changed the relevance rules). Nothing is read when the archive is
    current. Otherwise batches of 500: read in turn with the bot's queries, classified on a
    worker thread, written as short transactions through the one writer; the bot answers
    meanwhile, a stale article keeping its old label until its batch (~10 s per 100,000
    articles). A run cut short (shutdown) goes on at the next start."""
    task = asyncio.get_running_loop().create_task(_rescore(services))
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task


async def _rescore(services: Services) -> RescoreReport:
    try:
        report = await rescore_stale(services.db)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # the services closed under it, or the database is in trouble
        log.info("relevance re-scoring stopped (%s); it goes on at the next start", exc)
        return RescoreReport(done=False)
    if report.scored:
        log.info(
            "relevance re-scored: %d articles, %d now shown, %d now filtered out",
            report.scored,
            report.shown,
            report.hidden,
        )
    return report
