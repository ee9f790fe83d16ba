"""What a /tim query asks, as safe FTS5 MATCH expressions. Pure: no database here.

Only word tokens reach FTS5, each quoted, so ``"``, ``NEAR(``, ``*``, ``NOT``, ``title:``
are just words. A chunk that starts with a minus (``-khéo``, also the ``–`` phones type)
excludes the articles that have its words.

A word matches with or without diacritics (the folding index). A word typed with
diacritics is also checked for that spelling in the exact index: "Đảng" finds "đang" too,
but the articles that really say "Đảng" come first; "hoà" and "hòa" are one spelling.
An excluded word typed with diacritics excludes that spelling only: "-bão" (storm) must
not drop every article that says "báo cáo".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.store import index
from bot.text.normalize import clean_nfc, fold, tone_variants, words

MAX_WORDS = 12
MAX_EXCLUDED = 6
MAX_WORD_CHARS = 40
MINUS_SIGNS = "-−–—"  # hyphen-minus, minus sign, en and em dash (phones make them of "-")


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...]  # the words to find, as typed (NFC)
    excluded: tuple[tuple[str, ...], ...]  # each group: an article with all of them is dropped
    marked: tuple[str, ...]  # the words typed with diacritics: their spelling is checked
    match: str  # folding index: every word, none of the unmarked exclusions
    every: str  # folding index: every word (exclusions aside)
    exact_match: str | None  # exact index: every marked word as spelled
    phrase_match: str | None  # folding index: the words side by side (several words only)
    exact_excluded: str | None  # exact index: the exclusions typed with diacritics
    folded_excluded: tuple[tuple[str, ...], ...] = ()  # the exclusions in ``match``

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(fold(w) for w in self.words)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def is_marked(word: str) -> bool:
    """Typed with a diacritic (or đ): its spelling says something."""
    return word.lower() != fold(word)


def word_match(word: str) -> str:
    """Folding index: ``word`` with or without diacritics."""
    return _quote(index.index_form(word))


def spelling_match(word: str) -> str:
    """Exact index: ``word`` spelled as typed, the tone mark on either vowel."""
    return "(" + " OR ".join(_quote(v) for v in tone_variants(word)) + ")"


def _all(terms: list[str]) -> str:
    return "(" + " AND ".join(terms) + ")"


def folded_match(words: Sequence[str], excluded: Sequence[Sequence[str]] = ()) -> str:
    """Folding index: every one of ``words``, no group of ``excluded`` complete."""
    match = _all([word_match(w) for w in words])
    for group in excluded:
        match = f"({match} NOT {_all([word_match(w) for w in group])})"
    return match


def split_query(text: str) -> tuple[list[str], list[list[str]]]:
    """Words to find and groups of words to exclude, as typed."""
    found: list[str] = []
    excluded: list[list[str]] = []
    for chunk in clean_nfc(text[:2000]).split():
        minus = chunk[0] in MINUS_SIGNS
        tokens = [t.strip("_") for t in words(chunk[1:] if minus else chunk)]
        tokens = [t for t in tokens if t and len(t) <= MAX_WORD_CHARS]
        if minus and tokens:
            excluded.append(tokens)
        else:
            found.extend(tokens)
    return found[:MAX_WORDS], excluded[:MAX_EXCLUDED]


def parse_query(text: str) -> ParsedQuery | None:
    """The MATCH expressions for ``text``; None when it has no word to find (see
    :func:`split_query` for a query of exclusions only)."""
    found, excluded = split_query(text)
    if not found:
        return None
    by_spelling = [g for g in excluded if any(is_marked(w) for w in g)]
    unmarked = tuple(tuple(g) for g in excluded if g not in by_spelling)
    marked = tuple(dict.fromkeys(w for w in found if is_marked(w)))
    exact_excluded = " OR ".join(_all([spelling_match(w) for w in g]) for g in by_spelling)
    return ParsedQuery(
        words=tuple(found),
        excluded=tuple(tuple(g) for g in excluded),
        marked=marked,
        match=folded_match(found, unmarked),
        every=folded_match(found),
        folded_excluded=unmarked,
        exact_match=_all([spelling_match(w) for w in marked]) if marked else None,
        phrase_match=_quote(" ".join(index.index_form(w) for w in found))
        if len(found) > 1
        else None,
        exact_excluded=exact_excluded or None,
    )
