"""Article-page extraction on the saved real pages: ours vs trafilatura.

For every article page in ``tests/fixtures/pages/sites`` (real pages of en.baochinhphu.vn
and VnExpress, and a reconstructed provincial Party portal, see the README there),
``expected.json`` holds the article text marked by hand (lead and body paragraphs; photo
captions only where they are the story, as in a photo article) and the publication time.

Scores, on word tokens (case-folded): recall = share of the marked text's words the
extractor returned, precision = share of the returned words that belong to the marked
text. "date" = the publication day (Vietnam time) is right. pages/s = whole pages read
per second (text and date), median of several rounds.

trafilatura is not a dependency of the bot; to compare, run this with a Python that has
it (e.g. ``python3 -m venv /tmp/traf && /tmp/traf/bin/pip install trafilatura``, then
``/tmp/traf/bin/python benchmarks/bench_pages.py``). With the project's venv it measures
ours alone. Machine shared with other work: read ratios from one run, not absolute times.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.sources.pagemeta import decode_page  # noqa: E402
from bot.sources.pages import extract_page_article  # noqa: E402

SITES = REPO / "tests" / "fixtures" / "pages" / "sites"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROUNDS = 20
Extractor = Callable[[str], tuple[str, str | None]]  # html -> (text, YYYY-MM-DD or None)


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.casefold()))


def ours(markup: str) -> tuple[str, str | None]:
    article = extract_page_article(markup)
    day = article.published.astimezone(VN).date().isoformat() if article.published else None
    return article.text, day


def extractors() -> dict[str, Extractor]:
    found: dict[str, Extractor] = {"ours (stdlib)": ours}
    try:
        import trafilatura  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        print("trafilatura not importable here: measuring ours only\n")
        return found

    def traf(markup: str) -> tuple[str, str | None]:
        text = trafilatura.extract(markup, include_comments=False, include_tables=True) or ""
        meta = trafilatura.extract_metadata(markup)
        return text, (meta.date if meta is not None else None)

    found[f"trafilatura {trafilatura.__version__}"] = traf
    return found


def main() -> int:
    expected = json.loads((SITES / "expected.json").read_text("utf-8"))
    pages = {name: decode_page((SITES / name).read_bytes(), "text/html")[0] for name in expected}
    print(f"{'extractor':22} {'page':40} {'recall':>7} {'precis.':>7} {'date':>5}")
    for label, extract in extractors().items():
        recalls, precisions, dates = [], [], 0
        for name, markup in pages.items():
            gold = words(" ".join(expected[name]["text"]))
            text, day = extract(markup)
            got = words(text)
            overlap = sum((gold & got).values())
            recall = overlap / max(1, sum(gold.values()))
            precision = overlap / max(1, sum(got.values()))
            right = day == expected[name]["published_day"]
            recalls.append(recall)
            precisions.append(precision)
            dates += right
            mark = "yes" if right else "NO"
            print(f"{label:22} {name:40} {recall:7.3f} {precision:7.3f} {mark:>5}")
        times = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            for markup in pages.values():
                extract(markup)
            times.append(time.perf_counter() - start)
        rate = len(pages) / statistics.median(times)
        print(
            f"{label:22} {'MEAN / dates right / pages/s':40} {statistics.mean(recalls):7.3f} "
            f"{statistics.mean(precisions):7.3f} {dates:>2}/{len(pages)}   {rate:.0f} pages/s\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
