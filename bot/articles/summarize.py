"""Extractive summaries (pure): 2-3 sentences, at most ~400 characters, in text order.

A lead-3 baseline reads badly on this corpus: leads carry attendee protocol ("Dự hội nghị
có đồng chí ..."), photo captions and credits. Sentences are scored for what a reader wants
(the event, its results, its decisions) and against protocol lists and captions. The caller
passes the paragraphs from the lead on (nothing above it: stamps, bylines, captions) and
the sentence that reports the event, which the summary keeps: it says what happened, where
and when. A sentence the page cut off ("... Sở Dân tộc và Tôn giáo tỉnh …", a teaser that
stops mid-word) is never chosen, and a sentence too long to fit is cut at a clause.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import chain

from bot.articles.clutter import ends_a_sentence, is_byline, is_caption
from bot.text.normalize import ChunkCache, fold, words
from bot.text.sentences import paragraph_sentences, split_sentences

MAX_CHARS = 400

_PROTOCOL_START = re.compile(
    r"^(?:tham\s+dự|dự\s+(?:hội\s+nghị|buổi|lễ|tọa\s+đàm|hội\s+thảo)|cùng\s+dự|"
    r"đến\s+dự|về\s+dự|có\s+mặt|chủ\s+trì\s+hội\s+nghị\s+có)",
    re.IGNORECASE,
)
# Titles of office. The alternation leads (no \b before it) so that the regex engine can
# skip to possible first letters; _title_words() checks the word start itself.
_TITLE_WORD = re.compile(
    r"(?:Ủy\s+viên|Uỷ\s+viên|Phó|Trưởng\s+ban|Bí\s+thư|Chủ\s+tịch|Giám\s+đốc|Chánh|"
    r"Thiếu\s+tướng|Đại\s+tá|Thượng\s+tá|UVBTV\w*)\b"
)


def _title_words(sentence: str) -> int:
    """How many titles of office a sentence names ("Phó Bí thư" is two)."""
    count = pos = 0
    while (m := _TITLE_WORD.search(sentence, pos)) is not None:
        start = m.start()
        if start > 0 and (sentence[start - 1].isalnum() or sentence[start - 1] == "_"):
            pos = start + 1
            continue
        count += 1
        pos = m.end()
    return count


_CAPTION_START = re.compile(
    r"^(?:quang\s+cảnh|toàn\s+cảnh|ảnh|các\s+đại\s+biểu|đại\s+biểu|lãnh\s+đạo)\b", re.IGNORECASE
)
_STOP = frozenset(
    """và của các những có được cho trong với là đã để một này theo tại về từ khi
    thực hiện công tác đồng chí hội nghị ban tỉnh ủy năm""".split()
)


def lead3(paragraphs: Sequence[str]) -> str:
    """The baseline: the first three sentences, cut to the limit (for benchmarks)."""
    sentences = [s for p in paragraphs for s in split_sentences(p)]
    return _fit(sentences[:3])


MAX_CANDIDATES = 40  # sentences considered: the lead and the body's first paragraphs


LONG_SENTENCE = 1.25  # a lone sentence this much over the limit is kept whole
EVENT_BONUS = 1.5  # the sentence that says what happened, where and when


def summarize(
    paragraphs: Sequence[str],
    *,
    title: str = "",
    limit: int = MAX_CHARS,
    event: str | None = None,
) -> str:
    """The summary of ``paragraphs`` (from the lead on); ``event``: the sentence that
    reports the event, kept when it fits."""
    candidates: list[tuple[int, str, set[str]]] = []
    event_order = -1
    fragments: list[str] = []
    for p_index, paragraph in enumerate(paragraphs):
        sentences = paragraph_sentences(paragraph)
        if p_index > 0 and len(sentences) == 1 and len(paragraph) < 160 and paragraph != event:
            continue  # a lone short paragraph after the lead is a caption
        cut_off = not ends_a_sentence(paragraph)
        if cut_off and len(paragraph) < 250 and (is_caption(paragraph) or is_byline(paragraph)):
            continue  # captions and bylines end without a full stop ("... Ảnh: TTXVN")
        last = len(sentences) - 1
        for i, sentence in enumerate(sentences):
            end = sentence[-1]
            if (
                (end == "…" or end == ")" or (end == "." and sentence[-3:] == "..."))
                and sentence.endswith(_CUT_MARKS)
            ) or (cut_off and i == last and sentence.count(" ") >= FRAGMENT_WORDS):
                fragments.append(sentence)  # cut off by the page
                continue
            if sentence == event:
                event_order = len(candidates)
            candidates.append((p_index, sentence, _tokens(sentence)))
        if len(candidates) >= MAX_CANDIDATES:
            break
    if not candidates:
        # A teaser cut off by its page: its complete clauses, marked as cut.
        return _truncate(_ELLIPSIS_END.sub("", fragments[0]), limit, cut=True) if fragments else ""
    freq = Counter(chain.from_iterable(toks for _, _, toks in candidates))
    title_words = {w for w in words(fold(title)) if w not in _STOP}
    capped = {w: n if n < 5 else 5 for w, n in freq.items()}
    raw = [_content(toks, capped) for _, _, toks in candidates]
    top = max(raw) or 1.0
    bases = [
        _base_score(toks, p_index, order, raw[order] / top, title_words)
        for order, (p_index, _, toks) in enumerate(candidates)
    ]
    if event_order >= 0:
        base = bases[event_order]
        bases[event_order] = (base if base is not None else 0.0) + EVENT_BONUS
    chosen: list[tuple[int, str]] = []
    total = 0
    for score, order in _best_first(bases, [s for _, s, _ in candidates]):
        sentence = candidates[order][1]
        if score <= 0 and chosen:
            break
        extra = len(sentence) + (1 if chosen else 0)
        if total + extra > limit:
            if not chosen:  # one long sentence: whole if a little over, else cut at a clause
                whole = len(sentence) <= limit * LONG_SENTENCE
                chosen.append((order, sentence if whole else _truncate(sentence, limit)))
                break
            continue
        chosen.append((order, sentence))
        total += extra
        if len(chosen) == 3:
            break
    chosen.sort()
    return " ".join(s for _, s in chosen)


def _content_words_of(chunk: str) -> tuple[str, ...]:
    """The content words of a space-separated chunk ("vận,", "TP.HCM"), folded: stop words
    and one-letter words carry no content."""
    return tuple(f for f in (fold(w) for w in words(chunk)) if len(f) > 1 and f not in _STOP)


# Looking chunks up costs a third of cutting sentences into words and folding them.
_content_words: ChunkCache[tuple[str, ...]] = ChunkCache(_content_words_of)


def _tokens(sentence: str) -> set[str]:
    """A sentence's content words, folded."""
    return set(chain.from_iterable(map(_content_words.__getitem__, sentence.split())))


def _content(toks: set[str], capped: dict[str, int]) -> float:
    """How much of the article's recurring vocabulary a sentence carries."""
    if len(toks) < 5:
        return 0.0
    return sum(map(capped.__getitem__, toks)) / (math.sqrt(len(toks)) * 5)


def _base_score(
    toks: set[str], p_index: int, order: int, content: float, title_words: set[str]
) -> float | None:
    """Content in [0, 1] plus position; None for a sentence with no content (score -1)."""
    if content <= 0:
        return None
    score = content + 0.5 * len(title_words & toks) / (len(title_words) or 1)
    score += 1.0 if order == 0 else (0.3 if p_index == 0 else 0.0)
    score -= 0.02 * min(p_index, 10)
    return score


def _score(sentence: str, base: float | None) -> float:
    """The base score minus protocol, captions and extreme lengths."""
    if base is None:
        return -1.0
    score = base
    if _PROTOCOL_START.match(sentence):
        score -= 2.0
    if _title_words(sentence) >= 2:
        score -= 0.8
    if _CAPTION_START.match(sentence):
        score -= 0.8
    if len(sentence) > 300:
        score -= 0.6
    if len(sentence) < 50:
        score -= 0.5
    return score


def _best_first(bases: list[float | None], sentences: list[str]) -> Iterator[tuple[float, int]]:
    """(score, order) of the candidates, best first (earlier first on ties), scoring lazily.

    Penalties only lower a base score, so the base is a bound: a candidate is scored (three
    regexes) only when its bound reaches the top of the heap. A summary needs 3 of ~30."""
    heap: list[tuple[float, int, bool]] = []
    for order, base in enumerate(bases):
        if base is None:
            heap.append((1.0, order, True))  # score -1, known
        else:
            heap.append((-(base + _BOUND_SLACK), order, False))
    heapq.heapify(heap)
    while heap:
        neg, order, exact = heapq.heappop(heap)
        if exact:
            yield -neg, order
        else:
            heapq.heappush(heap, (-_score(sentences[order], bases[order]), order, True))


_BOUND_SLACK = 1e-9  # a bound stays above the score whatever the rounding


_ELLIPSIS_END = re.compile(r"\s(?:…|\.\.\.)$|\(đọc\s+thêm\)$", re.IGNORECASE)
# An ellipsis after a space ("Sở Dân tộc và Tôn giáo tỉnh …") or "(đọc thêm)": the page
# cut the sentence off.
_CUT_MARKS = (" …", " ...", "(đọc thêm)", "(Đọc thêm)")
# A paragraph's last words without a full stop, longer than a heading: a teaser the page
# stopped mid-word ("... Trái ngọt sa").
FRAGMENT_WORDS = 12


_CLAUSE_END = re.compile(r"[,;:]\s")


def _truncate(sentence: str, limit: int, *, cut: bool = False) -> str:
    """A sentence cut to ``limit`` at its last clause boundary (else at a word) with "…";
    ``cut``: the sentence is already cut off, so cut it back to a clause in any case."""
    if len(sentence) <= limit and not cut:
        return sentence
    head = sentence[: limit - 1]
    clauses = [m.start() for m in _CLAUSE_END.finditer(head)]
    if clauses and clauses[-1] >= limit // 2:
        return head[: clauses[-1]].rstrip(" ,;:") + "…"
    return head.rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _fit(sentences: list[str], limit: int = MAX_CHARS) -> str:
    text = " ".join(sentences)
    return _truncate(text, limit)
