"""Digest composition: header, grouping by current province, filtering, splitting; and the
seeds end to end through the pipeline, the store and ``compose``."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.articles.model import ProvinceMention, RawArticle, StoredArticle
from bot.articles.pipeline import process
from bot.digest.compose import compose, header, pack, week_days, week_range_vi
from bot.digest.schedule import IsoWeek
from bot.replies.render import MAX_MESSAGE, strip_tags, visible_length
from bot.store import articles as store
from bot.store.articles import ArticleWriter
from bot.store.db import connect
from bot.text.provinces import Gazetteer

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"
ADDED = datetime(2026, 11, 23, tzinfo=UTC)


def art(
    id_: int,
    title: str,
    *,
    event: str | None = "2024-04-25",
    provinces: tuple[tuple[str, str], ...] = (),
    kind: str | None = "so_ket",
    level: str = "province",
    summary: str = "Một câu tóm tắt đủ dài để làm dòng mô tả ngắn cho bài viết này.",
    url: str | None = "https://example.vn/a",
) -> StoredArticle:
    return StoredArticle(
        id=id_,
        title=title,
        url=url,
        source="test",
        published=None,
        event_date=event,
        level=level,
        meeting_kind=kind,
        chairs=(),
        summary=summary,
        provinces=tuple(ProvinceMention(n, c) for n, c in provinces),
        added_at=ADDED,
    )


def test_header_uses_calendar_iso_weeks_and_vietnamese_dates() -> None:
    assert header(IsoWeek(2026, 47)) == "Bản tin Dân vận tuần 47 (16–22 tháng 11, 2026)"
    assert week_range_vi(IsoWeek(2026, 49)) == "30 tháng 11 – 6 tháng 12, 2026"
    assert week_range_vi(IsoWeek(2026, 53)) == "28 tháng 12, 2026 – 3 tháng 1, 2027"


def test_groups_by_current_province_with_former_names() -> None:
    items = [
        art(1, "Hội nghị ở Bắc Kạn", provinces=(("Bắc Kạn", "Thái Nguyên"),)),
        art(2, "Hội nghị ở Cao Bằng", event="2024-04-23", provinces=(("Cao Bằng", "Cao Bằng"),)),
        art(3, "Bài không phải hội nghị", kind=None, provinces=(("Cao Bằng", "Cao Bằng"),)),
        art(4, "Tuần khác", event="2024-05-10", provinces=(("Cao Bằng", "Cao Bằng"),)),
    ]
    digest = compose(IsoWeek(2024, 17), items)
    text = "\n\n".join(digest.parts)
    assert "Bản tin Dân vận tuần 17 (22–28 tháng 4, 2024)" in text
    assert "<b>Thái Nguyên (Bắc Kạn)</b>" in text
    assert "Thứ Năm, 25/4" in text
    assert text.index("<b>Cao Bằng</b>") < text.index("<b>Thái Nguyên (Bắc Kạn)</b>")
    assert "Tuần khác" not in text
    assert "Tuần này có 3 bài (trong đó 2 hội nghị, sự kiện) về 2 tỉnh, thành phố." in text
    assert (digest.articles, digest.meetings) == (3, 2)


def test_filter_by_subscriber_provinces() -> None:
    items = [
        art(1, "Bắc Kạn", provinces=(("Bắc Kạn", "Thái Nguyên"),)),
        art(2, "Cao Bằng", provinces=(("Cao Bằng", "Cao Bằng"),)),
        art(3, "Trung ương", provinces=(), level="central"),
    ]
    text = "\n".join(compose(IsoWeek(2024, 17), items, ("Cao Bằng",)).parts)
    assert "Theo dõi: Cao Bằng" in text
    assert ">Cao Bằng</a>" in text and ">Bắc Kạn</a>" not in text
    assert ">Trung ương</a>" not in text
    unfiltered = "\n".join(compose(IsoWeek(2024, 17), items).parts)
    assert "Trung ương và chưa rõ địa phương" in unfiltered


def test_empty_week_is_a_short_friendly_note() -> None:
    digest = compose(IsoWeek(2026, 47), [])
    assert len(digest.parts) == 1
    assert "chưa có tin dân vận mới" in digest.parts[0]
    assert "tuần 47 (16–22 tháng 11, 2026)" in digest.parts[0]
    filtered = compose(IsoWeek(2026, 47), [], ("Hà Nội",)).parts[0]
    assert "bạn theo dõi" in filtered


def test_outside_text_is_escaped() -> None:
    evil = art(
        1,
        'Hội nghị <script> & "x"',
        url='https://e.vn/?a=1&b="><b>',
        summary="<i>không</i> phải thẻ & vẫn là chữ, câu này đủ dài để làm tóm tắt.",
        provinces=(("Cao Bằng", "Cao Bằng"),),
    )
    text = "\n".join(compose(IsoWeek(2024, 17), [evil]).parts)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert 'href="https://e.vn/?a=1&amp;b=&quot;&gt;&lt;b&gt;"' in text
    assert "&lt;i&gt;không&lt;/i&gt;" in text


def test_long_week_splits_on_item_boundaries_under_the_limit() -> None:
    names = [("Cao Bằng", "Cao Bằng"), ("Bắc Kạn", "Thái Nguyên"), ("Hà Nội", "Hà Nội")]
    items = [
        art(
            i,
            f"Hội nghị số {i} " + "rất dài " * 20,
            event=f"2024-04-{22 + i % 7:02d}",
            provinces=(names[i % 3],),
            url=f"https://example.vn/bai-{i}",
        )
        for i in range(200)
    ]
    digest = compose(IsoWeek(2024, 17), items)
    assert len(digest.parts) > 3
    for part in digest.parts:
        assert 0 < visible_length(part) <= MAX_MESSAGE
        assert part.count("<a ") == part.count("</a>")  # no item cut in half
        assert part.count("<b>") == part.count("</b>")
    everything = "\n".join(digest.parts)
    for i in range(200):
        assert f'href="https://example.vn/bai-{i}"' in everything
    assert digest.parts[0].startswith("<b>📰 Bản tin Dân vận tuần 17")


def test_pack_keeps_blocks_whole() -> None:
    blocks = [f"block {i} " + "x" * 90 for i in range(10)]
    parts = pack(blocks, budget=250)
    assert all(visible_length(p) <= 250 for p in parts)
    assert [b for p in parts for b in p.split("\n\n")] == blocks


# --- the seeds, through the real pipeline and store -----------------------------------------


@pytest.fixture
def seeds() -> list[Path]:
    files = sorted(SEEDS.glob("*.txt"))
    if not files:
        pytest.skip(f"shared seeds not found at {SEEDS.resolve()}")
    return files


async def test_seed_digest_for_2024_w17(tmp_path: Path, seeds: list[Path]) -> None:
    gazetteer = Gazetteer.load()
    db_path = tmp_path / "digest.db"
    processed = [
        process(RawArticle(text=p.read_text("utf-8"), source=p.name), gazetteer) for p in seeds
    ]
    db = await connect(db_path)
    try:
        await ArticleWriter(db).save_many(processed, ADDED)
        week = IsoWeek.parse("2024-W17")
        found = await store.in_period(db, *week_days(week))
    finally:
        await db.close()
    digest = compose(week, found)
    text = "\n\n".join(digest.parts)
    assert "Bản tin Dân vận tuần 17 (22–28 tháng 4, 2024)" in text
    group = re.search(r"<b>Thái Nguyên \(Bắc Kạn\)</b>\n(.*?)(?:\n\n|$)", text, re.S)
    assert group, text
    assert "Thứ Năm, 25/4" in group.group(1)
    assert "Bắc Kạn" in html.unescape(strip_tags(group.group(1)))
    # Only that seed is in week 17; the others are in other years.
    assert digest.meetings == 1 and digest.articles == 1
    # And the week of the 2023 seed does not carry it.
    other = compose(IsoWeek.parse("2023-W27"), found)
    assert "Thái Nguyên (Bắc Kạn)" not in "\n".join(other.parts)


# --- issue 13: each article once, under its province, one tap to its summary ------------------


def _lines(text: str) -> list[str]:
    return [line for line in strip_tags(text).split("\n") if line.startswith(("• ", "⭐ "))]


def test_each_article_once_under_its_province_without_repeating_kind_or_place() -> None:
    items = [
        art(i, f"Sơ kết 5 năm phong trào số {i}", provinces=(("Quảng Bình", "Quảng Trị"),))
        for i in range(1, 9)
    ] + [art(9, "Tập huấn ở Cao Bằng", kind="tap_huan", provinces=(("Cao Bằng", "Cao Bằng"),))]
    digest = compose(IsoWeek(2024, 17), items)
    text = "\n\n".join(digest.parts)
    lines = _lines(text)
    assert len(lines) == 9  # no second listing under highlights
    for i in range(1, 10):
        assert sum(f"/tomtat_{i}" in line.split() for line in lines) == 1
    assert not any("Sơ kết:" in line or "Quảng Bình:" in line for line in lines)
    assert not any("Tập huấn:" in line or "Cao Bằng:" in line for line in lines)
    assert text.count("<b>Quảng Trị (Quảng Bình)</b>") == 1
    assert sum(line.startswith("⭐") for line in lines) == 5  # a long week: five starred


def test_a_meeting_of_several_provinces_is_listed_once_and_the_count_adds_up() -> None:
    joint = art(
        1,
        "Hội nghị giao ban cụm thi đua tại Thái Nguyên",
        provinces=(("Cao Bằng", "Cao Bằng"), ("Bắc Kạn", "Thái Nguyên"), ("Lạng Sơn", "Lạng Sơn")),
    )
    alone = art(2, "Đối thoại ở Cao Bằng", kind="doi_thoai", provinces=(("Cao Bằng", "Cao Bằng"),))
    text = "\n\n".join(compose(IsoWeek(2024, 17), [joint, alone]).parts)
    assert "về 3 tỉnh, thành phố" in text
    plain = strip_tags(text)
    block = plain[plain.index("Nhiều tỉnh, thành phố") :]
    assert "/tomtat_1" in block and "/tomtat_1" not in plain[: plain.index("Nhiều tỉnh")]
    assert "📍 Cao Bằng, Bắc Kạn (nay thuộc Thái Nguyên), Lạng Sơn" in block
    # Following one of them: it is that province's news, listed there.
    mine = "\n".join(compose(IsoWeek(2024, 17), [joint, alone], ("Lạng Sơn",)).parts)
    assert "<b>Lạng Sơn</b>" in mine and "Nhiều tỉnh" not in mine
    assert "về 1 tỉnh, thành phố" in mine


def test_every_line_has_a_one_tap_summary_and_channels_get_deep_links() -> None:
    items = [art(7, "Không có đường dẫn", url=None, provinces=(("Huế", "Huế"),))]
    private = "\n".join(compose(IsoWeek(2024, 17), items).parts)
    assert "/tomtat_7" in private and "/tomtat 7" not in private
    channel = "\n".join(compose(IsoWeek(2024, 17), items, deep_link_bot="DanVanBot").parts)
    assert '<a href="https://t.me/DanVanBot?start=a7">tóm tắt</a>' in channel
    assert "/tomtat_7" not in channel


def test_groups_in_vietnamese_alphabetical_order() -> None:
    names = [
        ("Huế", "Huế"),
        ("Hà Tĩnh", "Hà Tĩnh"),
        ("Đồng Tháp", "Đồng Tháp"),
        ("Yên Bái", "Lào Cai"),
        ("An Giang", "An Giang"),
        ("Hưng Yên", "Hưng Yên"),
    ]
    items = [art(i, f"Bài {i}", provinces=(n,)) for i, n in enumerate(names, start=1)]
    text = strip_tags("\n".join(compose(IsoWeek(2024, 17), items).parts))
    headings = ["An Giang", "Đồng Tháp", "Hà Tĩnh", "Huế", "Hưng Yên", "Lào Cai"]
    positions = [text.index(f"\n{h}") for h in headings]
    assert positions == sorted(positions)


def test_undated_articles_are_in_no_week() -> None:
    undated = art(1, "Không rõ ngày", event=None, provinces=(("Huế", "Huế"),))
    digest = compose(IsoWeek(2024, 17), [undated])
    assert digest.articles == 0 and "chưa có tin dân vận mới" in digest.parts[0]


def test_a_summary_that_repeats_the_title_is_not_shown() -> None:
    lead = (
        "Chiều 25/4, Ban Dân vận Tỉnh ủy tổ chức Hội nghị sơ kết công tác dân vận quý I. Câu sau."
    )
    cut = art(1, "Ban Dân vận Tỉnh ủy tổ chức Hội nghị sơ kết công tác…", summary=lead)
    text = "\n".join(compose(IsoWeek(2024, 17), [cut]).parts)
    assert "Chiều 25/4" not in text and "Ban Dân vận Tỉnh ủy tổ chức" in text


def test_counts_have_vietnamese_thousands_separators() -> None:
    items = [art(i, f"Bài {i}", kind=None) for i in range(1, 1201)]
    assert "Tuần này có 1.200 bài." in compose(IsoWeek(2024, 17), items).parts[0]
