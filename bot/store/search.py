"""Full-text search over the archive (placeholder: the ranked FTS5 version replaces it)."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.articles.model import StoredArticle


@dataclass(frozen=True)
class SearchHit:
    article: StoredArticle
    snippet_html: str  # escaped text with <b>…</b> around the hits; safe for Telegram HTML


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[SearchHit]
    total: int  # number of matches (a lower bound when total_is_lower_bound)
    total_is_lower_bound: bool
    offset: int


async def search(
    db: aiosqlite.Connection, query: str, *, limit: int = 5, offset: int = 0
) -> SearchPage:
    """Articles matching ``query`` with or without diacritics, best first. Never raises on
    user input: an empty or odd query gives an empty page."""
    return SearchPage(query, [], 0, False, offset)
