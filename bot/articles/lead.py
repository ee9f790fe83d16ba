"""The lead (pure): the first paragraph that reports something, after page clutter.

News pages put widgets, a publication stamp, section labels, the headline, a photo caption
or a byline above the first real sentence. Every rule that reads "the lead" (event date,
kind, level, year, summary) reads the paragraph :func:`find_lead` returns, without the
outlet tag that opens it ("(QNO) - "). A paragraph is clutter by its own shape
(:mod:`bot.articles.clutter`), so the rule does not depend on any site's layout.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.articles.clutter import (
    is_banner,
    is_byline,
    is_caption,
    is_heading,
    is_widget,
    outlet_tag,
    stamp_date,
)


def is_clutter(paragraph: str) -> bool:
    """True for a paragraph that reports nothing: widget, stamp, banner, byline, caption,
    or a heading (headline, section label)."""
    _, text = outlet_tag(paragraph)
    return (
        not text
        or is_heading(text)
        or is_caption(text)
        or is_byline(text)
        or is_widget(text)
        or stamp_date(text) is not None
        or is_banner(text)
    )


def find_lead(paragraphs: Sequence[str]) -> int:
    """Index of the lead paragraph: the first that is not clutter (0 when all are)."""
    for i, paragraph in enumerate(paragraphs):
        if not is_clutter(paragraph):
            return i
    return 0


def lead_text(paragraph: str) -> str:
    """A lead as a reader reads it: without the outlet tag that opens it."""
    return outlet_tag(paragraph)[1]


def heading_before(paragraphs: Sequence[str], lead: int) -> str | None:
    """The headline of a page whose headline was not found on top: the last heading of at
    least four words above the lead that is not a byline, stamp or widget."""
    for paragraph in reversed(paragraphs[:lead]):
        if (
            is_heading(paragraph)
            and len(paragraph.split()) >= 4
            and not (is_byline(paragraph) or is_widget(paragraph) or is_caption(paragraph))
            and stamp_date(paragraph) is None
            and not is_banner(paragraph)
        ):
            return paragraph
    return None
