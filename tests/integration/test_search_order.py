"""Search order and explanations on a real SQLite file: newest first by the article's date,
the spelling typed and whole phrases first, exclusions, approximate matches, the date keys
of the index (updates, re-keying, the v8 migration) and one database call per search."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.articles.model import Article, Extraction
from bot.store import index
from bot.store import search as search_module
from bot.store.articles import save_many_sync
from bot.store.db import connect, open_sync
from bot.store.search import SearchPage, search, search_saved

NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def article(
    n: int, body: str, *, event: str | None = None, published: date | None = None, title: str = ""
) -> Article:
    return Article(
        body=body,
        source=f"s{n}",
        extraction=Extraction(
            title=title or f"Tin số {n}",
            published=published,
            event_date=event,
            provinces=(),
            level="province",
            meeting_kind=None,
            chairs=(),
            summary=body[:80],
        ),
        url=f"https://example.vn/{n}",
        published=datetime.combine(published, datetime.min.time(), tzinfo=UTC)
        if published
        else None,
        body_hash=hashlib.sha1(f"{n}{body}".encode()).hexdigest(),
        all_relevant=True,  # the texts are about search, not about being dân vận news
    )


def archive(tmp_path: Path, articles: Sequence[Article]) -> Path:
    path = tmp_path / "a.db"
    conn = open_sync(path)
    save_many_sync(conn, list(articles), NOW)
    conn.close()
    return path


@asynccontextmanager
async def opened_path(path: Path) -> AsyncIterator[aiosqlite.Connection]:
    adb = await connect(path)
    try:
        yield adb
    finally:
        await adb.close()


def opened(
    tmp_path: Path, articles: Sequence[Article]
) -> AbstractAsyncContextManager[aiosqlite.Connection]:
    """The archive of ``articles``, open as the bot opens it."""
    return opened_path(archive(tmp_path, articles))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    conn = await connect(tmp_path / "empty.db")
    yield conn
    await conn.close()


async def sources(db: aiosqlite.Connection, query: str, limit: int = 20) -> list[str]:
    page = await search(db, query, limit=limit)
    return [h.article.source for h in page.hits]


async def test_results_come_newest_first_whatever_the_import_order(tmp_path: Path) -> None:
    # The defect: "newer first" showed 23/4, 26/4, 22/4, 25/4, 28/4 (import order).
    days = ["2024-04-23", "2024-04-26", "2024-04-22", "2024-04-25", "2024-04-28"]
    texts = [article(i, "Hội nghị công tác dân vận.", event=d) for i, d in enumerate(days)]
    texts.append(article(9, "Hội nghị công tác dân vận năm nay.", published=date(2024, 4, 27)))
    texts.append(article(8, "Hội nghị công tác dân vận không rõ năm.", event="--04-30"))
    async with opened(tmp_path, texts) as adb:
        page = await search(adb, "dan van", limit=10)
        shown = [h.article.event_date or h.article.published for h in page.hits]
        # event date, else publication date; an unknown year last
        assert [h.article.source for h in page.hits] == ["s4", "s9", "s1", "s3", "s0", "s2", "s8"]
        assert shown[0] == "2024-04-28" and shown[-1] == "--04-30"


def two_villages(tmp_path: Path) -> Path:
    return archive(tmp_path, [article(1, "Dân vận khéo ở xã A.", event="2024-01-01"),
                              article(2, "Dân vận khéo ở xã B.", event="2024-06-01")])  # fmt: skip


def check_indexes(conn: sqlite3.Connection) -> None:
    """FTS5's own check: every row is indexed as its text says (raises when not)."""
    for table in (index.FOLDED, index.EXACT):
        conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 0)")


async def test_an_update_that_changes_the_date_moves_the_article(tmp_path: Path) -> None:
    path = two_villages(tmp_path)
    conn = open_sync(path)
    moved = article(1, "Dân vận khéo ở xã A, bản sửa.", event="2025-01-01")
    assert save_many_sync(conn, [moved], NOW)[0].status == "updated"
    (key,) = conn.execute("SELECT key FROM search_keys WHERE article_id = 1").fetchone()
    assert key == index.search_key("2025-01-01", 1)
    check_indexes(conn)
    conn.close()
    async with opened_path(path) as adb:
        assert await sources(adb, "dân vận khéo") == ["s1", "s2"]
        assert await sources(adb, "bản sửa") == ["s1"]


async def test_a_date_changed_behind_the_store_is_rekeyed_safely(tmp_path: Path) -> None:
    path = two_villages(tmp_path)
    conn = open_sync(path)
    conn.execute("UPDATE articles SET sort_date = '2025-02-02' WHERE id = 1")
    # Even before re-keying, a later save removes the rows it indexed (stored key).
    save_many_sync(conn, [article(2, "Dân vận khéo ở xã B, bản sửa.", event="2024-06-01")], NOW)
    conn.execute("BEGIN")
    assert index.rekey(conn) == 1
    assert index.rekey(conn) == 0
    conn.execute("COMMIT")
    check_indexes(conn)
    conn.close()
    async with opened_path(path) as adb:
        assert await sources(adb, "dan van kheo") == ["s1", "s2"]


def test_search_keys_order_by_date_then_id_and_give_the_id_back() -> None:
    days = ["2026-12-31", "2026-01-01", "2025-12-31", "2018-05-05", "0000-04-30", "", "junk"]
    keys = [index.search_key(d, 5) for d in days]
    assert keys[:5] == sorted(keys[:5]) and len(set(keys[:5])) == 5
    assert keys[4] < keys[5] == keys[6]  # unreadable dates go last of all
    assert index.search_key("2024-04-25", 7) < index.search_key("2024-04-25", 6)
    for d in days:
        for i in (1, 2, 123_456_789, 2**32 - 1):
            assert index.article_id(index.search_key(d, i)) == i
    with pytest.raises(ValueError):
        index.search_key("2024-01-01", 2**32)


async def test_exact_spelling_first_then_newest_and_the_approximation_is_said(
    tmp_path: Path,
) -> None:
    async with opened(tmp_path, [
        article(1, "Công tác xây dựng Đảng ở cơ sở.", event="2025-03-01"),
        article(2, "Các đại biểu đang thảo luận.", event="2024-03-01"),
        article(3, "Đảng bộ xã tổ chức đại hội.", event="2025-05-01"),
        article(4, "Xã đang triển khai nghị quyết.", event="2023-03-01"),
    ]) as adb:  # fmt: skip
        page = await search(adb, "đang", limit=10)
        assert [h.article.source for h in page.hits] == ["s2", "s4", "s3", "s1"]
        assert [h.spelled for h in page.hits] == [True, True, False, False]
        assert page.spelled_total == 2 and page.never_spelled == ()
        assert page.hits[2].forms == ("Đảng",)


async def test_a_spelling_no_article_has_is_reported(tmp_path: Path) -> None:
    async with opened(tmp_path, [
        article(1, "Công tác xây dựng Đảng ở cơ sở.", event="2025-03-01"),
        article(2, "Đảng bộ xã tổ chức đại hội.", event="2025-05-01"),
    ]) as adb:  # fmt: skip
        page = await search(adb, "đang")
        assert [h.article.source for h in page.hits] == ["s2", "s1"]
        assert page.spelled_total == 0 and page.never_spelled == ("đang",)
        assert {f for h in page.hits for f in h.forms} == {"Đảng"}


async def test_words_side_by_side_come_first(tmp_path: Path) -> None:
    async with opened(tmp_path, [
        article(1, "Khéo léo trong công tác dân vận.", event="2025-06-01"),
        article(2, "Phong trào thi đua Dân vận khéo.", event="2024-06-01"),
        article(3, "Vận động nhân dân khéo léo.", event="2025-07-01"),
    ]) as adb:  # fmt: skip
        page = await search(adb, "dân vận khéo", limit=10)
        assert [h.article.source for h in page.hits] == ["s2", "s3", "s1"]
        assert [h.together for h in page.hits] == [True, False, False]
        assert "<b>Dân vận khéo</b>" in page.hits[0].snippet_html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dân vận -khéo", ["s3", "s1"]),
        ("dân vận -kheo", ["s3", "s1"]),  # without diacritics: every spelling
        ("dân vận –khéo", ["s3", "s1"]),  # the en dash phones type for "-"
        ("dân vận -bão", ["s4", "s3", "s1"]),  # "-bão" (storm) keeps "báo cáo"
        ("dân vận -bao", ["s1"]),
        ("dân vận -khéo -bão", ["s3", "s1"]),
        ("dân vận -báo-cáo", ["s2", "s1"]),  # a group: articles with both words
        ("dân vận -NEAR(", ["s4", "s3", "s2", "s1"]),
        ('dân vận -"', ["s4", "s3", "s2", "s1"]),
    ],
)
async def test_a_leading_minus_excludes(tmp_path: Path, query: str, expected: list[str]) -> None:
    async with opened(tmp_path, [
        article(1, "Công tác dân vận ở cơ sở.", event="2025-01-01"),
        article(2, "Dân vận khéo trong mùa bão lũ.", event="2025-02-01"),
        article(3, "Báo cáo công tác dân vận quý I.", event="2025-03-01"),
        article(4, "Dân vận khéo, báo cáo điển hình.", event="2025-04-01"),
    ]) as adb:  # fmt: skip
        assert await sources(adb, query) == expected


async def test_a_query_of_exclusions_only_or_of_no_word_says_so(db: aiosqlite.Connection) -> None:
    assert (await search(db, "-dân -vận")).problem == "only_excluded"
    assert (await search(db, "🙂 -- !!")).problem == "no_words"


async def test_an_empty_result_says_which_words_are_missing(tmp_path: Path) -> None:
    async with opened(tmp_path, [
        article(1, "Dân vận khéo ở xã A.", event="2025-01-01"),
        article(2, "Hội nghị tổng kết năm.", event="2025-02-01"),
    ]) as adb:  # fmt: skip
        missing = await search(adb, "dân vận xyzzy")
        assert missing.hits == [] and missing.absent == ("xyzzy",)
        apart = await search(adb, "khéo tổng kết")
        assert apart.hits == [] and apart.absent == () and not apart.all_excluded
        excluded = await search(adb, "dân vận -khéo")
        assert excluded.hits == [] and excluded.all_excluded


def _expected_order(rows: list[tuple[int, int, bool, bool]]) -> list[int]:
    """(id, date as YYYYMMDD, spelled, together) -> ids in the promised order: the spelling
    typed, then side by side, then the newest date, then the newest id."""
    return [r[0] for r in sorted(rows, key=lambda r: (not r[2], not r[3], -r[1], -r[0]))]


async def test_paging_through_a_large_mixed_result_follows_the_promised_order(
    tmp_path: Path,
) -> None:
    # 150 articles: the spelling typed or not, the words together or not, dates shuffled;
    # the checks run on growing windows, so every page must agree with one full sort.
    texts, rows = [], []
    for i in range(1, 151):
        spelled, together = i % 3 != 0, i % 4 != 0
        word = "khéo" if spelled else "kheo"
        body = f"Phong trào dân vận {word} lần {i}." if together else f"Vận {word} dân {i}."
        day = f"20{10 + i * 7 % 13}-{1 + i * 5 % 12:02d}-{1 + i % 27:02d}"
        texts.append(article(i, body, event=day))
        rows.append((i, int(day.replace("-", "")), spelled, together))
    async with opened(tmp_path, texts) as adb:
        seen: list[int] = []
        for offset in range(0, 150, 7):
            page = await search(adb, "dân vận khéo", limit=7, offset=offset)
            assert page.total == 150
            seen += [int(h.article.source[1:]) for h in page.hits]
        assert seen == _expected_order(rows)


ONE = [article(1, "Dân vận khéo ở xã A.", event="2025-01-01")]


async def test_a_search_is_one_call_on_the_database_thread(tmp_path: Path) -> None:
    async with opened(tmp_path, ONE) as adb:
        calls = 0
        original = adb._execute

        async def counted(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 1
            return await original(fn, *args, **kwargs)  # type: ignore[no-untyped-call]

        adb._execute = counted  # type: ignore[method-assign]
        await adb.execute("INSERT INTO searches(query, created_at) VALUES ('dân vận', 'x')")
        calls = 0
        page = await search(adb, "dân vận", saved=True)
        assert calls == 1 and page.search_id == 1 and len(page.hits) == 1
        again = await search_saved(adb, 1)
        assert calls == 2 and again is not None and again.hits == page.hits
        assert await search_saved(adb, 99) is None and calls == 3


async def test_a_search_inside_an_open_transaction_reads_within_it(tmp_path: Path) -> None:
    async with opened(tmp_path, ONE) as adb:
        await adb.execute("BEGIN")
        page: SearchPage = await search(adb, "dân vận")
        assert len(page.hits) == 1 and adb.in_transaction
        await adb.execute("COMMIT")


async def test_migration_to_v8_keys_the_index_by_date(tmp_path: Path) -> None:
    from bot.store.schema import MIGRATIONS

    path = tmp_path / "v5.db"
    old = sqlite3.connect(path, isolation_level=None)
    script = "\n".join(m for m in MIGRATIONS[:5] if isinstance(m, str))
    old.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = 5;\nCOMMIT;")
    days = ["2024-04-23", "2024-04-26", "2024-04-22"]
    for i, day in enumerate(days, 1):
        old.execute(
            "INSERT INTO articles(id, body_hash, source, title, body, summary, sort_date,"
            " level, added_at, updated_at) VALUES (?, ?, ?, 'Tin', ?, '', ?, 'province', ?, ?)",
            (i, f"h{i}", f"s{i}", "Xây dựng Đảng, dân vận khéo.", day, NOW.isoformat(), "x"),
        )
        old.execute(
            "INSERT INTO article_fts(rowid, title, body) VALUES (?, 'Tin', ?)",
            (i, "Xây dựng Dảng, dân vận khéo."),
        )
    old.close()
    conn = open_sync(path)
    assert conn.execute("SELECT count(*) FROM search_keys").fetchone()[0] == 3
    check_indexes(conn)
    conn.close()
    async with opened_path(path) as adb:
        assert await sources(adb, "dang") == ["s2", "s1", "s3"]
        assert await sources(adb, "Đảng") == ["s2", "s1", "s3"]


def test_one_window_of_checks_suffices_for_a_first_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spelling and phrase checks stop once the page is decided (the 1M speed-up)."""
    texts = [article(i, f"Dân vận khéo lần {i}.", event="2025-01-01") for i in range(1, 200)]
    conn = open_sync(archive(tmp_path, texts))
    windows: list[tuple[int, int]] = []
    original = search_module._keys_in

    def spy(c: sqlite3.Connection, table: str, match: str, keys: Sequence[int]) -> set[int]:
        windows.append((keys[0], keys[-1]))
        return original(c, table, match, keys)

    monkeypatch.setattr(search_module, "_keys_in", spy)
    page = search_module.search_sync(conn, "dân vận khéo", limit=5)
    assert len(page.hits) == 5 and page.spelled_total is None  # not all were checked
    assert len(windows) == 2  # one window: the spelling and the phrase check
    low, high = windows[0]
    assert index.article_id(low) == 199
    assert index.article_id(high) == 199 - search_module.FIRST_WINDOW + 1
    conn.close()


async def test_a_walk_on_the_rarer_words_still_shows_only_full_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With three words or more, the walk asks for the rarer ones and the checks of each
    page for the rest: what is shown matches every word, and the total is an estimate
    until every candidate was checked."""
    monkeypatch.setattr(search_module, "COMMON", 35)  # "dân", "vận" common; "Nà", "Tùm" not
    texts = [article(i, f"Công tác dân vận lần {i}.", event="2024-01-01") for i in range(1, 41)]
    for i in range(41, 71):  # 30 with "Nà Tùm"; every sixth has no "vận"
        body = f"Nuôi ong ở Nà Tùm, {'dân' if i % 6 == 0 else 'dân vận'} lần {i}."
        texts.append(article(i, body, event=f"2025-01-{i - 40:02d}"))
    async with opened(tmp_path, texts) as adb:
        first = await search(adb, "Nà Tùm dân vận", limit=5)
        assert first.total == 30 and first.total_is_estimate
        seen = []
        for offset in range(0, 30, 5):
            page = await search(adb, "Nà Tùm dân vận", limit=5, offset=offset)
            seen += [int(h.article.source[1:]) for h in page.hits]
        assert seen == [i for i in range(70, 40, -1) if i % 6 != 0]
        last = await search(adb, "Nà Tùm dân vận", limit=50)
        assert last.total == 25 and not last.total_is_estimate


@pytest.mark.parametrize("query", ["dân vận", "Nà Tùm"])  # dense keys: one range read; sparse
async def test_only_articles_users_may_see_are_found_whatever_changes_relevance(
    tmp_path: Path, query: str
) -> None:
    texts = [article(i, f"Công tác dân vận lần {i}.", event="2024-01-01") for i in range(1, 61)]
    texts[9] = article(10, "Dân vận ở Nà Tùm, lần 10.", event="2024-01-01")
    texts[49] = article(50, "Dân vận ở Nà Tùm, lần 50.", event="2024-01-01")
    path = archive(tmp_path, texts)
    conn = open_sync(path)
    conn.execute("UPDATE articles SET relevance = 0 WHERE id IN (10, 20, 30)")  # a rescore
    conn.close()
    async with opened_path(path) as adb:
        found = {int(h.article.source[1:]) for h in (await search(adb, query, limit=50)).hits}
        assert found and not found & {10, 20, 30}
        assert 50 in found
    conn = open_sync(path)
    conn.execute("UPDATE articles SET relevance = 1 WHERE id = 10")  # a source vouches
    assert conn.execute("SELECT shown FROM search_keys WHERE article_id = 10").fetchone() == (1,)
    conn.close()
    async with opened_path(path) as adb:
        found = {int(h.article.source[1:]) for h in (await search(adb, query, limit=50)).hits}
        assert 10 in found and not found & {20, 30}
