"""Search snippets: an escaped excerpt around the first hit, the hits in ``<b>``. Pure.

A word typed without diacritics is found in the article as the article spells it: each
letter of the folded word becomes the class of every letter that folds to it (``d`` ->
``[dDđĐ]``), so the original text is searched as it is, without folding a copy first
(half the time, and the hit's own spelling comes for free).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from bot.text.normalize import fold

SNIPPET_CHARS = 160
PHRASE_IN_FIRST = 1200


@dataclass(frozen=True)
class Snippet:
    html: str  # escaped text with <b>…</b> around the hits; "" when no hit was found
    forms: tuple[str, ...]  # each hit word as the article spells it, in order, no repeats


def _letters_by_fold() -> dict[str, str]:
    found: dict[str, set[str]] = {}
    for lo, hi in ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF)):
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            base = fold(ch)
            if len(base) == 1 and base != ch:
                found.setdefault(base, {base}).add(ch)
    return {base: "[" + "".join(sorted(chars)) + "]" for base, chars in found.items()}


_CLASSES = _letters_by_fold()


@lru_cache(maxsize=512)
def _word_pattern(folded_word: str) -> str:
    return "".join(_CLASSES.get(ch) or re.escape(ch) for ch in folded_word)


@lru_cache(maxsize=256)
def _patterns(folded_words: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(the words side by side, any one word), both matching whole words only."""
    words = [_word_pattern(w) for w in folded_words]
    phrase = re.compile(r"\b" + r"\W+".join(words) + r"\b")
    longest_first = sorted(set(folded_words), key=len, reverse=True)
    each = re.compile(r"\b(?:" + "|".join(_word_pattern(w) for w in longest_first) + r")\b")
    return phrase, each


def snippet(text: str, folded_words: tuple[str, ...], width: int = SNIPPET_CHARS) -> Snippet:
    """An excerpt of ``text`` around the first hit of ``folded_words`` (folded, lower case):
    the first place they stand side by side, else the first of them."""
    words = tuple(w for w in folded_words if w)
    if not words:
        return Snippet("", ())
    phrase_rx, words_rx = _patterns(words)
    # The phrase is looked for in the lead only: a miss costs a scan of the text.
    first = phrase_rx.search(text, 0, PHRASE_IN_FIRST) if len(words) > 1 else None
    together = first is not None
    first = first or words_rx.search(text)
    if first is None:
        return Snippet("", ())
    at = first.start()
    rx = phrase_rx if together else words_rx
    start = max(0, at - width // 3)
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    if end < len(text):
        space = text.rfind(" ", at, end)
        end = space if space > at else end
    out: list[str] = ["…" if start > 0 else ""]
    pos = start
    for m in rx.finditer(text, start, end):
        out.append(html.escape(text[pos : m.start()]))
        out.append("<b>" + html.escape(m.group()) + "</b>")
        pos = m.end()
    out.append(html.escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    forms = tuple(dict.fromkeys(m.group() for m in words_rx.finditer(text, at, end)))
    return Snippet(" ".join("".join(out).split("\n")).replace("  ", " "), forms)
