"""Shared fixtures: where ../shared lives, and the seed articles when it is there."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not (SEEDS / "labels.jsonl").exists():
        pytest.skip(f"seed articles not found at {SEEDS} (the shared folder sits beside the repo)")
    return SEEDS
