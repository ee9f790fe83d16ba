"""Vietnamese alphabetical order, as a sort key. Pure.

The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (f j w z, for
foreign words, where the Latin alphabet puts them). Letters are compared first over the
whole text; tone marks only break ties between texts with the same letters, in the
dictionary order ngang, huyền, hỏi, ngã, sắc, nặng (a à ả ã á ạ), one tone per syllable (so
the old and new tone placements "hoà" and "hòa" sort alike); case last. Code-point order
puts "Đồng Tháp" after "Yên Bái" and "Huế" before "Hà Tĩnh"; this key does neither.

Babel has no collation and PyICU needs a compiled ICU; the rules above are all a list of
Vietnamese names needs.
"""

from __future__ import annotations

import unicodedata

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_WEIGHT = {ch: 100 + i for i, ch in enumerate(_ALPHABET)}
_LETTER_WEIGHT["ð"] = _LETTER_WEIGHT["đ"]  # some sites type Eth for Đ
# Combining marks that make a letter of their own (ă â ê ô ơ ư) and the five tones.
_LETTER_MARKS = frozenset("\u0306\u0302\u031b")
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

SortKey = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], str]


def _letter(ch: str) -> tuple[int, int]:
    """(primary weight, tone) of one lower-case character."""
    parts = unicodedata.normalize("NFD", ch)
    base = parts[0]
    marks = "".join(m for m in parts[1:] if m in _LETTER_MARKS)
    tone = next((_TONES[m] for m in parts[1:] if m in _TONES), 0)
    letter = unicodedata.normalize("NFC", base + marks)
    if letter in _LETTER_WEIGHT:
        return _LETTER_WEIGHT[letter], tone
    if base.isdigit():
        return 50 + int(base) if base.isascii() else 60, tone
    if base.isspace():
        return 1, 0
    if not base.isalnum():
        return 2, 0  # punctuation: before every letter and digit
    return 1000 + ord(base), tone  # letters of other alphabets, after ours


def sort_key(text: str) -> SortKey:
    """A key for ``sorted`` that puts Vietnamese text in alphabetical order."""
    text = unicodedata.normalize("NFC", text)
    primary: list[int] = []
    tones: list[int] = []
    case: list[int] = []
    syllable_tone = 0
    for ch in text:
        weight, tone = _letter(ch.lower())
        primary.append(weight)
        case.append(0 if ch == ch.lower() else 1)
        if weight <= 2:  # a space or punctuation ends a syllable
            tones.append(syllable_tone)
            syllable_tone = 0
        elif tone:
            syllable_tone = tone
    tones.append(syllable_tone)
    return tuple(primary), tuple(tones), tuple(case), text


def sorted_vi(names: list[str] | tuple[str, ...] | set[str] | frozenset[str]) -> list[str]:
    """``names`` in Vietnamese alphabetical order."""
    return sorted(names, key=sort_key)
