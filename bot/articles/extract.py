"""Extraction (pure): title, event date, provinces, level, meeting kind, chairs, summary."""

from __future__ import annotations

from datetime import date

from bot.articles.clean import Cleaned
from bot.articles.model import Extraction
from bot.text.provinces import Gazetteer


def extract(
    cleaned: Cleaned,
    *,
    gazetteer: Gazetteer,
    given_title: str | None = None,
    published: date | None = None,
) -> Extraction:
    title = given_title or (cleaned.paragraphs[0][:120] if cleaned.paragraphs else "(không có tiêu đề)")
    return Extraction(
        title=title,
        published=published,
        event_date=None,
        provinces=gazetteer.mentions(cleaned.body),
        level="unknown",
        meeting_kind=None,
        chairs=(),
        summary=" ".join(cleaned.paragraphs[:2])[:400],
    )
