"""Is a text an article at all? Pure.

A file holding only "hello", a list of links or a word repeated has nothing to archive:
``import`` refuses it with a reason, rather than filing "Hello" as this week's news. The
rule is about prose in any language, not about dân vận (the relevance classifier decides
that): at least :data:`MIN_WORDS` words with letters, not links, of which at least
:data:`MIN_DISTINCT` are different. A real article's lead alone has more; a one-line note
has fewer. Vietnamese counts each syllable as a word, so the bar is low for it.
"""

from __future__ import annotations

from bot.text.normalize import fold

MIN_WORDS = 12
MIN_DISTINCT = 6
_LINK_MARKS = ("://", "www.", "@")
_EDGE = ".,;:!?\"'()[]{}«»“”‘’…-–—*_#/"


def prose_words(text: str) -> list[str]:
    """The words of ``text`` that carry letters, links and e-mail addresses left out."""
    out = []
    for token in text.split():
        word = token.strip(_EDGE)
        if not any(ch.isalpha() for ch in word):
            continue
        if any(mark in word.lower() for mark in _LINK_MARKS):
            continue
        out.append(word)
    return out


def lacks_substance(text: str) -> str | None:
    """Why ``text`` is not an article, in a short English phrase for the import report;
    None when it is prose enough to keep."""
    found = prose_words(text)
    if len(found) < MIN_WORDS:
        noun = "word" if len(found) == 1 else "words"
        return f"too little text for an article: {len(found)} {noun} (at least {MIN_WORDS})"
    distinct = {fold(w).lower() for w in found}
    if len(distinct) < MIN_DISTINCT:
        noun = "word" if len(distinct) == 1 else "words"
        return (
            f"the same few words repeated: {len(distinct)} different {noun} "
            f"(at least {MIN_DISTINCT})"
        )
    return None
