"""Relevance classifier on the labelled sample: precision, recall, F1, and what each cue does.

    .venv/bin/python -m benchmarks.bench_relevance [--dev PATH] [--errors] [--ablation] [--cues]

Reads ``../shared/relevance/dev.jsonl`` (skips with a message when it is absent) and runs
every text through the real pipeline (clean, extract, classify: ``process``), as a feed
entry with its title would. Relevant means label >= 1. Prints a table:

- precision, recall, F1 on relevant;
- recall on core (label 2) articles: a core article must never be filtered out;
- the share of hard negatives kept (label 0 texts that share words with dân vận news) and
  of ordinary negatives kept;
- exact-label accuracy (2/1/0), and the time per article of the classifier alone.

``--ablation`` removes each cue class in turn and counts the dev decisions that change: a
class that changes one decision only is a class to doubt (it may fit that one text).
The sample is small on purpose; these figures are a check, not the measure (held-out text
is): see README "Relevance".
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.articles import relevance
from bot.articles.clean import clean_text
from bot.articles.model import RawArticle
from bot.articles.pipeline import process
from bot.articles.relevance_cues import ALL_CLASSES, COMBINATIONS, CueClass
from bot.text.provinces import Gazetteer

DEV = Path(__file__).resolve().parents[2] / "shared" / "relevance" / "dev.jsonl"


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    text: str
    label: int
    hard: bool


@dataclass(frozen=True)
class Scores:
    n: int
    precision: float
    recall: float
    f1: float
    core_recall: float
    hard_kept: float  # share of hard negatives kept
    ordinary_kept: float  # share of ordinary (not hard) negatives kept
    exact: float  # share with the exact label
    hard_negatives: int
    ordinary_negatives: int


def load(path: Path = DEV) -> list[Item]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            items.append(
                Item(row["id"], row.get("title") or "", row["text"], row["label"], row["hard"])
            )
    return items


def predict(items: Sequence[Item]) -> list[int]:
    """Each text through the whole pipeline, as a feed entry (title given when known)."""
    gazetteer = Gazetteer.load()
    out = []
    for item in items:
        raw = RawArticle(item.text, source="dev", title=item.title or None)
        found = process(raw, gazetteer).extraction.relevance
        out.append(found.relevance if found else 0)
    return out


def score(items: Sequence[Item], predicted: Sequence[int]) -> Scores:
    pairs = list(zip(items, predicted, strict=True))
    tp = sum(1 for i, p in pairs if i.label >= 1 and p >= 1)
    fp = sum(1 for i, p in pairs if i.label == 0 and p >= 1)
    fn = sum(1 for i, p in pairs if i.label >= 1 and p == 0)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    core = [p for i, p in pairs if i.label == 2]
    hard = [p for i, p in pairs if i.label == 0 and i.hard]
    ordinary = [p for i, p in pairs if i.label == 0 and not i.hard]
    return Scores(
        n=len(pairs),
        precision=precision,
        recall=recall,
        f1=f1,
        core_recall=sum(p >= 1 for p in core) / len(core) if core else 0.0,
        hard_kept=sum(p >= 1 for p in hard) / len(hard) if hard else 0.0,
        ordinary_kept=sum(p >= 1 for p in ordinary) / len(ordinary) if ordinary else 0.0,
        exact=sum(i.label == p for i, p in pairs) / len(pairs) if pairs else 0.0,
        hard_negatives=len(hard),
        ordinary_negatives=len(ordinary),
    )


def classifier_time(items: Sequence[Item], rounds: int = 5) -> float:
    """Microseconds per article for the classifier alone (cleaning done beforehand)."""
    prepared = []
    for item in items:
        cleaned = clean_text(item.text, title=item.title or None)
        prepared.append((item.title or cleaned.headline or "", cleaned.paragraphs))
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for title, paragraphs in prepared:
            relevance.classify_paragraphs(title, paragraphs)
        best = min(best, time.perf_counter() - started)
    return best / max(1, len(prepared)) * 1e6


@contextmanager
def without(name: str) -> Iterator[None]:
    """The classifier with one cue class or combination switched off (for --ablation)."""
    ignore = CueClass("ignore", "ignore", 0.0, "", ())
    lexicon = relevance._LEXICON
    combos = relevance._COMBINATIONS
    relevance._LEXICON = {k: (ignore if c.name == name else c) for k, c in lexicon.items()}
    relevance._COMBINATIONS = tuple(c for c in combos if c.name != name)
    try:
        yield
    finally:
        relevance._LEXICON = lexicon
        relevance._COMBINATIONS = combos


def ablation(items: Sequence[Item], base: Sequence[int]) -> list[tuple[str, str, int, int]]:
    """(class, kind, decisions changed, of which now wrong) for each class that matters."""
    rows = []
    names = [(c.name, c.kind) for c in ALL_CLASSES if c.kind not in ("ignore",)]
    names += [(c.name, c.kind + " (combination)") for c in COMBINATIONS]
    seen: set[str] = set()
    for name, kind in names:
        if name in seen:
            continue
        seen.add(name)
        with without(name):
            found = predict(items)
        changed = [
            (i, p) for i, p, b in zip(items, found, base, strict=True) if (p >= 1) != (b >= 1)
        ]
        if changed:
            wrong = sum(1 for i, p in changed if (p >= 1) != (i.label >= 1))
            rows.append((name, kind, len(changed), wrong))
    return sorted(rows, key=lambda r: (-r[2], r[0]))


def cue_table() -> str:
    """Every cue class and combination with its weight and the scope rule it implements."""
    lines = ["| cue class | kind | weight | phrases | scope rule |", "|---|---|---:|---:|---|"]
    for c in ALL_CLASSES:
        if c.kind != "ignore":
            lines.append(f"| {c.name} | {c.kind} | {c.weight:g} | {len(c.phrases)} | {c.rule} |")
    for m in COMBINATIONS:
        pair = f"{'/'.join(sorted(m.first))} + {'/'.join(sorted(m.second))}"
        lines.append(f"| {m.name} | {m.kind} (near: {pair}) | {m.weight:g} | | {m.rule} |")
    lines.append(
        "| front_subject | adjacent (front in the headline or the lead's first 100 characters)"
        " | 1.2 | | 1: the Front at its own work, not named as a guest |"
    )
    return "\n".join(lines)


def table(scores: Scores, micros: float) -> str:
    lines = [
        f"Relevance on {DEV.name}: {scores.n} texts through the pipeline"
        f" (classifier version {relevance.VERSION})",
        "",
        "| measure | value | target (held-out) |",
        "|---|---:|---:|",
        f"| precision (relevant = label >= 1) | {scores.precision:.3f} | >= 0.90 |",
        f"| recall | {scores.recall:.3f} | |",
        f"| F1 | {scores.f1:.3f} | >= 0.92 |",
        f"| recall on core (label 2) | {scores.core_recall:.3f} | >= 0.95 |",
        f"| hard negatives kept ({scores.hard_negatives}) | {scores.hard_kept:.1%} | <= 12 % |",
        f"| ordinary negatives kept ({scores.ordinary_negatives}) | {scores.ordinary_kept:.1%}"
        " | 0 |",
        f"| exact label (2/1/0) | {scores.exact:.3f} | |",
        f"| classifier time per article | {micros:.0f} µs | |",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--errors", action="store_true", help="list the texts labelled wrong")
    parser.add_argument("--ablation", action="store_true", help="each cue class switched off")
    parser.add_argument("--cues", action="store_true", help="the cue classes and their rules")
    args = parser.parse_args(argv)
    if args.cues:
        print(cue_table())
        return 0
    if not args.dev.exists():
        print(f"(labelled sample not found at {args.dev}: nothing to measure)")
        return 0
    items = load(args.dev)
    predicted = predict(items)
    print(table(score(items, predicted), classifier_time(items)))
    if args.errors:
        print("\n| id | label | predicted | hard | title or text |\n|---|---:|---:|---|---|")
        for item, p in zip(items, predicted, strict=True):
            if p != item.label:
                head = " ".join((item.title or item.text).split())[:70]
                print(f"| {item.id} | {item.label} | {p} | {item.hard} | {head} |")
    if args.ablation:
        rows = ablation(items, predicted)
        print("\n| cue class switched off | kind | decisions changed | now wrong |")
        print("|---|---|---:|---:|")
        for name, kind, changed, wrong in rows:
            print(f"| {name} | {kind} | {changed} | {wrong} |")
        unused = {c.name for c in ALL_CLASSES} | {c.name for c in COMBINATIONS}
        unused -= {r[0] for r in rows} | {"ignore"}
        print(f"\n{len(unused)} classes change no dev decision: {', '.join(sorted(unused))}")
        print(f"median decisions changed per class: {statistics.median(r[2] for r in rows):g}")
    return 0


def scores_on_dev(path: Path = DEV) -> Scores | None:
    """For tests: the scores on the sample, None when it is absent."""
    if not path.exists():
        return None
    items = load(path)
    return score(items, predict(items))


if __name__ == "__main__":
    raise SystemExit(main())
