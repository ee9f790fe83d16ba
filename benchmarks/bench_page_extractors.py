"""Our page extractor vs trafilatura on tests/fixtures/pages: right strings and time.

Each fixture ``NAME.html`` has ``NAME.json`` with strings the article text must contain and
must not (menus, related links, comments, footers). Score = strings right / strings.

Ours needs only the standard library. trafilatura is not a dependency of the project; to
compare, run this file with a Python that has it, e.g.::

    python3 -m venv /tmp/traf && /tmp/traf/bin/pip install trafilatura lxml_html_clean
    /tmp/traf/bin/python benchmarks/bench_page_extractors.py

With the project's venv it measures ours alone.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.sources.pages import extract_main_text  # noqa: E402  (stdlib only)

PAGES = REPO / "tests" / "fixtures" / "pages"
ROUNDS = 30


def extractors() -> dict[str, Callable[[str], str]]:
    found: dict[str, Callable[[str], str]] = {"ours (stdlib)": extract_main_text}
    try:
        import trafilatura  # type: ignore[import-not-found]
    except ImportError:
        print("trafilatura not importable here: measuring ours only\n")
    else:
        version = getattr(trafilatura, "__version__", "?")
        found[f"trafilatura {version}"] = lambda html: (
            trafilatura.extract(html, include_comments=False, include_tables=True) or ""
        )
    return found


def main() -> int:
    cases = sorted(PAGES.glob("*.html"))
    found = extractors()
    print(f"{'extractor':22} {'page':24} {'right':>7} {'median ms':>10}")
    for name, extract in found.items():
        right = total = 0
        for page in cases:
            expected = json.loads(page.with_suffix(".json").read_text("utf-8"))
            html = page.read_text("utf-8")
            times = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                text = extract(html)
                times.append(time.perf_counter() - start)
            ok = sum(s in text for s in expected["must"])
            ok += sum(s not in text for s in expected["must_not"])
            n = len(expected["must"]) + len(expected["must_not"])
            right, total = right + ok, total + n
            ms = statistics.median(times) * 1000
            print(f"{name:22} {page.stem:24} {ok:>3}/{n:<3} {ms:10.2f}")
        print(f"{name:22} {'TOTAL':24} {right:>3}/{total:<3}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
