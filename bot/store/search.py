"""Full-text search over the archive: with or without diacritics, exact spellings first.

How a query runs:

1. The user's text is normalised (NFC) and cut into word tokens; nothing else of it reaches
   FTS5, and every token is quoted, so ``"``, ``NEAR(``, ``*``, ``-``, ``NOT`` are just words.
2. Every folded token must match (``xoa doi`` finds "xoá đói" and "xóa đói"). FTS5 walks the
   index newest-first and stops after ``CANDIDATES`` matches: well under a millisecond even
   for "dân vận", which is in nearly every article.
3. The candidates are ranked by what a reader means: all words in the title, the exact
   spelling typed (the exact index: "Đảng" ranks above "đang"), the words side by side; then
   newer first. Each signal is one more index query limited to the candidates' rowid range.
   bm25 is not used: it computes document frequencies over every match, which costs
   hundreds of milliseconds for common words at 100,000 articles.
4. Snippets are cut from the original text at the positions found in the folded text
   (folding keeps offsets), escaped, with the hits in ``<b>``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import aiosqlite

from bot.articles.model import StoredArticle
from bot.store import articles as article_store
from bot.store import index
from bot.text.normalize import clean_nfc, fold, tone_variants, words

CANDIDATES = 300
MAX_TOKENS = 12
MAX_TOKEN_CHARS = 40
SNIPPET_CHARS = 160


@dataclass(frozen=True)
class SearchHit:
    article: StoredArticle
    snippet_html: str  # escaped text with <b>…</b> around the hits; safe for Telegram HTML


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[SearchHit]
    total: int  # number of matches (a lower bound when total_is_lower_bound)
    total_is_lower_bound: bool
    offset: int


@dataclass(frozen=True)
class ParsedQuery:
    tokens: tuple[str, ...]  # as typed (NFC)
    folded: tuple[str, ...]
    match: str  # every word, in title or body, with or without diacritics: what a row must match
    title_match: str  # every word in the title
    exact_match: str | None  # every word spelled as typed (only when typed with diacritics)
    phrase_match: str | None  # the words side by side (only for several words)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def parse_query(query: str) -> ParsedQuery | None:
    """Turn user text into safe MATCH expressions; None when it has no searchable word."""
    text = clean_nfc(query[:2000])
    tokens = tuple(t.strip("_") for t in words(text) if t.strip("_") and len(t) <= MAX_TOKEN_CHARS)[
        :MAX_TOKENS
    ]
    if not tokens:
        return None
    folded = tuple(fold(t).lower() for t in tokens)
    # Each word goes to the tokenizer as the index took it (index_form), so both sides agree.
    every = " AND ".join(_quote(index.index_form(t)) for t in tokens)
    # Exact spelling counts only for the words typed with diacritics: "dan van khéo" asks
    # for "khéo" exactly and leaves "dan", "van" to folding. "hoà" and "hòa" are one spelling.
    marked = [t for t, f in zip(tokens, folded, strict=True) if t.lower() != f]
    exact = " AND ".join(
        "(" + " OR ".join(_quote(v) for v in tone_variants(t)) + ")" for t in marked
    )
    return ParsedQuery(
        tokens=tokens,
        folded=folded,
        match=f"{{title body}} : ({every})",
        title_match=f"{{title}} : ({every})",
        exact_match=exact or None,
        phrase_match=f"{{title body}} : {_quote(' '.join(index.index_form(t) for t in tokens))}"
        if len(tokens) > 1
        else None,
    )


# What each signal adds to a candidate's score (newer wins ties).
_WEIGHTS = {"title": 4, "exact": 2, "phrase": 1}


# Only articles users may see (relevance >= 1) are candidates. The walk newest-first stops
# after this many matches of any relevance, so a word common in filtered news ("cổ phiếu" in
# an archive of market feeds) costs a bounded number of row reads.
WALK = 2000


async def _newest_rowids(db: aiosqlite.Connection, match: str, limit: int) -> list[int]:
    sql = (
        f"SELECT m.rowid FROM (SELECT rowid FROM {index.FOLDED} WHERE {index.FOLDED} MATCH ?"
        " ORDER BY rowid DESC LIMIT ?) AS m"
        " CROSS JOIN articles a INDEXED BY articles_shown_ids ON a.id = m.rowid"
        " WHERE a.relevance >= 1 LIMIT ?"
    )
    # No outer ORDER BY: the matches stream newest-first from the subquery and the walk
    # stops at ``limit`` shown ones (an outer sort would read all WALK matches first).
    async with db.execute(sql, (match, WALK, limit)) as cur:
        return sorted((int(r[0]) for r in await cur.fetchall()), reverse=True)


async def _walk_cut(db: aiosqlite.Connection, match: str) -> bool:
    """Whether the walk stopped at WALK matches (older shown matches may exist): asked only
    when it found fewer than wanted."""
    sql = (
        f"SELECT count(*) FROM (SELECT rowid FROM {index.FOLDED} WHERE {index.FOLDED} MATCH ?"
        " LIMIT ?)"
    )
    async with db.execute(sql, (match, WALK)) as cur:
        row = await cur.fetchone()
    return bool(row and row[0] >= WALK)


async def _rowids_from(db: aiosqlite.Connection, table: str, match: str, low: int) -> set[int]:
    # No ORDER BY: with one, FTS5 walks the whole index downwards when nothing matches
    # (27 ms at 100,000 articles); without it the rowid bound is a seek (0.5 ms).
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid >= ?"
    async with db.execute(sql, (match, low)) as cur:
        return {int(r[0]) for r in await cur.fetchall()}


async def candidate_ids(db: aiosqlite.Connection, parsed: ParsedQuery) -> tuple[list[int], bool]:
    """Ids of the best matches among the newest ``CANDIDATES``, best first; and whether
    there were more matches than that."""
    ids = await _newest_rowids(db, parsed.match, CANDIDATES + 1)
    more = len(ids) > CANDIDATES or (len(ids) <= CANDIDATES and await _walk_cut(db, parsed.match))
    ids = ids[:CANDIDATES]
    if len(ids) <= 1:
        return ids, more
    low = ids[-1]
    score = dict.fromkeys(ids, 0)
    signals = {
        "title": (index.FOLDED, parsed.title_match),
        "exact": (index.EXACT, parsed.exact_match),
        "phrase": (index.FOLDED, parsed.phrase_match),
    }
    for name, (table, match) in signals.items():
        if match is None:
            continue
        for rowid in await _rowids_from(db, table, match, low):
            if rowid in score:
                score[rowid] += _WEIGHTS[name]
    return sorted(ids, key=lambda i: (-score[i], -i)), more


async def search(
    db: aiosqlite.Connection, query: str, *, limit: int = 5, offset: int = 0
) -> SearchPage:
    """Articles matching ``query`` with or without diacritics, best first. Never raises on
    user input: an empty or odd query gives an empty page."""
    limit = max(1, min(limit, 50))
    offset = max(0, offset)
    parsed = parse_query(query)
    if parsed is None:
        return SearchPage(query, [], 0, False, offset)
    ids, more = await candidate_ids(db, parsed)
    page_ids = ids[offset : offset + limit]
    found = await article_store.get_many(db, page_ids)
    texts = await article_store.bodies(db, page_ids)
    hits = []
    for article in found:
        body = texts.get(article.id, "")
        hits.append(
            SearchHit(
                article,
                snippet(body, parsed.folded) or html.escape(article.summary[:SNIPPET_CHARS]),
            )
        )
    return SearchPage(query, hits, len(ids), more, offset)


def snippet(text: str, folded_tokens: tuple[str, ...], width: int = SNIPPET_CHARS) -> str:
    """An escaped excerpt of ``text`` around the first hit, every hit wrapped in <b>."""
    # Most hits are in the lead: fold (the costly part) a head first, the rest if needed.
    head = text[:1200]
    for part in (head, text) if len(text) > len(head) else (text,):
        found = _snippet(part, folded_tokens, width)
        if found:
            return found
    return ""


def _snippet(text: str, folded_tokens: tuple[str, ...], width: int) -> str:
    folded_text = fold(text)
    if len(folded_text) != len(text):  # alignment lost (exotic characters): no highlight
        return ""
    tokens = [t for t in folded_tokens if t]
    if not tokens:
        return ""
    # Highlight the phrase where the words stand together, else every word.
    phrase_rx = re.compile(r"(?<!\w)" + r"\W+".join(re.escape(t) for t in tokens) + r"(?!\w)")
    words_rx = re.compile(
        r"(?<!\w)(?:"
        + "|".join(re.escape(t) for t in sorted(set(tokens), key=len, reverse=True))
        + r")(?!\w)"
    )
    first = phrase_rx.search(folded_text) if len(tokens) > 1 else None
    rx = phrase_rx if first else words_rx
    first = first or words_rx.search(folded_text)
    if first is None:
        return ""
    at = first.start()
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
    for m in rx.finditer(folded_text, start, end):
        out.append(html.escape(text[pos : m.start()]))
        out.append("<b>" + html.escape(text[m.start() : m.end()]) + "</b>")
        pos = m.end()
    out.append(html.escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return " ".join("".join(out).split("\n")).replace("  ", " ")
