"""The classifier on the labelled sample (../shared/relevance/dev.jsonl), through the whole
pipeline. The floors are the targets for held-out text: the sample is small and was read
while writing the cues, so it must clear them with room to spare; a drop below means a
change broke something general. Skips when the sample is absent."""

from __future__ import annotations

import pytest

from benchmarks.bench_relevance import DEV, scores_on_dev


def test_dev_set_above_the_floors() -> None:
    scores = scores_on_dev()
    if scores is None:
        pytest.skip(f"labelled relevance sample not found at {DEV}")
    assert scores.n >= 80
    assert scores.precision >= 0.90
    assert scores.f1 >= 0.92
    assert scores.core_recall >= 0.95
    assert scores.hard_kept <= 0.12
    assert scores.ordinary_kept == 0.0
