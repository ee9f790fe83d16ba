"""Full-text search over the archive: with or without diacritics, exact spellings first.

How a query runs:

1. The user's text is normalised (NFC) and cut into word tokens; nothing else of it reaches
   FTS5, and every token is quoted, so ``"``, ``NEAR(``, ``*``, ``-``, ``NOT`` are just words.
2. Folded tokens must all match (``xoa doi`` finds "xoá đói" and "xóa đói"); when the query
   has diacritics, its Telex tokens ("ddangr" for "Đảng") add score to the exact spellings,
   and the folded phrase adds score to adjacent words.
3. Ranking is bm25 with titles weighted up, over at most ``CANDIDATES`` of the newest
   matches: on a query found in nearly every article ("dân vận") bm25 over 100,000 rows
   costs hundreds of milliseconds, while the newest few hundred cost a few. For a news
   archive "the best among the recent" is also what readers want.
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
from bot.text.normalize import clean_nfc, fold, telex, words

CANDIDATES = 300
MAX_TOKENS = 12
MAX_TOKEN_CHARS = 40
SNIPPET_CHARS = 160
# bm25 column weights: title_fold, body_fold, title_tx, body_tx
_WEIGHTS = "6.0, 1.0, 6.0, 1.0"


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
    match: str  # the FTS5 MATCH expression

    @property
    def has_diacritics(self) -> bool:
        return any(t.lower() != f for t, f in zip(self.tokens, self.folded, strict=True))


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def parse_query(query: str) -> ParsedQuery | None:
    """Turn user text into a safe MATCH expression; None when it has no searchable word."""
    text = clean_nfc(query[:2000])
    tokens = tuple(t for t in words(text) if t.strip("_") and len(t) <= MAX_TOKEN_CHARS)[
        :MAX_TOKENS
    ]
    tokens = tuple(t.strip("_") for t in tokens)
    if not tokens:
        return None
    folded = tuple(fold(t).lower() for t in tokens)
    required = " AND ".join(_quote(f) for f in folded)
    parts = [f"{{title_fold body_fold}} : ({required})"]
    if len(folded) > 1:
        parts.append(f"{{title_fold body_fold}} : {_quote(' '.join(folded))}")
    parsed = ParsedQuery(tokens, folded, "")
    if parsed.has_diacritics:
        exact = " AND ".join(_quote(telex(t)) for t in tokens)
        parts.append(f"{{title_tx body_tx}} : ({exact})")
    # The first part is required; the others only add score to rows that match it.
    match = parts[0] if len(parts) == 1 else f"({parts[0]}) AND ({' OR '.join(parts)})"
    return ParsedQuery(tokens, folded, match)


async def candidate_ids(db: aiosqlite.Connection, parsed: ParsedQuery) -> tuple[list[int], bool]:
    """Ids of the best matches among the newest ``CANDIDATES``, best first; and whether
    there were more matches than that."""
    sql = (
        f"SELECT rowid, bm25(article_fts, {_WEIGHTS}) FROM article_fts"
        " WHERE article_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
    )
    async with db.execute(sql, (parsed.match, CANDIDATES + 1)) as cur:
        rows = list(await cur.fetchall())
    more = len(rows) > CANDIDATES
    rows = rows[:CANDIDATES]
    # bm25 is lower-is-better; ties go to the newer article.
    ranked = sorted(rows, key=lambda r: (r[1], -r[0]))
    return [int(r[0]) for r in ranked], more


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
    hits = []
    for article in found:
        body = await article_store.body(db, article.id) or ""
        hits.append(
            SearchHit(
                article,
                snippet(body, parsed.folded) or html.escape(article.summary[:SNIPPET_CHARS]),
            )
        )
    return SearchPage(query, hits, len(ids), more, offset)


def snippet(text: str, folded_tokens: tuple[str, ...], width: int = SNIPPET_CHARS) -> str:
    """An escaped excerpt of ``text`` around the first hit, every hit wrapped in <b>."""
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
