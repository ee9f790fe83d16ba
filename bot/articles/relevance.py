"""Is this article dân vận news? A pure, rule-based classifier: (title, lead, body) -> 2/1/0.

- 2, core: dân vận work (Ban Dân vận, công tác dân vận, Dân vận khéo, grassroots democracy,
  mobilising people for a policy).
- 1, adjacent: the Front and the mass organisations in their mobilising role, state work
  with religions and ethnic minorities, leaders' dialogue with the people.
- 0: everything else, including news that shares the words (sport's "vận động viên",
  Party congresses, the National Assembly, company charity...).

How it decides: the cue phrases of :mod:`bot.articles.relevance_cues` are found in three
zones, and a cue counts more where a reader looks first: title x3, lead x2, body x1 (traps:
x2, x1.5, x0.5; a passing mention deep in the body is not what the article is about).
Core and adjacent points, minus the traps, give the score and the label. The result keeps
the cues that decided it, for admins and for debugging.

Speed: one regex over the lower-cased text, built as a trie of every phrase (a plain
alternation is 3-4x slower). The headline is read first and decides alone when it holds a
strong core cue and no trap ("Hội nghị tổng kết công tác dân vận": ~12 µs); then the lead,
and the body only when the two leave the label open. The body is read up to ``BODY_CHARS``
characters: a 5 MB text costs what a long article costs (~40 µs for 2,400 characters of
general news; bench_relevance prints the figure on the labelled sample).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from itertools import product

from bot.articles.model import Relevance
from bot.articles.relevance_cues import ALL_CLASSES, COMBINATIONS, CueClass
from bot.text.normalize import tone_variants

# Bump when a change to the cues or the scoring changes decisions: stored articles scored
# by an older version are re-scored (``danvan-bot rescore``, and at start-up).
VERSION = 1

TITLE_CHARS = 400
LEAD_CHARS = 700
BODY_CHARS = 6000

MAX_CUES = 8  # kept in the result, strongest first

CORE, ADJACENT, NOT_RELEVANT = 2, 1, 0

# Zone factors: (positive cues, traps).
_ZONES = {"title": (3.0, 2.0), "lead": (2.0, 1.5), "body": (1.0, 0.5)}
_BODY_REPEAT = 0.5  # each further body occurrence of a positive cue, up to two more
_BODY_TRAP_FLOOR = -4.0  # the body alone cannot sink a headline
_CORE_MIN = 4.5  # core points for label 2: a core cue in the title or lead, or 3 in the body
_CORE_NET_MIN = 3.0  # ... that the traps do not outweigh
_RELEVANT_MIN = 3.0  # points for label >= 1
_HEADLINE_CORE = 7.5  # a strong core cue (weight 2.5) in the headline
_STRONG = 1.5  # a cue of this weight is strong: traps in its zone count ...
_TRAP_NEXT_TO_STRONG = 0.25  # ... this much
_SUBJECT_CHARS = 100  # the Front named this early in the lead is what the lead is about
_FRONT_SUBJECT = 1.2


NONE = Relevance(NOT_RELEVANT, 0.0, ())


# --- the matcher ---------------------------------------------------------------------------


def _variants(phrase: str) -> Iterable[str]:
    """The phrase with every tone-placement spelling of its words (hoà/hòa, uỷ/ủy)."""
    words = phrase.split(" ")
    for combo in product(*(tone_variants(w) for w in words)):
        yield " ".join(combo)


def _trie_regex(phrases: Iterable[str]) -> str:
    """One regex that matches any of ``phrases``, longest first at each position."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


# Every word start is marked with this character before matching, and every pattern starts
# with it: a phrase can only start where a word does ("ccb" is not found in "accb"), and the
# engine skips from mark to mark with a literal search instead of trying the trie at every
# character.
_WORD = "\x01"
_OPENERS = ("“", '"', "(", "‘", "'", "«")


def _mark(text: str) -> str:
    """Lower-cased text -> the same with ``_WORD`` before every word."""
    text = text.replace("\n", " ").replace(" ", " " + _WORD)
    for opener in _OPENERS:
        if opener in text:
            text = text.replace(opener, opener + _WORD)
    return _WORD + text


def _build() -> tuple[re.Pattern[str], dict[str, CueClass]]:
    lexicon: dict[str, CueClass] = {}
    for cls in ALL_CLASSES:
        for phrase in cls.phrases:
            for variant in _variants(phrase):
                lexicon.setdefault(_mark(variant), cls)
    # The trie of the phrases after the mark; (?!\w): a phrase ends where a word does
    # (the trie backtracks to a shorter phrase when the longest runs into a word).
    trie = _trie_regex(key[1:] for key in lexicon)
    return re.compile(f"{_WORD}(?:{trie})(?!\\w)"), lexicon


_MATCHER, _LEXICON = _build()
# Land donations written with a number: "hiến 300 m2 đất", "hiến hơn 1.000m²".
_HIEN_AREA = re.compile(
    _WORD + r"hiến \x01(?:tặng \x01)?(?:(?:hơn|gần|trên|khoảng|thêm) \x01)?[\d.,]+ ?\x01?"
    r"(?:m2|m²|mét \x01vuông|ha)"
)
_COMBINATIONS = COMBINATIONS
_HIEN_CLASS = next(c for c in ALL_CLASSES if c.name == "hien_dat")
# Verbs whose object phrase is a cue of its own.
_OVERLAPPING = frozenset({"mobilising", "verb_mobilise"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-"})


def _prepare(text: str) -> str:
    text = text.lower()
    if "–" in text or "—" in text or "‐" in text or "‑" in text:
        text = text.translate(_DASHES)
    return _mark(text)


def _hits(text: str) -> list[tuple[int, CueClass]]:
    """(position, class) of every cue in ``text`` (prepared): leftmost-longest whole-word
    phrases, and the phrases that start inside a mobilising verb's match ("vận động đồng
    bào có đạo" is mobilising and religion work)."""
    found: list[tuple[int, CueClass]] = []
    for m in _MATCHER.finditer(text):
        cls = _LEXICON.get(m.group())
        if cls is None or cls.kind == "ignore":
            continue
        start, stop = m.span()
        found.append((start, cls))
        if cls.name in _OVERLAPPING:
            word = text.find(_WORD, start + 1, stop)
            while word != -1:
                inner = _MATCHER.match(text, word)
                inner_cls = _LEXICON.get(inner.group()) if inner else None
                if (
                    inner_cls is not None
                    and inner_cls.name not in _OVERLAPPING
                    and inner_cls.kind != "ignore"
                ):
                    found.append((word, inner_cls))
                word = text.find(_WORD, word + 1, stop)
    if "hiến" in text:
        found += [(m.start(), _HIEN_CLASS) for m in _HIEN_AREA.finditer(text)]
    return found


class _Evidence:
    """Points gathered over the zones, and the cues that gave them."""

    __slots__ = ("adjacent", "adjacent_traps", "core", "cues", "traps")

    def __init__(self) -> None:
        self.core = 0.0
        self.adjacent = 0.0
        self.traps = 0.0  # <= 0
        self.adjacent_traps = 0.0  # <= 0, against adjacent points only
        self.cues: list[tuple[float, str, str]] = []  # (points, zone, cue)

    def add(self, kind: str, points: float, zone: str, name: str) -> None:
        if kind == "core":
            self.core += points
        elif kind == "adjacent":
            self.adjacent += points
        elif kind == "trap":
            self.traps += points
        else:  # trap_adjacent
            self.adjacent_traps += points
        self.cues.append((points, zone, name))


def _zone(evidence: _Evidence, zone: str, text: str) -> None:
    hits = _hits(text) if text else None
    if not hits:
        return
    positive, negative = _ZONES[zone]
    positions: dict[str, list[int]] = {}
    classes: list[CueClass] = []
    for pos, cls in hits:
        found = positions.get(cls.name)
        if found is None:
            positions[cls.name] = [pos]
            classes.append(cls)
        else:
            found.append(pos)
    items = [(c.name, c.kind, c.weight, len(positions[c.name])) for c in classes if c.weight]
    names = positions.keys()
    for combo in _COMBINATIONS:
        if combo.first.isdisjoint(names) or combo.second.isdisjoint(names):
            continue
        n = _near(positions, combo.first, combo.second, combo.window)
        if n:
            items.append((combo.name, combo.kind, combo.weight, n))
    # The Front as the subject (title, or the opening of the lead: "Ủy ban MTTQ huyện X tổ
    # chức...") is the Front at its own work; named further on, it is often just a guest.
    if zone != "body":
        front = positions.get("front")
        if front and (zone == "title" or front[0] < _SUBJECT_CHARS):
            items.append(("front_subject", "adjacent", _FRONT_SUBJECT, 1))
    # Next to a strong cue, a trap's words are the setting of the dân vận work ("công tác dân
    # vận of the army" next to "quân sự", a grassroots-democracy law "passed by the National
    # Assembly"), not a rival topic: they count half there.
    # (A phrase, not a combination of words; and not against the traps that only question
    # an organisation's role, like its anniversary greetings.)
    muted = negative * _TRAP_NEXT_TO_STRONG if any(c.weight >= _STRONG for c in classes) else 0
    body_traps = 0.0
    for name, kind, weight, n in items:
        if weight < 0:
            points = weight * (muted if muted and kind == "trap" else negative)
            if zone == "body":
                points = max(points, _BODY_TRAP_FLOOR - body_traps)
                body_traps += points
            evidence.add(kind, points, zone, "-" + name)
            continue
        points = weight * positive
        if zone == "body" and n > 1:
            points *= 1 + _BODY_REPEAT * min(n - 1, 2)
        evidence.add(kind, points, zone, name)


def _near(
    positions: dict[str, list[int]], a: frozenset[str], b: frozenset[str], window: int
) -> int:
    """How many cues of ``a`` (up to 3) have a cue of ``b`` within ``window`` characters."""
    left = [p for name in a for p in positions.get(name, ())]
    if not left:
        return 0
    right = sorted(p for name in b for p in positions.get(name, ()))
    if not right:
        return 0
    n = 0
    for p in left:
        i = bisect_left(right, p - window)
        if i < len(right) and right[i] <= p + window:
            n += 1
            if n == 3:
                break
    return n


def _decide(evidence: _Evidence) -> Relevance:
    adjacent = max(0.0, evidence.adjacent + evidence.adjacent_traps)
    score = round(evidence.core + adjacent + evidence.traps, 2)
    if evidence.core >= _CORE_MIN and evidence.core + evidence.traps >= _CORE_NET_MIN:
        label = CORE
    elif score >= _RELEVANT_MIN:
        label = ADJACENT
    else:
        label = NOT_RELEVANT
    cues = sorted(evidence.cues, key=lambda c: -abs(c[0]))[:MAX_CUES]
    return Relevance(label, score, tuple(f"{zone}:{name}" for _, zone, name in cues))


def _conclusive(evidence: _Evidence) -> bool:
    """The headline and lead decide label 2 whatever the body says (the body adds at least
    nothing and takes away at most ``_BODY_TRAP_FLOOR``)."""
    return (
        evidence.core >= _CORE_MIN
        and evidence.core + evidence.traps + _BODY_TRAP_FLOOR >= _CORE_NET_MIN
    )


def _headline_decides(evidence: _Evidence) -> bool:
    """A strong core cue in the headline and no trap there: "Hội nghị tổng kết công tác dân
    vận", "Dân vận khéo ở ..." is dân vận news whatever the lead goes on to say."""
    return evidence.core >= _HEADLINE_CORE and not evidence.traps and not evidence.adjacent_traps


def _classify(title: str, lead_and_body: Callable[[], tuple[str, str]]) -> Relevance:
    evidence = _Evidence()
    _zone(evidence, "title", _prepare(title[:TITLE_CHARS]))
    if not _headline_decides(evidence):
        lead, body = lead_and_body()
        _zone(evidence, "lead", _prepare(lead[:LEAD_CHARS]))
        if not _conclusive(evidence):
            _zone(evidence, "body", _prepare(body[:BODY_CHARS]))
    if not evidence.cues:
        return NONE
    return _decide(evidence)


def classify(title: str, lead: str, body: str) -> Relevance:
    """Relevance of one article from its title, lead and the rest of its text. Any text
    (empty, English, 5 MB) gets a decision; the work is bounded by the zones' sizes."""
    return _classify(title, lambda: (lead, body))


# --- lead and body from cleaned paragraphs --------------------------------------------------

_MIN_LEAD_SPACES = 7  # eight words at least
_LEAD_TARGET = 120  # characters: a first paragraph this short is joined by the next one


def _substantive(paragraph: str) -> bool:
    """Reads like a sentence of the article, not a section name, stamp or widget."""
    return paragraph.count(" ") >= _MIN_LEAD_SPACES and not paragraph.isupper()


def _same_text(a: str, b: str) -> bool:
    return abs(len(a) - len(b)) < 8 and " ".join(a.lower().split()) == " ".join(b.lower().split())


def split_lead(paragraphs: Sequence[str], title: str = "") -> tuple[str, str]:
    """(lead, body): the first substantive paragraph(s), and everything else.

    A simple local rule until extraction's own lead finding can be called here: skip short
    lines (section names, stamps, captions of a few words) and a repeat of the title."""
    lead: list[str] = []
    skipped: list[str] = []
    size = 0
    for i, paragraph in enumerate(paragraphs):
        if lead and (size >= _LEAD_TARGET or not _substantive(paragraph)):
            return "\n".join(lead), "\n".join([*skipped, *paragraphs[i:]])
        if _substantive(paragraph) and not (title and _same_text(paragraph, title)):
            lead.append(paragraph)
            size += len(paragraph)
        else:
            skipped.append(paragraph)
    return "\n".join(lead), "\n".join(skipped)


def classify_paragraphs(title: str, paragraphs: Sequence[str]) -> Relevance:
    """:func:`classify` on a cleaned article (headline, body paragraphs); the lead is only
    looked for when the headline does not decide."""
    return _classify(title, lambda: split_lead(paragraphs, title))
