"""Issue 13, first contact: what a new user meets, on a real SQLite file through the reply
layer (the same handlers as Telegram and the terminal). One test per defect or feature;
the Telegram side of each is in tests/e2e/test_first_contact.py."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.articles.model import Article, Extraction, ProvinceMention
from bot.config import Settings
from bot.replies import dispatch
from bot.replies.browse import latest_header
from bot.replies.inline import inline_answer, parse_offset
from bot.replies.model import ChatContext, Target
from bot.replies.views import repeats_title
from bot.services import Services
from bot.store import articles as store
from bot.store import subscriptions
from bot.text.collation import sort_key, sorted_vi
from bot.text.numbers import format_number
from bot.text.provinces import Gazetteer
from bot.text.substance import lacks_substance
from tests.unit.test_replies import PRIVATE, press, say, visible

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 in Hà Nội
GROUP = ChatContext(
    chat_id=-1001, chat_type="supergroup", user_id=5, chat_title="Ban Dân vận xã",
    bot_username="DanVanBot", is_chat_admin=True,
)  # fmt: skip


def article(
    n: int,
    title: str,
    *,
    provinces: tuple[tuple[str, str], ...] = (),
    event_date: str | None = "2024-04-25",
    published: datetime | None = None,
    summary: str = "",
    kind: str | None = "so_ket",
) -> Article:
    body = f"{title}. Nội dung bài số {n} về công tác dân vận ở cơ sở, đủ dài để lưu."
    return Article(
        body=body,
        source="test",
        extraction=Extraction(
            title=title,
            published=published,
            event_date=event_date,
            provinces=tuple(ProvinceMention(a, b) for a, b in provinces),
            level="province",
            meeting_kind=kind,
            chairs=(),
            summary=summary or f"Tóm tắt bài {n} về hội nghị dân vận của tỉnh.",
        ),
        url=f"https://danvan.example.vn/bai-{n}",
        published=published,
        body_hash=hashlib.sha1(body.encode()).hexdigest(),
    )


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    svc = await Services.open(Settings(database=tmp_path / "fc.db"), clock=lambda: NOW)
    yield svc
    await svc.close()


async def save(services: Services, *articles: Article) -> list[int]:
    return [r.id for r in await services.writer.save_many(list(articles), NOW)]


# --- 1. one tap to a summary ------------------------------------------------------------------


async def test_tomtat_with_the_number_joined_works_everywhere(services: Services) -> None:
    [a] = await save(services, article(1, "Hội nghị sơ kết ở Cao Bằng"))
    for text in (f"/tomtat_{a}", f"/tomtat_{a}@DanVanBot", f"/summary_{a}"):
        reply = await say(services, text)
        assert reply.article_id == a, text
    # In a group: the plain form and the form addressed to us; another bot's is not ours.
    assert (await say(services, f"/tomtat_{a}", GROUP)).article_id == a
    assert (await say(services, f"/tomtat_{a}@DanVanBot", GROUP)).article_id == a
    assert await dispatch.handle_text(f"/tomtat_{a}@OtherBot", GROUP, services) is None
    # Every listed article carries the command; Telegram makes all of "/tomtat_1" one link.
    listing = visible(await say(services, "/moinhat"))
    assert f"/tomtat_{a}" in listing


async def test_start_payload_opens_an_article(services: Services) -> None:
    [a] = await save(services, article(1, "Hội nghị sơ kết ở Cao Bằng"))
    assert (await say(services, f"/start a{a}")).article_id == a
    welcome = visible(await say(services, "/start ref_xyz"))  # unknown payload: the welcome
    assert "Xin chào" in welcome


# --- 2. the weekly summary on a non-empty archive ---------------------------------------------


async def test_weekly_summary_falls_back_to_the_latest_week_and_says_which(
    services: Services,
) -> None:
    await save(services, article(1, "Hội nghị ở Bắc Kạn", provinces=(("Bắc Kạn", "Thái Nguyên"),)))
    text = visible(await say(services, "/tomtat"))
    assert "Tóm tắt tuần này (23/11/2026 – 29/11/2026): chưa có bài mới." in text
    assert "tuần gần nhất có bài: tuần 17 (22/04/2024 – 28/04/2024)" in text
    assert "Hội nghị ở Bắc Kạn" in text and "Chưa có bài mới trong kho" not in text
    # The menu button runs the same.
    assert "tuần 17" in visible(await press(services, "c:tomtat"))


async def test_weekly_summary_of_an_archive_without_dates_says_so(services: Services) -> None:
    await save(services, article(1, "Ghi chép không rõ ngày về dân vận", event_date=None))
    text = visible(await say(services, "/tomtat"))
    assert "Kho có 1 bài dân vận nhưng chưa bài nào rõ ngày" in text


# --- 4. junk, and articles nothing dates ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["hello", "hello\n", "https://a.vn/1 https://b.vn/2 www.c.vn", "Hội nghị.", "a " * 40],
)
def test_text_without_substance_is_refused(text: str) -> None:
    assert lacks_substance(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Chiều 25/4, Ban Dân vận Tỉnh ủy Bắc Kạn tổ chức hội nghị sơ kết công tác dân vận.",
        "The provincial committee held a meeting on mass mobilisation work in the district.",
    ],
)
def test_a_one_sentence_report_is_substance(text: str) -> None:
    assert lacks_substance(text) is None


async def test_an_undated_article_is_never_this_weeks_news(services: Services) -> None:
    dated, undated = await save(
        services,
        article(1, "Hội nghị có ngày", event_date="2026-11-23"),
        article(2, "Bài không rõ ngày nào cả", event_date=None),
    )
    latest = await store.latest(services.db, limit=5)
    assert [a.id for a in latest] == [dated, undated]  # undated after every dated one
    week = visible(await say(services, "/tomtat"))
    assert "Hội nghị có ngày" in week and "Bài không rõ ngày" not in week
    block = visible(await say(services, "/moinhat"))
    assert "chưa rõ ngày" in block
    async with services.db.execute("SELECT sort_date FROM articles WHERE id = ?", (undated,)) as c:
        assert tuple(await c.fetchone() or ()) == ("0000-00-00",)


# --- 5. Vietnamese alphabetical order ---------------------------------------------------------


def test_collation_follows_the_vietnamese_alphabet() -> None:
    names = ["Huế", "Hà Tĩnh", "Hưng Yên", "Đồng Tháp", "Điện Biên", "Cà Mau", "Cao Bằng",
             "An Giang", "Yên Bái", "Ăn", "Âu", "Bắc Ninh"]  # fmt: skip
    assert sorted_vi(names) == [
        "An Giang", "Ăn", "Âu", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Điện Biên", "Đồng Tháp",
        "Hà Tĩnh", "Huế", "Hưng Yên", "Yên Bái",
    ]  # fmt: skip
    # Tone marks only break ties, in dictionary order; old and new tone placement sort alike.
    assert sorted_vi(["má", "mà", "mạ", "ma", "mả", "mã"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sort_key("hoà")[:2] == sort_key("hòa")[:2]
    assert sorted_vi(["Đà Nẵng", "Da"]) == ["Da", "Đà Nẵng"]  # d before đ


async def test_every_province_list_uses_that_order(services: Services) -> None:
    names = [("Huế", "Huế"), ("Hà Tĩnh", "Hà Tĩnh"), ("Hưng Yên", "Hưng Yên"),
             ("Đồng Tháp", "Đồng Tháp"), ("An Giang", "An Giang")]  # fmt: skip
    await save(
        services, *(article(i, f"Hội nghị {i}", provinces=(n,)) for i, n in enumerate(names))
    )
    counts = visible(await say(services, "/tinh"))
    order = [counts.index(f"\n{n}: 1 bài") for n in ("An Giang", "Đồng Tháp", "Hà Tĩnh", "Huế")]
    assert order == sorted(order)
    keyboard = await say(services, "/hoinghi")
    labels = [b.text.rsplit(" (", 1)[0] for row in keyboard.buttons for b in row]
    assert labels == ["An Giang", "Đồng Tháp", "Hà Tĩnh", "Huế", "Hưng Yên"]
    await say(services, "/dangky")
    picker = await press(services, "cfg:p:0")
    shown = [b.text for row in picker.buttons for b in row][:10]
    assert shown[:5] == ["An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Cần Thơ"]


# --- 7. counts that add up --------------------------------------------------------------------


async def test_latest_header_says_what_is_listed(services: Services) -> None:
    await save(services, *(article(i, f"Hội nghị số {i}", event_date=f"2024-04-{i + 1:02d}")
                           for i in range(5)))  # fmt: skip
    text = visible(await say(services, "/moinhat 8"))
    assert text.startswith("5 tin mới nhất\nKho hiện chỉ có 5 bài dân vận.")
    assert text.count("/tomtat_") == 5
    fewer = visible(await say(services, "/moinhat 50"))
    assert fewer.startswith("5 tin mới nhất\nKho hiện chỉ có 5 bài dân vận.")
    assert latest_header(20, 20, 1500, explicit=True) == (
        "<b>20 tin mới nhất</b>\n<i>Bạn hỏi 1.500 bài; mỗi lần mình gửi tối đa 20 bài, "
        "bấm «Sau ▶» để xem tiếp.</i>"
    )


# --- 11. groups and channels are named as such ------------------------------------------------


async def test_a_group_reads_nhom_nay(services: Services) -> None:
    assert "Nhóm này chưa đăng ký bản tin" in visible(await say(services, "/caidat", GROUP))
    member = await say(services, "/caidat", replace(GROUP, is_chat_admin=False))
    assert "Nhóm này chưa đăng ký bản tin" in visible(member) and not member.buttons
    assert "Nhóm này chưa đăng ký bản tin" in visible(await say(services, "/huy", GROUP))
    assert "Bạn chưa đăng ký bản tin" in visible(await say(services, "/caidat"))


async def test_a_forum_topic_keeps_the_digest_in_that_topic(services: Services) -> None:
    topic = replace(GROUP, thread_id=77)
    text = visible(await say(services, "/dangky", topic))
    assert "cho chủ đề này của nhóm" in text
    sub = await subscriptions.get(services.db, GROUP.chat_id)
    assert sub is not None and sub.thread_id == 77
    assert "Gửi vào: chủ đề (topic) nơi gõ /dangky" in visible(
        await say(services, "/caidat", topic)
    )
    # /dangky again from the General topic moves it back to the group itself.
    await say(services, "/dangky", GROUP)
    sub = await subscriptions.get(services.db, GROUP.chat_id)
    assert sub is not None and sub.thread_id is None


CHANNEL = Target("@tin_dan_van", -1009001, "Tin dân vận xã")


async def test_a_channel_is_subscribed_from_its_admins_private_chat(services: Services) -> None:
    ctx = replace(PRIVATE, target=CHANNEL)
    text = visible(await say(services, "/dangky @tin_dan_van thứ sáu 17h Cao Bằng", ctx))
    assert "Đã đăng ký bản tin Dân vận hằng tuần cho kênh «Tin dân vận xã»" in text
    assert "/caidat @tin_dan_van" in text
    sub = await subscriptions.get(services.db, CHANNEL.chat_id or 0)
    assert sub is not None and sub.chat_type == "channel"
    assert (sub.weekday, sub.time, sub.provinces) == (4, "17:00", ("Cao Bằng",))
    assert await subscriptions.get(services.db, PRIVATE.chat_id) is None  # not the admin's chat
    settings = await say(services, "/caidat @tin_dan_van", ctx)
    data = {b.data for row in settings.buttons for b in row}
    assert f"k:{CHANNEL.chat_id}:d" in data and not any(d.startswith("cfg") for d in data if d)
    paused = await press(services, f"k:{CHANNEL.chat_id}:s", ctx)
    assert "tạm dừng" in visible(paused)
    # A button of another channel than the one the front end checked is refused.
    forged = await press(services, "k:-1005555:x", ctx)
    assert "Chỉ quản trị viên của kênh" in visible(forged)
    assert "Đã hủy đăng ký bản tin Dân vận cho kênh" in visible(
        await say(services, "/huy @tin_dan_van", ctx)
    )


@pytest.mark.parametrize(
    ("problem", "said"),
    [
        ("not_found", "không tìm thấy kênh"),
        ("not_channel", "không phải một kênh"),
        ("not_admin", "Chỉ quản trị viên của kênh"),
        ("bot_not_admin", "Bot chưa là quản trị viên của kênh"),
    ],
)
async def test_a_channel_problem_is_explained(services: Services, problem: str, said: str) -> None:
    ctx = replace(PRIVATE, target=replace(CHANNEL, problem=problem))
    assert said in visible(await say(services, "/dangky @tin_dan_van", ctx))
    assert await subscriptions.get(services.db, CHANNEL.chat_id or 0) is None


async def test_without_telegram_a_channel_cannot_be_checked(services: Services) -> None:
    text = visible(await say(services, "/dangky @tin_dan_van"))  # no target: the terminal
    assert "chỉ làm được trong Telegram" in text


# --- 12. text ---------------------------------------------------------------------------------


async def test_hue_is_now_the_city_and_ha_tay_is_understood(services: Services) -> None:
    await save(services, article(1, "Hội nghị ở Thừa Thiên Huế",
                                 provinces=(("Thừa Thiên Huế", "Huế"),)))  # fmt: skip
    text = visible(await say(services, "/moinhat"))
    assert "Thừa Thiên Huế (nay là thành phố Huế)" in text and "nay thuộc Huế" not in text
    resolved = Gazetteer.load().resolve("ha tay")
    assert resolved is not None and resolved.unit.name == "Hà Nội" and resolved.renamed
    meetings = visible(await say(services, "/hoinghi Hà Tây"))
    assert "Hà Tây thuộc thành phố Hà Nội từ 1/8/2008" in meetings
    merged = visible(await say(services, "/hoinghi Bắc Kạn"))
    assert "Bắc Kạn thuộc tỉnh Thái Nguyên từ 1/7/2025" in merged
    # Hà Tây is understood when typed, never looked for in running text (a byline there).
    assert not Gazetteer.load().mentions("Ảnh: Hà Tây")


def test_counts_have_vietnamese_thousands_separators() -> None:
    assert [format_number(n) for n in (7, 6074, 1234567)] == ["7", "6.074", "1.234.567"]


def test_a_title_cut_from_the_lead_is_not_shown_twice() -> None:
    lead = "Chiều 25/4, Ban Dân vận Tỉnh ủy Bắc Kạn tổ chức Hội nghị đánh giá 02 năm. Câu hai."
    assert repeats_title("Ban Dân vận Tỉnh ủy Bắc Kạn tổ chức Hội nghị đánh giá…", lead)
    assert not repeats_title("Tiếp tục đổi mới phương thức hoạt động", lead)
    assert not repeats_title("Hội nghị", "Hội nghị sơ kết.")  # too short to say


async def test_one_or_the_other_in_lists_and_in_the_summary(services: Services) -> None:
    lead = "Chiều 25/4, Ban Dân vận Tỉnh ủy Bắc Kạn tổ chức Hội nghị đánh giá 02 năm phối hợp."
    [a] = await save(services, article(1, "Ban Dân vận Tỉnh ủy Bắc Kạn tổ chức Hội nghị đánh giá…",
                                       summary=lead))  # fmt: skip
    listing = visible(await say(services, "/moinhat"))
    assert listing.count("Ban Dân vận Tỉnh ủy Bắc Kạn tổ chức") == 1
    detail = visible(await say(services, f"/tomtat {a}"))
    assert detail.count("Ban Dân vận Tỉnh ủy Bắc Kạn tổ chức") == 1
    assert detail.startswith(f"#{a} · Tóm tắt") and "Chiều 25/4" in detail


# --- inline mode ------------------------------------------------------------------------------


async def test_inline_answers_are_the_search_and_shareable(services: Services) -> None:
    ids = await save(
        services,
        *(article(i, f"Dân vận khéo ở xã số {i}", event_date=f"2024-0{1 + i % 9}-10")
          for i in range(14)),
        article(99, "Hội nghị về chuyển đổi số <b>&</b>", event_date="2024-05-05"),
    )  # fmt: skip
    first = await inline_answer("dan van kheo", "", "DanVanBot", services)
    assert len(first.results) == 10 and first.next_offset == "10"
    assert all("Dân vận khéo" in r.title for r in first.results)
    second = await inline_answer("dan van kheo", first.next_offset, "DanVanBot", services)
    assert len(second.results) == 4 and second.next_offset == ""
    assert {r.id for r in first.results}.isdisjoint({r.id for r in second.results})
    [odd] = (await inline_answer("chuyển đổi số", "", "DanVanBot", services)).results
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in odd.message_html  # escaped: a valid message
    assert f"https://t.me/DanVanBot?start=a{ids[-1]}" in odd.message_html
    newest = await inline_answer("", "", "DanVanBot", services)  # empty query: newest first
    assert newest.results[0].id == f"a{ids[8]}"  # 10 September 2024, the latest date
    assert (await inline_answer("không có từ này đâu xyzq", "", "B", services)).results == ()
    assert parse_offset("abc") == 0 and parse_offset("999999") == 0


def test_inline_queries_count_in_the_button_bucket() -> None:
    from telegram import Update

    from bot.telegram.flood import Kind
    from bot.telegram.handlers import classify

    update = Update.de_json(
        {
            "update_id": 1,
            "inline_query": {
                "id": "9",
                "from": {"id": 77, "is_bot": False, "first_name": "Lan"},
                "query": "dân vận",
                "offset": "",
            },
        },
        None,
    )
    assert classify(update, "DanVanBot") == (Kind.BUTTON, 77)
