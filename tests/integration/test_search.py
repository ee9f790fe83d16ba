"""Search and storage on a real SQLite file with the seed articles imported."""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.articles.model import RawArticle
from bot.articles.pipeline import process
from bot.sources.files import import_paths
from bot.store import articles as store
from bot.store.db import connect, open_sync
from bot.store.search import search
from bot.text.provinces import Gazetteer

NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path, seeds_dir: Path) -> AsyncIterator[aiosqlite.Connection]:
    path = tmp_path / "archive.db"
    conn = open_sync(path)
    report = import_paths(conn, [seeds_dir], NOW)
    conn.close()
    assert report.new == 5 and not report.failed
    adb = await connect(path)
    yield adb
    await adb.close()


async def _sources(db: aiosqlite.Connection, query: str) -> list[str]:
    page = await search(db, query, limit=10)
    return [h.article.source[:3] for h in page.hits]


async def test_unaccented_query_ranks_the_bac_kan_articles_first(db: aiosqlite.Connection) -> None:
    assert sorted((await _sources(db, "dan van bac kan"))[:2]) == ["000", "001"]


async def test_tone_placement_variants_find_each_other(db: aiosqlite.Connection) -> None:
    found = await _sources(db, "xóa đói")
    assert {"000", "002"} <= set(found)  # 000 writes "xoá", 002 "xóa"
    assert set(await _sources(db, "xoá đói")) == set(found)


async def test_d_finds_dj(db: aiosqlite.Connection) -> None:
    assert {"000", "001"} <= set((await _sources(db, "Dong Dien"))[:2])


async def test_nfd_query_works(db: aiosqlite.Connection) -> None:
    import unicodedata

    assert await _sources(db, unicodedata.normalize("NFD", "Ma Từ Đông Điền"))


async def _archive_of(tmp_path: Path, texts: list[tuple[str, str]]) -> aiosqlite.Connection:
    """A database holding one article per (source, text), all shown to users (the texts
    are about search, not about being dân vận news: see test_relevance_views.py)."""
    path = tmp_path / "archive.db"
    conn = open_sync(path)
    g = Gazetteer.load()
    raws = [RawArticle(t, source=s, all_relevant=True) for s, t in texts]
    store.save_many_sync(conn, [process(r, g) for r in raws], NOW)
    conn.close()
    return await connect(path)


async def test_exact_diacritics_rank_first(tmp_path: Path) -> None:
    adb = await _archive_of(tmp_path, [
        ("a", "Hội nghị đang diễn ra tại hội trường, các đại biểu đang thảo luận sôi nổi."),
        ("b", "Công tác xây dựng Đảng và hệ thống chính trị được chú trọng trong năm qua."),
    ])  # fmt: skip
    try:
        assert (await search(adb, "Đảng")).hits[0].article.source == "b"
        assert (await search(adb, "đang")).hits[0].article.source == "a"
        assert len((await search(adb, "dang")).hits) == 2
    finally:
        await adb.close()


async def test_exact_spelling_ignores_tone_placement(tmp_path: Path) -> None:
    adb = await _archive_of(tmp_path, [
        ("flower", "Người dân trồng hoa trên các tuyến đường nông thôn mới của xã."),
        ("peace", "Hội nghị bàn về hòa giải ở cơ sở và công tác dân vận của xã."),
    ])  # fmt: skip
    try:
        for typed in ("hoà", "hòa"):  # either placement is the spelling of "hòa giải"
            assert (await search(adb, typed)).hits[0].article.source == "peace"
        assert (await search(adb, "hoa")).total == 2
    finally:
        await adb.close()


@pytest.mark.parametrize(
    "query",
    ['"', "NEAR(", "NEAR(dân vận", "*", "-", "dân -vận", "TP.HCM", "NOT", "AND OR",
     "", "   ", "x" * 4000, "dân vận " * 600, "🙂🎉", "\u0301\u0300", "<script>alert(1)</script>",
     "title_fold:dan", "{body_tx}: x", "title:dan", "{body}: x", "text:x",
     "'; DROP TABLE articles; --"],
)  # fmt: skip
async def test_odd_queries_never_raise(db: aiosqlite.Connection, query: str) -> None:
    page = await search(db, query)
    assert page.total >= 0
    for hit in page.hits:
        assert "<script" not in hit.snippet_html


async def test_snippets_highlight_hits_and_are_escaped(db: aiosqlite.Connection) -> None:
    page = await search(db, "xoa doi")
    assert page.hits
    for hit in page.hits:
        assert re.search(r"<b>xo[aáà]{1,2}</b>", hit.snippet_html, re.IGNORECASE) or "<b>" in (
            hit.snippet_html
        )
        text = re.sub(r"</?b>", "", hit.snippet_html)
        assert "<" not in text and html.unescape(text)


async def test_paging(db: aiosqlite.Connection) -> None:
    first = await search(db, "dân vận", limit=2)
    second = await search(db, "dân vận", limit=2, offset=2)
    assert first.total == 5 and not first.total_is_lower_bound
    ids = [h.article.id for h in first.hits + second.hits]
    assert len(ids) == len(set(ids)) == 4


async def test_reads(db: aiosqlite.Connection) -> None:
    newest = await store.latest(db, 5)
    assert [a.event_date for a in newest][:2] == ["2024-04-25", "2023-07-05"]
    meetings = await store.meetings_in(db, "Thái Nguyên")
    assert {a.source[:3] for a in meetings} == {"000", "001", "003"}
    only_bac_kan = await store.meetings_in(db, "Thái Nguyên", former="Bắc Kạn")
    assert {a.source[:3] for a in only_bac_kan} == {"000", "001"}
    counts = dict(await store.province_counts(db))
    assert counts["Thái Nguyên"] == 3 and counts["Lào Cai"] == 1
    assert await store.get(db, 999999) is None


def test_dedupe_by_url_then_body(tmp_path: Path) -> None:
    conn = open_sync(tmp_path / "d.db")
    g = Gazetteer.load()
    text = "Sáng 2/6, Ban Dân vận Tỉnh ủy Lạng Sơn tổ chức hội nghị sơ kết công tác dân vận."
    url = "https://www.example.vn/tin/hoi-nghi.html?utm_source=fb"
    a = process(RawArticle(text, source="feed", url=url), g)
    r1 = store.save_many_sync(conn, [a], NOW)[0]
    # Same body from another URL: a duplicate, not a second article.
    b = process(RawArticle(text, source="other", url="https://other.vn/x"), g)
    assert store.save_many_sync(conn, [b], NOW)[0].status == "duplicate"
    # Same canonical URL with a corrected text: an update of the same row.
    c = process(RawArticle(text + " Hội nghị đã thành công.", source="feed",
                           url="http://example.vn/tin/hoi-nghi.html"), g)  # fmt: skip
    r3 = store.save_many_sync(conn, [c], NOW)[0]
    assert (r3.id, r3.status) == (r1.id, "updated")
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    # The index follows the update: the new words are found, the row is there once.
    rows = conn.execute(
        "SELECT rowid FROM article_fts WHERE article_fts MATCH 'body:thanh AND body:cong'"
    ).fetchall()
    assert rows == [(r1.id,)]
    conn.close()


def test_reopening_runs_no_migration_twice_and_refuses_newer(tmp_path: Path) -> None:
    from bot.store.db import SchemaTooNewError
    from bot.store.schema import SCHEMA_VERSION

    path = tmp_path / "m.db"
    open_sync(path).close()
    conn = open_sync(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNewError):
        open_sync(path)


def test_unit_counts_follow_inserts_and_updates(tmp_path: Path) -> None:
    conn = open_sync(tmp_path / "c.db")
    g = Gazetteer.load()
    url = "https://example.vn/a"
    meeting = "Sáng 2/6, Ban Dân vận Tỉnh ủy Bắc Kạn và Thái Nguyên tổ chức hội nghị sơ kết."
    store.save_many_sync(conn, [process(RawArticle(meeting, source="f", url=url), g)], NOW)
    counts = conn.execute("SELECT current, articles, meetings FROM province_stats").fetchall()
    assert counts == [("Thái Nguyên", 1, 1)]  # two names, one current unit: counted once
    not_meeting = "Mô hình Dân vận khéo ở Bắc Kạn giúp người dân thoát nghèo bền vững."
    store.save_many_sync(conn, [process(RawArticle(not_meeting, source="f", url=url), g)], NOW)
    counts = conn.execute("SELECT current, articles, meetings FROM province_stats").fetchall()
    assert counts == [("Thái Nguyên", 1, 0)]
    conn.close()


def test_migration_from_v1_backfills_units(tmp_path: Path) -> None:
    import sqlite3

    from bot.store.schema import MIGRATIONS

    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    old.executescript(f"BEGIN;\n{MIGRATIONS[0]}\nPRAGMA user_version = 1;\nCOMMIT;")
    old.execute(
        "INSERT INTO articles(id, body_hash, source, title, body, summary, sort_date, level,"
        " meeting_kind, added_at, updated_at) VALUES (1, 'h', 's', 't', 'b', '', '2024-04-25',"
        " 'province', 'so_ket', 'x', 'x')"
    )
    old.execute("INSERT INTO article_provinces VALUES (1, 'Bắc Kạn', 'Thái Nguyên')")
    old.close()
    conn = open_sync(path)
    assert conn.execute("SELECT * FROM article_units").fetchall() == [
        (1, "Thái Nguyên", 1, "2024-04-25")
    ]
    assert conn.execute("SELECT * FROM province_stats").fetchall() == [("Thái Nguyên", 1, 1)]
    conn.close()


def _rows(conn: sqlite3.Connection, table: str, match: str) -> list[int]:
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ?"
    return [r[0] for r in conn.execute(sql, (match,))]


def test_an_update_leaves_no_old_words_in_either_index(tmp_path: Path) -> None:
    conn = open_sync(tmp_path / "u.db")
    g = Gazetteer.load()
    url = "https://example.vn/tin/1.html"
    old = "Sáng 2/6, Ban Dân vận Tỉnh ủy Lạng Sơn tổ chức hội nghị sơ kết công tác dân vận."
    new = "Sáng 2/6, Ban Dân vận Tỉnh ủy Lạng Sơn tổ chức hội nghị tổng kết công tác dân vận."
    (first,) = store.save_many_sync(conn, [process(RawArticle(old, source="f", url=url), g)], NOW)
    assert _rows(conn, "article_exact", '"sơ"') == [first.id]
    # Two updates in one batch: the index operations must stay in order.
    batch = [process(RawArticle(t, source="f", url=url), g) for t in (new, new + " Tốt.")]
    assert [r.status for r in store.save_many_sync(conn, batch, NOW)] == ["updated", "updated"]
    assert _rows(conn, "article_fts", '"so"') == []
    assert _rows(conn, "article_exact", '"sơ"') == []
    assert _rows(conn, "article_fts", '"tong" AND "tot"') == [first.id]
    assert _rows(conn, "article_exact", '"tổng"') == [first.id]
    for table in ("article_fts", "article_exact"):
        conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 0)")
    conn.close()


async def test_migration_to_v4_reindexes_without_telex(tmp_path: Path) -> None:
    from bot.store.schema import MIGRATIONS

    path = tmp_path / "v3.db"
    old = sqlite3.connect(path, isolation_level=None)
    script = "\n".join(m for m in MIGRATIONS[:3] if isinstance(m, str))
    old.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = 3;\nCOMMIT;")
    for i, body in enumerate(["Các đại biểu đang thảo luận.", "Xây dựng Đảng vững mạnh."], 1):
        old.execute(
            "INSERT INTO articles(id, body_hash, source, title, body, summary, sort_date,"
            " level, added_at, updated_at) VALUES (?, ?, 's', 'Tin', ?, '', '2024-04-25',"
            " 'province', '2024-04-25T00:00:00+00:00', '2024-04-25T00:00:00+00:00')",
            (i, f"h{i}", body),
        )
    old.close()
    open_sync(path).close()
    adb = await connect(path)
    try:
        assert (await search(adb, "dang")).total == 2
        assert [h.article.id for h in (await search(adb, "Đảng")).hits] == [2, 1]
        assert [h.article.id for h in (await search(adb, "đang")).hits] == [1, 2]
    finally:
        await adb.close()


def test_optimize_merges_the_index_and_keeps_every_row(tmp_path: Path) -> None:
    from bot.store import index

    conn = open_sync(tmp_path / "o.db")
    g = Gazetteer.load()
    for i in range(3):  # three batches: three segments
        text = f"Hội nghị sơ kết lần {i} của Ban Dân vận Tỉnh ủy Lạng Sơn về công tác dân vận."
        store.save_many_sync(conn, [process(RawArticle(text, source=str(i)), g)], NOW)
    segments = conn.execute("SELECT count(*) FROM article_fts_data").fetchone()[0]
    index.optimize(conn)
    assert conn.execute("SELECT count(*) FROM article_fts_data").fetchone()[0] < segments
    assert len(_rows(conn, "article_fts", '"lang" AND "son"')) == 3
    assert len(_rows(conn, "article_exact", '"lạng"')) == 3
    for table in ("article_fts", "article_exact"):
        conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 0)")
    conn.close()
