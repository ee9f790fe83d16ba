"""Extraction on hand-written articles shaped like real ones beyond the seeds.

Each case is two things in tests/fixtures/articles: the text, and its line in labels.jsonl
(what a careful reader extracts). Adding a case is adding those two.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.articles.model import RawArticle
from bot.articles.pipeline import process
from bot.text.provinces import Gazetteer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
LABELS = [json.loads(x) for x in (FIXTURES / "labels.jsonl").read_text("utf-8").splitlines()]
CASES = [(label, key) for label in LABELS for key in label if key != "file"]


@pytest.mark.parametrize(("label", "key"), CASES, ids=[f"{c[0]['file']}-{c[1]}" for c in CASES])
def test_fixture_field(label: dict[str, object], key: str) -> None:
    raw = RawArticle((FIXTURES / str(label["file"])).read_text("utf-8"), source="fixture")
    ex = process(raw, Gazetteer.load()).extraction
    got: object = {
        "title": ex.title,
        "provinces": [p.name for p in ex.provinces],
        "level": ex.level,
        "event_date": ex.event_date,
        "meeting_kind": ex.meeting_kind,
        "chairs": list(ex.chairs),
        "published": ex.published.isoformat() if ex.published else None,
    }[key]
    if key == "title" and label[key] is None:
        assert isinstance(got, str) and got
    else:
        assert got == label[key]
