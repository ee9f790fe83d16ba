"""Extraction accuracy per field on the labelled sets in ../shared/extraction. Not a test.

    .venv/bin/python -m benchmarks.bench_extraction [--misses FIELD]

Reads ``dev.jsonl`` (real dân vận excerpts, about two thirds reporting no event) and
``cases.jsonl`` (short texts written for the rule specification), runs each text through the
real pipeline (clean + extract) with no title and no publication date, as ``danvan-bot
extract`` does for a file, and prints the share of texts right on each field:

- provinces, compared by unit (former units; "TP. Hồ Chí Minh" = "Thành phố Hồ Chí Minh"),
  as sets;
- event_date (dev writes an unknown year as ``MM-DD``: read as ``--MM-DD``);
- meeting_kind, level, chairs (as lists).

A case counts only for the fields its ``expected`` names. ``dev`` is a development measure:
the extractor never looks at it (no lookup), and the real measure is text nobody here has.
``--misses FIELD`` lists the texts that miss on that field (id, wanted, got).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path

from bot.articles.model import Extraction, RawArticle
from bot.articles.pipeline import process
from bot.text.provinces import Gazetteer

SHARED = Path(__file__).resolve().parents[2] / "shared" / "extraction"
FIELDS = ("provinces", "event_date", "meeting_kind", "level", "chairs")


def _read(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _units(names: Iterable[object], gazetteer: Gazetteer) -> set[str]:
    """Province names as units: the canonical former name, or the name itself if unknown."""
    out: set[str] = set()
    for name in names:
        found = gazetteer.resolve(str(name))
        out.add(found.typed_name if found else str(name))
    return out


def _date(value: object) -> object:
    if isinstance(value, str) and len(value) == 5 and value[2] == "-":
        return "--" + value  # dev's "05-26": ISO 8601 writes an unknown year "--05-26"
    return value


def wanted(label: dict[str, object]) -> dict[str, object]:
    """The labelled fields of a dev line or a case, under the extractor's field names."""
    if "expected" in label:
        expected = label["expected"]
        assert isinstance(expected, dict)
        return {k: v for k, v in expected.items() if k in FIELDS}
    return {
        "provinces": label["provinces"],
        "event_date": label["event_date"],
        "meeting_kind": label["meeting_kind"],
        "level": label["level"],
        "chairs": label["chair"],
    }


def got(ex: Extraction) -> dict[str, object]:
    return {
        "provinces": [p.name for p in ex.provinces],
        "event_date": ex.event_date,
        "meeting_kind": ex.meeting_kind,
        "level": ex.level,
        "chairs": list(ex.chairs),
    }


def same(field: str, want: object, have: object, gazetteer: Gazetteer) -> bool:
    if field == "provinces":
        assert isinstance(want, list) and isinstance(have, list)
        return _units(want, gazetteer) == _units(have, gazetteer)
    if field == "event_date":
        return _date(want) == _date(have)
    return want == have


def score(
    labels: list[dict[str, object]], gazetteer: Gazetteer
) -> tuple[dict[str, tuple[int, int]], dict[str, list[tuple[str, object, object]]]]:
    """(right, counted) per field, and the misses per field."""
    tally = {f: (0, 0) for f in FIELDS}
    misses: dict[str, list[tuple[str, object, object]]] = {f: [] for f in FIELDS}
    for label in labels:
        raw = RawArticle(str(label["text"]), source=str(label["id"]))
        have = got(process(raw, gazetteer).extraction)
        for field, want in wanted(label).items():
            ok = same(field, want, have[field], gazetteer)
            right, counted = tally[field]
            tally[field] = (right + ok, counted + 1)
            if not ok:
                misses[field].append((str(label["id"]), want, have[field]))
    return tally, misses


def _cell(right: int, counted: int) -> str:
    return f"{right / counted:.2f} ({right}/{counted})" if counted else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", choices=FIELDS, help="list the misses on this field")
    args = parser.parse_args()
    sets = {"dev": _read(SHARED / "dev.jsonl"), "cases": _read(SHARED / "cases.jsonl")}
    if not any(sets.values()):
        print(f"no labelled sets at {SHARED}: nothing to measure")
        return 0
    gazetteer = Gazetteer.load()
    results = {name: score(labels, gazetteer) for name, labels in sets.items()}
    print(f"{'field':14}" + "".join(f"{name + f' (n={len(sets[name])})':>20}" for name in sets))
    for field in FIELDS:
        print(f"{field:14}" + "".join(f"{_cell(*results[n][0][field]):>20}" for n in sets))
    if args.misses:
        for name in sets:
            for ident, want, have in results[name][1][args.misses]:
                print(f"{name}\t{ident}\twant={want!r}\tgot={have!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
