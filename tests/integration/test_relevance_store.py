"""Relevance in the archive, on a real SQLite file: what each view shows, a source's topic,
re-scoring, the migration that scores an existing archive, and what admins see.

The articles go through the real pipeline (clean, extract, classify); the texts are written
for these tests: a Ban Dân vận conference (core), a Front campaign (adjacent) and market
news (not dân vận), all in Thái Nguyên in the same week.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main as cli
from bot.articles.model import RawArticle
from bot.articles.pipeline import process
from bot.config import Settings
from bot.digest.job import digest_for
from bot.digest.schedule import IsoWeek
from bot.replies import dispatch
from bot.replies._bootstrap import start_rescore
from bot.replies.model import ChatContext, Reply
from bot.replies.render import strip_tags
from bot.services import Services
from bot.store import articles as store
from bot.store import sources as source_store
from bot.store.db import open_sync, run
from bot.store.relevance import rescore
from bot.store.schema import MIGRATIONS
from bot.store.search import search
from bot.store.stats import collect
from bot.text.provinces import Gazetteer

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday
PUBLISHED = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)  # in ISO week 2026-W47
WEEK = IsoWeek(2026, 47)
USER = ChatContext(chat_id=42, user_id=42, bot_username="DanVanBot")
ADMIN = ChatContext(chat_id=7, user_id=7, is_bot_admin=True)

CORE_TEXT = (
    "Hội nghị sơ kết công tác dân vận ở Thái Nguyên",
    "Sáng 16/11, Ban Dân vận Tỉnh ủy Thái Nguyên tổ chức hội nghị sơ kết công tác dân vận "
    "6 tháng, biểu dương các mô hình Dân vận khéo tiêu biểu trong tỉnh.",
)
FRONT_TEXT = (
    "Thái Nguyên: Mặt trận giám sát việc xây dựng nông thôn mới",
    "Ủy ban MTTQ tỉnh Thái Nguyên tổ chức hội nghị giám sát việc thực hiện cuộc vận động "
    "Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh tại các xã.",
)
MARKET_TEXT = (
    "Cổ phiếu doanh nghiệp Thái Nguyên tăng mạnh",
    "Sáng 16/11, cổ phiếu của một doanh nghiệp khai khoáng ở Thái Nguyên tăng trần, nhà đầu "
    "tư kỳ vọng lợi nhuận quý IV tăng, hội nghị nhà đầu tư diễn ra tại Thái Nguyên.",
)


def raw(text: tuple[str, str], source: str, n: int, *, trusted: bool = False) -> RawArticle:
    return RawArticle(
        text[1],
        source=source,
        title=text[0],
        url=f"https://example.vn/{source}/{n}",
        published=PUBLISHED,
        all_relevant=trusted,
    )


async def say(services: Services, text: str, ctx: ChatContext = USER) -> str:
    reply = await dispatch.handle_text(text, ctx, services)
    assert reply is not None
    return plain(reply)


def plain(reply: Reply) -> str:
    return "\n\n".join(strip_tags(p) for p in reply.parts)


async def ingest(services: Services, source: str, raws: list[RawArticle]) -> list[int]:
    """Process and save like a feed round does, and link the entries to the source."""
    gazetteer = Gazetteer.load()
    saved = await services.writer.save_many([process(r, gazetteer) for r in raws], NOW)
    row = await source_store.get_source(services.db, source)
    assert row is not None
    await source_store.record_entries(
        services.db,
        row.id,
        [(r.url or "", s.id, "h") for r, s in zip(raws, saved, strict=True)],
        NOW,
    )
    return [s.id for s in saved]


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    settings = Settings(database=tmp_path / "bot.db", admin_users=frozenset({7}))
    svc = await Services.open(settings, clock=lambda: NOW)
    await source_store.add_source(svc.db, "Báo tổng hợp", "https://general.example/rss")
    await source_store.add_source(svc.db, "Cổng Ban Dân vận", "https://danvan.example/rss")
    yield svc
    await svc.close()


@pytest.fixture
async def archive(services: Services) -> dict[str, int]:
    core, front, market = await ingest(
        services,
        "Báo tổng hợp",
        [raw(CORE_TEXT, "Báo tổng hợp", 1), raw(FRONT_TEXT, "Báo tổng hợp", 2),
         raw(MARKET_TEXT, "Báo tổng hợp", 3)],
    )  # fmt: skip
    return {"core": core, "front": front, "market": market}


async def relevance_of(services: Services, article_id: int) -> tuple[int, int, int]:
    async with services.db.execute(
        "SELECT relevance, relevance_auto, all_relevant FROM articles WHERE id = ?", (article_id,)
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


# --- what users see --------------------------------------------------------------------------


async def test_the_classifier_labels_are_stored(
    services: Services, archive: dict[str, int]
) -> None:
    assert await relevance_of(services, archive["core"]) == (2, 2, 0)
    assert await relevance_of(services, archive["front"]) == (1, 1, 0)
    assert await relevance_of(services, archive["market"]) == (0, 0, 0)


async def test_every_view_shows_dan_van_news_only(
    services: Services, archive: dict[str, int]
) -> None:
    latest = await say(services, "/moinhat 10")
    assert CORE_TEXT[0] in latest and FRONT_TEXT[0] in latest
    assert MARKET_TEXT[0] not in latest
    assert "2 tin mới nhất" in latest and "Kho hiện chỉ có 2 bài dân vận" in latest

    found = await say(services, "/tim Thái Nguyên")
    assert CORE_TEXT[0] in found and MARKET_TEXT[0] not in found
    assert "Không tìm thấy bài nào" in await say(services, "/tim cổ phiếu")
    page = await search(services.db, "Thái Nguyên")
    assert page.total == 2 and {h.article.id for h in page.hits} == {
        archive["core"],
        archive["front"],
    }

    assert CORE_TEXT[0] in await say(services, f"/tomtat {archive['core']}")
    hidden = await say(services, f"/tomtat {archive['market']}")
    assert "Không tìm thấy" in hidden and MARKET_TEXT[0] not in hidden

    week = await say(services, "/tomtat")  # this week has nothing yet: last week's summary
    assert "2 bài" in week and MARKET_TEXT[0] not in week

    meetings = await say(services, "/hoinghi Thái Nguyên")
    assert CORE_TEXT[0] in meetings and MARKET_TEXT[0] not in meetings
    assert "2 bài" in meetings  # core + front are meetings; the market news is not counted
    keyboard = await dispatch.handle_text("/hoinghi", USER, services)
    assert keyboard is not None
    assert [b.text for row in keyboard.buttons for b in row] == ["Thái Nguyên (2)"]
    assert "Thái Nguyên: 2 bài" in await say(services, "/tinh")


async def test_the_digest_lists_dan_van_news_core_first(
    services: Services, archive: dict[str, int]
) -> None:
    digest = await digest_for(services, WEEK)
    text = "\n".join(strip_tags(p) for p in digest.parts)
    assert digest.articles == 2 and MARKET_TEXT[0] not in text
    assert text.index(CORE_TEXT[0]) < text.index(FRONT_TEXT[0])


async def test_a_week_with_only_other_news_says_so(services: Services) -> None:
    await ingest(services, "Báo tổng hợp", [raw(MARKET_TEXT, "Báo tổng hợp", 9)])
    digest = await digest_for(services, WEEK)
    assert digest.articles == 0
    assert "chưa có tin dân vận mới nào" in strip_tags(digest.parts[0])
    assert MARKET_TEXT[0] not in strip_tags(digest.parts[0])
    assert "chưa có bài nào về công tác dân vận" in await say(services, "/moinhat")


# --- a source's topic ------------------------------------------------------------------------


async def test_topic_all_keeps_everything_and_stores_the_classifier_opinion(
    services: Services,
) -> None:
    await source_store.set_topic(services.db, "Cổng Ban Dân vận", "all")
    (market,) = await ingest(
        services, "Cổng Ban Dân vận", [raw(MARKET_TEXT, "Cổng Ban Dân vận", 1, trusted=True)]
    )
    assert await relevance_of(services, market) == (1, 0, 1)
    assert MARKET_TEXT[0] in await say(services, "/moinhat")


async def test_changing_a_topic_applies_to_the_articles_already_stored(
    services: Services, archive: dict[str, int]
) -> None:
    assert await source_store.set_topic(services.db, "Báo tổng hợp", "all") == 1
    assert await relevance_of(services, archive["market"]) == (1, 0, 1)
    assert "Thái Nguyên: 3 bài" in await say(services, "/tinh")
    assert await source_store.set_topic(services.db, "Báo tổng hợp", "filter") == -1
    assert await relevance_of(services, archive["market"]) == (0, 0, 0)
    assert await relevance_of(services, archive["core"]) == (2, 2, 0)
    assert "Thái Nguyên: 2 bài" in await say(services, "/tinh")


async def test_a_trusted_source_vouches_for_a_duplicate(
    services: Services, archive: dict[str, int]
) -> None:
    copy = raw(MARKET_TEXT, "Cổng Ban Dân vận", 5, trusted=True)  # same text, other URL
    await services.writer.save_many([process(copy, Gazetteer.load())], NOW)
    assert await relevance_of(services, archive["market"]) == (1, 0, 1)


async def test_nguon_adds_with_a_topic_shows_counts_and_changes_topic(
    services: Services, archive: dict[str, int]
) -> None:
    listing = await say(services, "/nguon", ADMIN)
    assert "Tin dân vận hiển thị: 2; lọc bỏ: 1 · chỉ giữ tin dân vận" in listing
    answer = await say(services, "/nguon chude Báo tổng hợp tatca", ADMIN)
    assert "giữ mọi tin" in answer and "1 bài" in answer
    assert "Tin dân vận hiển thị: 3; lọc bỏ: 0 · giữ mọi tin" in await say(
        services, "/nguon", ADMIN
    )
    stats = await say(services, "/thongke", ADMIN)
    assert "• Báo tổng hợp: 3 (hiển thị 3, lọc bỏ 0)" in stats


async def test_nguon_them_takes_a_topic(services: Services) -> None:
    answer = await say(services, "/nguon them Dân vận Huế http://203.162.4.191/rss tất cả", ADMIN)
    assert "Mọi tin của nguồn này sẽ được giữ" in answer
    row = await source_store.get_source(services.db, "Dân vận Huế")
    assert row is not None and row.topic == "all" and row.url.endswith("/rss")
    await say(services, "/nguon them Báo X http://203.162.4.192/rss", ADMIN)
    other = await source_store.get_source(services.db, "Báo X")
    assert other is not None and other.topic == "filter"


# --- admins: stats -----------------------------------------------------------------------------


async def test_stats_count_kept_and_filtered_per_source(
    services: Services, archive: dict[str, int]
) -> None:
    stats = await collect(services.db, NOW)
    assert (stats.relevant, stats.filtered) == (2, 1)
    by_name = {p.name: p for p in stats.per_source}
    assert (by_name["Báo tổng hợp"].kept, by_name["Báo tổng hợp"].filtered) == (2, 1)
    assert by_name["Cổng Ban Dân vận"].kept == 0 and by_name["Cổng Ban Dân vận"].topic == "filter"
    data = stats.to_json()
    assert data["relevant"] == 2 and data["filtered"] == 1
    assert {"name": "Báo tổng hợp", "kept": 2, "filtered": 1, "topic": "filter"} in data[
        "per_source"
    ]


def test_stats_cli_lists_the_filtered_titles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "cli.db"
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndatabase = "{database}"\n', encoding="utf-8")
    folder = tmp_path / "files"
    folder.mkdir()
    for n, (title, text) in enumerate((CORE_TEXT, MARKET_TEXT)):
        body = f"---\ntitle: {title}\nsource: Tệp thử\n---\n{text}\n"
        (folder / f"{n}.md").write_text(body, encoding="utf-8")
    assert cli(["import", str(folder), "--topic", "filter", "--config", str(config)]) == 0
    capsys.readouterr()
    assert cli(["stats", "--json", "--config", str(config)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["articles"] == 2 and data["relevant"] == 1 and data["filtered"] == 1
    assert cli(["stats", "--filtered", "Tệp thử", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert MARKET_TEXT[0] in out and CORE_TEXT[0] not in out and "score" in out
    assert cli(["stats", "--filtered", "Không có", "--config", str(config)]) == 2
    assert cli(["search", "Thái Nguyên", "--json", "--config", str(config)]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    assert [h["title"] for h in hits] == [CORE_TEXT[0]]


def test_imported_files_are_all_relevant_by_default(tmp_path: Path) -> None:
    database = tmp_path / "files.db"
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndatabase = "{database}"\n', encoding="utf-8")
    path = tmp_path / "market.md"
    path.write_text(f"---\ntitle: {MARKET_TEXT[0]}\n---\n{MARKET_TEXT[1]}\n", encoding="utf-8")
    assert cli(["import", str(path), "--config", str(config)]) == 0
    db = open_sync(database)
    try:
        row = db.execute("SELECT relevance, relevance_auto, all_relevant FROM articles").fetchone()
    finally:
        db.close()
    assert tuple(row) == (1, 0, 1)


# --- re-scoring ------------------------------------------------------------------------------


async def test_rescore_repairs_stale_scores_and_the_province_lists(
    services: Services, archive: dict[str, int]
) -> None:
    # As if an older classifier had shown the market news and hidden the conference.
    stale = "UPDATE articles SET relevance = ?, relevance_version = 0 WHERE id = ?"
    await run(services.db, stale, (2, archive["market"]))
    await run(services.db, stale, (0, archive["core"]))
    # The archive says it is current: a start reads nothing.
    assert (await start_rescore(services)).scored == 0
    await run(services.db, "UPDATE relevance_state SET version = 0")
    report = await start_rescore(services)
    assert report.scored == 2 and (report.shown, report.hidden) == (1, 1)
    assert await relevance_of(services, archive["core"]) == (2, 2, 0)
    assert await relevance_of(services, archive["market"]) == (0, 0, 0)
    assert "Thái Nguyên: 2 bài" in await say(services, "/tinh")
    assert (await start_rescore(services)).scored == 0  # current again
    conn = open_sync(services.settings.database)
    try:
        assert rescore(conn, stale_only=True).scored == 0
        everything = rescore(conn)
        assert everything.scored == 3 and everything.relabelled == 0
    finally:
        conn.close()


def test_rescore_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "r.db"
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndatabase = "{database}"\n', encoding="utf-8")
    db = open_sync(database)
    store.save_many_sync(db, [process(raw(CORE_TEXT, "x", 1), Gazetteer.load())], NOW)
    db.close()
    assert cli(["rescore", "--config", str(config)]) == 0
    assert "rescored 1 articles" in capsys.readouterr().out


# --- the migration -----------------------------------------------------------------------------


def _v4_database(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), isolation_level=None)
    for step, migration in enumerate(MIGRATIONS[:4]):
        assert isinstance(migration, str)
        db.executescript(f"BEGIN;\n{migration}\nPRAGMA user_version = {step + 1};\nCOMMIT;")
    return db


def test_the_migration_scores_the_existing_archive(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = _v4_database(path)
    db.execute("INSERT INTO sources(id, name, url) VALUES (1, 'feed', 'https://f.example/rss')")
    rows = [
        (1, "feed", CORE_TEXT, "2026-11-16"),
        (2, "feed", MARKET_TEXT, "2026-11-16"),
        (3, "old.md", MARKET_TEXT, "2026-11-15"),  # a file: no feed entry
    ]
    for n, source, (title, text), day in rows:
        db.execute(
            "INSERT INTO articles(id, body_hash, source, title, body, summary, sort_date, level,"
            " meeting_kind, added_at, updated_at) VALUES (?, ?, ?, ?, ?, '', ?, 'province',"
            " 'so_ket', 'x', 'x')",
            (n, f"h{n}", source, title, text, day),
        )
        db.execute(
            "INSERT INTO article_provinces(article_id, name, current) VALUES (?, ?, ?)",
            (n, "Thái Nguyên", "Thái Nguyên"),
        )
        db.execute(
            "INSERT INTO article_units(article_id, current, meeting, sort_date)"
            " VALUES (?, ?, 1, ?)",
            (n, "Thái Nguyên", day),
        )
    for n in (1, 2):
        db.execute(
            "INSERT INTO feed_entries(source_id, entry_key, article_id, content_hash, seen_at)"
            " VALUES (1, ?, ?, 'h', 'x')",
            (f"k{n}", n),
        )
    assert db.execute("SELECT articles FROM province_stats").fetchone() == (3,)
    db.close()

    migrated = open_sync(path)
    try:
        got = migrated.execute(
            "SELECT id, relevance, relevance_auto, all_relevant, relevance_version FROM articles"
            " ORDER BY id"
        ).fetchall()
        assert [tuple(r[:4]) for r in got] == [(1, 2, 2, 0), (2, 0, 0, 0), (3, 1, 0, 1)]
        assert all(r[4] >= 1 for r in got)
        assert migrated.execute("SELECT articles FROM province_stats").fetchone() == (2,)
        assert migrated.execute("SELECT topic FROM sources").fetchone() == ("filter",)
    finally:
        migrated.close()


async def test_search_walk_is_bounded_and_says_so(
    services: Services, archive: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.store import search as search_module

    # The newest two matches are the market news (hidden) and the Front article.
    monkeypatch.setattr(search_module, "WALK", 2)
    page = await search(services.db, "Thái Nguyên")
    assert [h.article.id for h in page.hits] == [archive["front"]]
    assert page.total_is_lower_bound  # older shown matches may lie beyond the walk
    monkeypatch.setattr(search_module, "WALK", 2000)
    page = await search(services.db, "Thái Nguyên")
    assert page.total == 2 and not page.total_is_lower_bound


# --- configuration and extract --------------------------------------------------------------


def test_topic_in_the_config_is_validated(tmp_path: Path) -> None:
    from bot.config import ConfigError, load_settings

    path = tmp_path / "config.toml"
    source = '[[sources]]\nname = "Ban"\nurl = "https://danvan.example/rss"\n'
    path.write_text(source + 'topic = "All "\n', encoding="utf-8")
    assert load_settings(str(path), env={}).sources[0].topic == "all"
    path.write_text(source, encoding="utf-8")
    assert load_settings(str(path), env={}).sources[0].topic == "filter"
    path.write_text(source + 'topic = "everything"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r'"Ban" topic .*"filter".*"all"'):
        load_settings(str(path), env={})


async def test_a_topic_changed_in_the_config_applies_at_the_next_sync(
    services: Services, archive: dict[str, int]
) -> None:
    from bot.config import SourceSettings

    configured = SourceSettings("Báo tổng hợp", "https://general.example/rss", topic="all")
    await source_store.sync_config_sources(services.db, [configured])
    assert await relevance_of(services, archive["market"]) == (1, 0, 1)
    await source_store.sync_config_sources(services.db, [replace(configured, topic="filter")])
    assert await relevance_of(services, archive["market"]) == (0, 0, 0)


def test_extract_json_reports_relevance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for n, (title, text) in enumerate((CORE_TEXT, FRONT_TEXT, MARKET_TEXT)):
        (tmp_path / f"{n}.md").write_text(f"---\ntitle: {title}\n---\n{text}\n", encoding="utf-8")
    files = [str(tmp_path / f"{n}.md") for n in range(3)]
    assert cli(["extract", *files, "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["relevance"] for line in lines] == [2, 1, 0]


def test_rescore_agrees_with_the_pipeline(tmp_path: Path) -> None:
    """Stored title and body give the label the pipeline gave, headline or not (a title the
    extractor derived from the lead is not read as a headline)."""
    texts = [
        RawArticle(CORE_TEXT[1], source="a", title=CORE_TEXT[0]),
        RawArticle(FRONT_TEXT[1], source="b"),
        RawArticle(
            "Sáng 16/11, tại Thái Nguyên, các cơ quan trong khối dân vận tổ chức hội nghị giao "
            "ban quý IV, bàn cách nắm tình hình nhân dân ở cơ sở.",
            source="c",
        ),
        RawArticle(MARKET_TEXT[1], source="d"),
    ]
    db = open_sync(tmp_path / "agree.db")
    try:
        articles = [process(r, Gazetteer.load()) for r in texts]
        store.save_many_sync(db, articles, NOW)
        report = rescore(db)
        assert report.scored == 4 and report.relabelled == 0
        scores = [r[0] for r in db.execute("SELECT relevance_score FROM articles ORDER BY id")]
        assert scores == [a.extraction.relevance.score for a in articles if a.extraction.relevance]
    finally:
        db.close()
