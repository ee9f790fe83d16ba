"""Normalise Vietnamese text on the way in, and fold it for search.

Every string that enters the archive goes through :func:`clean_nfc` (one-line strings such as
titles through :func:`clean_line`), which ends with :func:`strip_controls`: no control or
invisible format character reaches the archive or a message. :func:`fold` (no case,
no diacritics, ``đ`` -> ``d``) keeps the length of its input character for character, so an
offset found in a folded string is the same offset in the original: snippets and highlights
are cut from the original text at the positions the folded search found.
:func:`tone_variants` spells a word with the tone mark on either vowel (``hoà``/``hòa``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TypeVar

# Characters some sites type instead of Vietnamese letters, and spaces that are not spaces.
_LOOKALIKES = {
    "\u00d0": "Đ",  # Latin capital Eth, typed for Đ by some CMSs
    "\u00f0": "đ",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u3000": " ",
    "\u1680": " ",
    "\u2000": " ",
    "\u2001": " ",
    "\u2004": " ",
    "\u2005": " ",
    "\u2006": " ",
    "\u2008": " ",
    "\u205f": " ",
    "\x0b": "\n",  # vertical tab
    "\x0c": "\n",  # form feed
    "\x1c": " ",  # information separators: white space to str.split(), not glue
    "\x1d": " ",
    "\x1e": " ",
    "\x1f": " ",
    "\x85": "\n",  # next line
    "\u2028": "\n",  # line separator
    "\u2029": "\n",  # paragraph separator
    "\u200b": "",  # zero-width space
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",  # BOM in the middle of a text
    "\u00ad": "",  # soft hyphen
    "\r": "\n",  # a lone CR ends a line too (CRLF is made LF first)
}

_SPACES_RE = re.compile(r"[ \t\f\v]+")
_LINE_EDGES_RE = re.compile(r" *\n *")
_ODD_RE = re.compile("[" + "".join(_LOOKALIKES) + "]")

# Characters that are invisible or change how the text around them is shown, and that no
# Vietnamese text needs: C0 and C1 controls (tab and newline aside); every format character
# (Unicode category Cf): bidirectional marks, embeddings, overrides and isolates (U+202E
# turns everything after it right to left), zero-width space and joiners, word joiner,
# invisible operators, BOM, interlinear annotation, tag characters (invisible ASCII);
# lone surrogates (UTF-8 cannot carry them: the send would fail) and the noncharacters
# U+FFFE/U+FFFF. ZWJ and ZWNJ go too: they shape Indic and Arabic scripts and Vietnamese
# never needs them; kept, they hide inside words and defeat search and comparison, while
# an emoji ZWJ sequence without them only falls apart into its emoji, still readable.
# Variation selectors stay (emoji presentation). tests/unit/test_controls.py checks this
# list against every Cc/Cf/Cs code point of the running Python's Unicode data.
_INVISIBLE = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff"
    "\ufeff\ufff9-\ufffb\ufffe\uffff\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
# Controls that str.split() treats as white space become a space, so words stay apart.
_SPACE_CONTROLS = frozenset("\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")

# Any of the above: most texts have none, and one scan is cheaper than two.
_ANY_FIX_RE = re.compile(f"[{_INVISIBLE}" + "".join(_LOOKALIKES) + "]")


def _neutral(match: re.Match[str]) -> str:
    return " " if match.group() in _SPACE_CONTROLS else ""


def strip_controls(text: str) -> str:
    """``text`` without control and invisible format characters (bidi overrides, zero-width
    characters, C0/C1 controls...); tab and newline kept, white-space controls made spaces.

    The guard every source's text passes (through :func:`clean_nfc`), and the last one in
    rendering: a text that has none (nearly all) comes back as is after one scan."""
    if _INVISIBLE_RE.search(text) is None:
        return text
    return _INVISIBLE_RE.sub(_neutral, text)


def clean_nfc(text: str) -> str:
    """NFC, Vietnamese look-alike letters fixed, odd spaces made plain, controls and
    invisible characters removed (:func:`strip_controls`); newlines kept.

    Afterwards the only white space left is " ", "\n" and "\t" (which squeeze_spaces makes
    a plain space): cleaning code can split lines and words on those alone."""
    text = unicodedata.normalize("NFC", text)
    if not _ANY_FIX_RE.search(text):
        return text
    if _ODD_RE.search(text):
        # str.replace per character found: a table translate costs ~0.1 µs per character.
        text = text.replace("\r\n", "\n")
        for odd in set(_ODD_RE.findall(text)):
            text = text.replace(odd, _LOOKALIKES[odd])
        # The look-alike letters can create new combinable pairs.
        text = unicodedata.normalize("NFC", text)
    return strip_controls(text)


def clean_line(text: str) -> str:
    """A one-line string (a title): :func:`clean_nfc`, white space runs made one space."""
    return " ".join(clean_nfc(text).split())


def squeeze_spaces(text: str) -> str:
    """Collapse runs of horizontal white space, strip each line."""
    # Most texts need neither substitution; each costs ~0.03 µs per character when run.
    if "  " in text or "\t" in text or "\f" in text or "\v" in text:
        text = _SPACES_RE.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _LINE_EDGES_RE.sub("\n", text)
    return text.strip(" ")


# --- folding -------------------------------------------------------------------------------


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = [(0x00C0, 0x024F), (0x1E00, 0x1EFF), (0x0041, 0x005A)]
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            low = ch.lower()
            if len(low) != 1:
                continue
            base = unicodedata.normalize("NFD", low)[0]
            if base in ("đ", "ð"):
                base = "d"
            if base != ch:
                table[cp] = base
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    return table


_FOLD_TABLE = _build_fold_table()


# The marks Vietnamese letters decompose into: five tones, circumflex, breve, horn.
_VIETNAMESE_MARKS = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"


def fold(text: str) -> str:
    """Lower-case, strip diacritics, ``đ`` -> ``d``; one output character per input character.

    Expects NFC input (combining marks would survive as their own characters).
    """
    if text.isascii():
        return text.lower()
    # Fast path, 3x a table translate: decompose, drop the Vietnamese marks. A text with
    # other marks or letters that change length in lower() comes out longer: table instead.
    folded = unicodedata.normalize("NFD", text.lower())
    for mark in _VIETNAMESE_MARKS:
        folded = folded.replace(mark, "")
    folded = folded.replace("đ", "d").replace("ð", "d")
    if len(folded) == len(text):
        return folded
    return text.translate(_FOLD_TABLE)


V = TypeVar("V")


class ChunkCache(dict[str, V]):
    """``compute(chunk)`` for space-free chunks of text, remembered; emptied when full (a few
    MB at most), so it stays small and follows the vocabulary. Most chunks of news prose
    repeat, and a hit is one dictionary lookup in C: mapping a text's chunks through this is
    ~3x faster than working on the whole text letter by letter."""

    def __init__(self, compute: Callable[[str], V], limit: int = 20_000) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, chunk: str) -> V:
        if len(self) >= self._limit:
            self.clear()
        value = self[chunk] = self._compute(chunk)
        return value


_folded_chunks: ChunkCache[str] = ChunkCache(fold)


def fold_words(text: str) -> str:
    """``fold(text)`` with every run of white space made one space, ends stripped: a key
    for comparing texts regardless of spacing, case and diacritics (fold works letter by
    letter, so folding chunk by chunk is the same)."""
    return " ".join(map(_folded_chunks.__getitem__, text.split()))


# --- tone placement ------------------------------------------------------------------------
# "hoà"/"hòa", "xoá"/"xóa", "thuý"/"thúy": two spellings of one word. The gazetteer and most
# current press put the mark on the first vowel of a word-final oa/oe/uy; we unify to that.

_TONES = {
    "a": "àáảãạ",
    "e": "èéẻẽẹ",
    "y": "ỳýỷỹỵ",
}
_FIRST = {
    "o": "òóỏõọ",
    "u": "ùúủũụ",
}
_PAIRS = (("o", "a"), ("o", "e"), ("u", "y"))


def _build_tone_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for first, second in _PAIRS:
        for i, marked in enumerate(_TONES[second]):
            old = first + marked
            new = _FIRST[first][i] + second
            for f_case in (str.lower, str.upper):
                for s_case in (str.lower, str.upper):
                    mapping[f_case(old[0]) + s_case(old[1])] = f_case(new[0]) + s_case(new[1])
    return mapping


_TONE_MAP = _build_tone_map()
_TONE_RE = re.compile(
    "(?<![qQ])(" + "|".join(sorted(_TONE_MAP, key=len, reverse=True)) + r")(?!\w)",
)


def unify_tone_placement(text: str) -> str:
    """Move a word-final oa/oe/uy tone mark to the first vowel (``hoà`` -> ``hòa``)."""
    return _TONE_RE.sub(lambda m: _TONE_MAP[m.group(1)], text)


# The other way round, for spelling a word both ways in a query (``hòa`` -> ``hoà``).
_TONE_BACK = {new: old for old, new in _TONE_MAP.items()}
_TONE_BACK_RE = re.compile(
    "(?<![qQ])(" + "|".join(sorted(_TONE_BACK, key=len, reverse=True)) + r")(?!\w)",
)


def tone_variants(word: str) -> tuple[str, ...]:
    """The spellings of a word that differ only in tone placement, ``word`` first
    (``"hoà"`` -> ``("hoà", "hòa")``); one spelling for most words."""
    variants = [word]
    for other in (
        unify_tone_placement(word),
        _TONE_BACK_RE.sub(lambda m: _TONE_BACK[m.group(1)], word),
    ):
        if other not in variants:
            variants.append(other)
    return tuple(variants)


_WORD_RE = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """Word tokens (letters and digits), as FTS5's unicode61 tokenizer would cut them."""
    found: list[str] = _WORD_RE.findall(text)
    return found
