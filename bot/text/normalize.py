"""Normalise Vietnamese text on the way in, and fold it for search.

Every string that enters the archive goes through :func:`clean_nfc`. Search keys come from
:func:`fold` (no case, no diacritics, ``đ`` -> ``d``) and :func:`exact_key` (case-free, but
diacritics kept, tone placement unified). Both keep the length of their input character for
character, so an offset found in a folded string is the same offset in the original: snippets
and highlights are cut from the original text at the positions the folded search found.
"""

from __future__ import annotations

import re
import unicodedata

# Characters some sites type instead of Vietnamese letters, and spaces that are not spaces.
_LOOKALIKES = str.maketrans(
    {
        "\u00d0": "Đ",  # Latin capital Eth, typed for Đ by some CMSs
        "\u00f0": "đ",
        "\u0110": "Đ",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u3000": " ",
        "\u200b": "",  # zero-width space
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",  # BOM in the middle of a text
        "\u00ad": "",  # soft hyphen
        "\r": "",
    }
)

_SPACES_RE = re.compile(r"[ \t\f\v]+")
_LINE_EDGES_RE = re.compile(r" *\n *")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ODD_RE = re.compile("[" + "".join(chr(c) for c in _LOOKALIKES) + "]")


def clean_nfc(text: str) -> str:
    """NFC, Vietnamese look-alike letters fixed, odd spaces made plain; newlines kept."""
    text = unicodedata.normalize("NFC", text)
    if _ODD_RE.search(text):  # translate is slow on long texts: only when needed
        text = text.translate(_LOOKALIKES)
        # The look-alike table can create new combinable pairs.
        text = unicodedata.normalize("NFC", text)
    return _CONTROL_RE.sub("", text)


def squeeze_spaces(text: str) -> str:
    """Collapse runs of horizontal white space, strip each line."""
    return _LINE_EDGES_RE.sub("\n", _SPACES_RE.sub(" ", text)).strip(" ")


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


def fold(text: str) -> str:
    """Lower-case, strip diacritics, ``đ`` -> ``d``; one output character per input character.

    Expects NFC input (combining marks would survive as their own characters).
    """
    return text.translate(_FOLD_TABLE)


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


def exact_key(text: str) -> str:
    """Lower-case, tone placement unified, diacritics kept: for exact-diacritic matching."""
    return unify_tone_placement(text).lower()


_WORD_RE = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """Word tokens (letters and digits), as FTS5's unicode61 tokenizer would cut them."""
    found: list[str] = _WORD_RE.findall(text)
    return found


# --- Telex keys ----------------------------------------------------------------------------
# The index needs a second, diacritic-exact spelling of each word that FTS5's tokenizer will
# not fold away. Telex, the ASCII spelling Vietnamese typists use, is exactly that: "Đảng" ->
# "ddangr", "đang" -> "ddang", and the tone letter goes last, so "hoà" and "hòa" are both
# "hoaf" (tone placement cannot matter).

_TELEX_VOWEL = {"\u0306": "w", "\u0302": None, "\u031b": "w"}  # breve, circumflex, horn
_TELEX_TONE = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_telex_cache: dict[str, str] = {}


def telex(word: str) -> str:
    """The Telex spelling of one lower- or upper-case word (``"Dân"`` -> ``"daan"``)."""
    cached = _telex_cache.get(word)
    if cached is not None:
        return cached
    out: list[str] = []
    tone = ""
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch == "đ":
            out.append("dd")
        elif ch in _TELEX_TONE:
            tone = _TELEX_TONE[ch]
        elif ch in _TELEX_VOWEL:
            mark = _TELEX_VOWEL[ch]
            if out:
                out[-1] = out[-1] + (mark if mark else out[-1][-1])
        elif unicodedata.combining(ch):
            continue
        else:
            out.append(ch)
    result = "".join(out) + tone
    if len(_telex_cache) < 200_000:
        _telex_cache[word] = result
    return result


def telex_text(text: str) -> str:
    """Every word of a text in Telex, space-separated (for the exact-match index columns)."""
    return " ".join(telex(w) for w in _WORD_RE.findall(text))
