"""Regex alternations of many words that the regex engine searches fast. Pure.

Python's regex engine tries the alternatives of ``a|b|c`` one after the other at every
position it cannot rule out; with hundreds of words (province names, event words) that is
most of the cost of a search. Grouped by first letter (``h(?:ội nghị|ội thảo)|t(?:ổ chức)``)
an alternation is tried in a few steps per position, and it matches exactly what the flat
one matched: only alternatives with the same first letter can match at the same position,
and among them the order is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def words_alternation(words: Iterable[str]) -> str:
    """Literal ``words`` as one alternation grouped by first letter (in the given order)."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())


def by_first_letter(alternatives: Iterable[str]) -> str:
    """``a1|a2|b1`` as ``a(?:1|2)|b(?:1)``: each alternative must open with one plain
    character (a letter or digit: not a regex operator)."""
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        groups.setdefault(alternative[0], []).append(alternative[1:])
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())
