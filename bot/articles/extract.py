"""Extraction (pure): title, event date, provinces, level, meeting kind, chairs, summary.

A careful reader reads a news page in this order, and so does :func:`extract`:

1. the lead: the first paragraph that reports something, after page clutter
   (:mod:`bot.articles.lead`, :mod:`bot.articles.clutter`);
2. the reported event: the sentence that says who held what, and when
   (:mod:`bot.articles.event`); a text that reports none gets no kind and no date;
3. from the event: its kind (:mod:`bot.articles.kinds`), its date and year
   (:mod:`bot.articles.event_date`), the level of its organisers
   (:mod:`bot.articles.levels`), its chairs (:mod:`bot.articles.chairs`), and the provinces
   of the article (:mod:`bot.articles.places`);
4. a summary that starts at the lead and keeps the event sentence
   (:mod:`bot.articles.summarize`).

When the text does not say, the field stays empty: a wrong province or year is worse than
none.
"""

from __future__ import annotations

import re
from datetime import date

from bot.articles.chairs import chairs_of
from bot.articles.clean import Cleaned
from bot.articles.event import find_event
from bot.articles.event_date import event_date
from bot.articles.kinds import meeting_kind
from bot.articles.lead import heading_before
from bot.articles.levels import level_of
from bot.articles.model import Extraction
from bot.articles.places import provinces_of
from bot.articles.summarize import summarize
from bot.text.provinces import Gazetteer
from bot.text.sentences import split_sentences

UNTITLED = "(Không có tiêu đề)"
_CENTRAL_CITIES = {"Hà Nội", "Thành phố Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}
_CENTRAL_CITY_NAMED = re.compile(
    r"Hà\s+Nội|Hồ\s+Chí\s+Minh|HCM|Hải\s+Phòng|Đà\s+Nẵng|Cần\s+Thơ|Thủ\s+đô|CATP"
)


def extract(
    cleaned: Cleaned,
    *,
    gazetteer: Gazetteer,
    given_title: str | None = None,
    published: date | None = None,
) -> Extraction:
    paragraphs = cleaned.paragraphs
    lead = min(cleaned.lead, len(paragraphs) - 1) if paragraphs else 0
    headline = (given_title or cleaned.headline or heading_before(paragraphs, lead) or "").strip()
    title = headline or derive_title(paragraphs[lead] if paragraphs else "")
    published = published or cleaned.published
    event = find_event(paragraphs, lead, headline)
    body = "\n".join(paragraphs)
    text = f"{headline}\n{body}" if headline else body

    def central_city() -> bool:  # asked only when a bare "Thành ủy" or "thành phố" leads
        outlet_unit = gazetteer.outlet_province(cleaned.outlet) if cleaned.outlet else None
        return bool(_CENTRAL_CITY_NAMED.search(text)) or (
            outlet_unit is not None and outlet_unit.current in _CENTRAL_CITIES
        )

    level = level_of(
        event,
        paragraphs,
        lead,
        headline=headline,
        central_city=central_city,
        names_province=lambda s: bool(gazetteer.mentions(s)),
    )
    chairs: list[str] = []
    if event is not None:
        start = min(lead, event.paragraph)
        chairs = chairs_of(paragraphs, start, event.end, places=gazetteer.place_names)
    return Extraction(
        title=title,
        published=published,
        event_date=event_date(
            event,
            paragraphs,
            headline=headline,
            year_month=cleaned.year_month,
            published=published,
        ),
        provinces=provinces_of(
            gazetteer,
            headline=headline,
            paragraphs=paragraphs,
            event=event,
            level=level,
            outlet=cleaned.outlet,
            credits=cleaned.credits,
        ),
        level=level,
        meeting_kind=meeting_kind(event.name if event else None, headline, body),
        chairs=tuple(chairs),
        summary=summarize(
            paragraphs[lead : event.end if event else None],  # a listing page: its first item
            title=title,
            event=event.sentence if event else None,
        ),
    )


# --- title ---------------------------------------------------------------------------------

_LEAD_PREFIX = re.compile(
    r"^(?:(?:sáng|chiều|trưa|tối|đêm|ngày|hôm\s+nay|hôm\s+qua)[^,]{0,40},\s*)?"
    r"(?:(?:tại|ở)\s+[^,]{1,60},\s*)?",
    re.IGNORECASE,
)


def derive_title(lead: str, limit: int = 140) -> str:
    """A headline for a text that has none: its first sentence, without the when/where."""
    sentences = split_sentences(lead)
    if not sentences:
        return UNTITLED
    first = _LEAD_PREFIX.sub("", sentences[0]).rstrip(" .…/")
    if not first:
        return UNTITLED
    first = first[0].upper() + first[1:]
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return cut + "…"
