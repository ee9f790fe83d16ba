"""The rule gaps of ../shared/extraction/cases.jsonl: each case is its own test.

Every case is a short text written for the specification with the fields a careful reader
extracts (``expected``); provinces are compared by unit, as named in the text's era. The
S1 cases are about the sentence splitter: their text is one sentence.
"""

from __future__ import annotations

import json

import pytest

from bot.articles.model import RawArticle
from bot.articles.pipeline import process
from bot.text.provinces import Gazetteer
from bot.text.sentences import split_sentences
from tests.conftest import SHARED

CASES_FILE = SHARED / "extraction" / "cases.jsonl"


def _cases() -> list[dict[str, object]]:
    if not CASES_FILE.exists():
        return []
    lines = CASES_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


CASES = _cases()


def _units(names: object, gazetteer: Gazetteer) -> set[str]:
    assert isinstance(names, list)
    out = set()
    for name in names:
        found = gazetteer.resolve(str(name))
        out.add(found.typed_name if found else str(name))
    return out


@pytest.mark.skipif(not CASES, reason=f"rule cases not found at {CASES_FILE}")
@pytest.mark.parametrize("case", CASES, ids=[str(c["id"]) for c in CASES])
def test_case(case: dict[str, object]) -> None:
    text = str(case["text"])
    if case["rule"] == "S1":
        assert len(split_sentences(text)) == 1
    gazetteer = Gazetteer.load()
    ex = process(RawArticle(text, source=str(case["id"])), gazetteer).extraction
    expected = case["expected"]
    assert isinstance(expected, dict)
    got = {
        "provinces": [p.name for p in ex.provinces],
        "event_date": ex.event_date,
        "meeting_kind": ex.meeting_kind,
        "level": ex.level,
        "chairs": list(ex.chairs),
    }
    for field, want in expected.items():
        if field == "provinces":
            assert _units(got[field], gazetteer) == _units(want, gazetteer), field
        else:
            assert got[field] == want, field
