"""Raw article -> cleaned, extracted, summarised, relevance-scored Article. Pure: no I/O,
no clock."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from bot.articles.clean import clean_text
from bot.articles.extract import extract
from bot.articles.model import Article, RawArticle
from bot.articles.relevance import classify_paragraphs
from bot.text.dates import VN_TZ
from bot.text.normalize import fold_words
from bot.text.provinces import Gazetteer


def body_hash(body: str) -> str:
    """Identity of a text regardless of spacing, case and diacritic variants."""
    key = fold_words(body)
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()


def process(raw: RawArticle, gazetteer: Gazetteer) -> Article:
    """Clean and extract one article. Year inference uses ``raw.published`` as reference."""
    cleaned = clean_text(raw.text, title=raw.title)
    extraction = extract(
        cleaned,
        gazetteer=gazetteer,
        given_title=raw.title,
        # The calendar date in Vietnam: 06:00 there is the previous day in UTC.
        published=raw.published.astimezone(VN_TZ).date() if raw.published else None,
    )
    # The headline as the page gave it; a title derived from the lead would count the
    # lead's cues twice.
    headline = raw.title or cleaned.headline or ""
    relevance = classify_paragraphs(headline, cleaned.paragraphs)
    return Article(
        body=cleaned.body,
        source=raw.source,
        extraction=replace(extraction, relevance=relevance),
        url=raw.url,
        published=raw.published,
        guid=raw.guid,
        body_hash=body_hash(cleaned.body),
        all_relevant=raw.all_relevant,
    )
