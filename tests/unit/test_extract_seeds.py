"""Extraction on the labelled seed articles: each field of each file is its own test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.articles.model import RawArticle
from bot.articles.pipeline import process
from bot.text.provinces import Gazetteer
from tests.conftest import SEEDS

FIELDS = ("title", "provinces", "level", "event_date", "meeting_kind", "chairs")


def _labels() -> list[dict[str, object]]:
    path = SEEDS / "labels.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


CASES = [(label, field) for label in _labels() for field in FIELDS]


@pytest.mark.parametrize(("label", "field"), CASES, ids=[f"{lab['file']}-{f}" for lab, f in CASES])
def test_seed_field_matches_label(label: dict[str, object], field: str, seeds_dir: Path) -> None:
    name = str(label["file"])
    raw = RawArticle((seeds_dir / name).read_text(encoding="utf-8"), source=name)
    ex = process(raw, Gazetteer.load()).extraction
    got: object
    if field == "title":
        if label["title"] is None:
            assert ex.title and len(ex.title) <= 141  # derived, never empty
            return
        got, want = ex.title, label["title"]
    elif field == "provinces":
        got, want = [p.name for p in ex.provinces], label["provinces"]
    elif field == "chairs":
        got, want = list(ex.chairs), label.get("chairs", label.get("chair"))
    else:
        got, want = getattr(ex, field), label[field]
    assert got == want


def test_current_units_of_seed_provinces(seeds_dir: Path) -> None:
    raw = RawArticle((seeds_dir / "002_6066fce058633cf5.txt").read_text("utf-8"), source="002")
    ex = process(raw, Gazetteer.load()).extraction
    assert [(p.name, p.current) for p in ex.provinces] == [("Yên Bái", "Lào Cai")]


def test_summary_is_short_and_free_of_boilerplate(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        ex = process(RawArticle(path.read_text("utf-8"), source=path.name), Gazetteer.load())
        summary = ex.extraction.summary
        assert 80 <= len(summary) <= 400, path.name
        for junk in ("0:00", "ảnh 1", "Xem thêm", "Các tin khác", "Dự hội nghị", "Tham dự"):
            assert junk not in summary, (path.name, junk)
