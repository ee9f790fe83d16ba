"""First start on an empty database: load the bundled ``content/`` so replies show something.

Shared by ``danvan-bot run`` and ``danvan-bot chat``. The files go through the article core
on a worker thread, and are saved through the process's one writer.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.sources import files
from bot.store.articles import count

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


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
