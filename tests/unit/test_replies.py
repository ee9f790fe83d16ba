"""The reply layer on a real SQLite file: every command, its buttons, and bad input.

Articles are hand-made (a fixed extraction, so assertions do not move while extraction
improves) and saved with the store's own bulk save; one test also runs the shared seed
articles through the real pipeline. Every reply is checked to be valid Telegram HTML,
non-empty and at most 4096 characters, with callback data of at most 64 bytes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from bot.articles.model import Article, Extraction, ProvinceMention, RawArticle
from bot.articles.pipeline import process
from bot.config import Settings
from bot.replies import dispatch, registry
from bot.replies.model import ChatContext, Reply
from bot.services import Services

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 in Hà Nội
EMULATOR = Path(__file__).resolve().parents[1] / "e2e" / "emulator.py"
SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"

PRIVATE = ChatContext(chat_id=42, user_id=42, user_name="Lan", bot_username="DanVanBot")
GROUP = ChatContext(
    chat_id=-100, chat_type="supergroup", user_id=42, chat_title="Ban Dân vận",
    bot_username="DanVanBot", is_chat_admin=False,
)  # fmt: skip


def _emulator() -> ModuleType:
    if not EMULATOR.exists():
        pytest.skip("tests/e2e/emulator.py (the Telegram HTML validator) is not there")
    name = "danvan_test_emulator"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, EMULATOR)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def visible(reply: Reply) -> str:
    """What the user reads, after Telegram parses the HTML (and validation of each part)."""
    texts = []
    for part in reply.parts:
        plain, _ = _emulator().parse_html(part)
        assert plain.strip(), f"empty part in {reply!r}"
        assert len(plain.encode("utf-16-le")) // 2 <= 4096
        texts.append(plain)
    for row in reply.buttons:
        for button in row:
            assert button.text.strip()
            assert (button.data is None) != (button.url is None)
            if button.data is not None:
                assert 1 <= len(button.data.encode("utf-8")) <= 64
    return "\n\n".join(texts)


def buttons(reply: Reply) -> dict[str, str]:
    return {b.text: b.data or "" for row in reply.buttons for b in row}


def make_article(
    n: int,
    title: str,
    *,
    provinces: tuple[tuple[str, str], ...] = (),
    kind: str | None = "so_ket",
    event_date: str | None = None,
    summary: str = "",
    url: str | None = None,
    body: str = "",
) -> Article:
    body = body or f"{title}. Nội dung bài số {n} về công tác dân vận."
    return Article(
        body=body,
        source="test",
        extraction=Extraction(
            title=title,
            published=None,
            event_date=event_date,
            provinces=tuple(ProvinceMention(a, b) for a, b in provinces),
            level="province",
            meeting_kind=kind,
            chairs=("Ma Từ Đông Điền",) if kind else (),
            summary=summary or f"Tóm tắt bài {n}: hội nghị dân vận.",
        ),
        url=url if url is not None else f"https://danvan.example.vn/bai-{n}?a=1&b=2",
        published=datetime(2024, 1, 1, tzinfo=UTC),
        body_hash=hashlib.sha1(body.encode()).hexdigest(),
    )


ARTICLES = [
    make_article(
        1, "Hội nghị sơ kết chương trình phối hợp ở Bắc Kạn",
        provinces=(("Bắc Kạn", "Thái Nguyên"),), event_date="2024-04-25",
    ),
    make_article(
        2, "Thái Nguyên tổng kết công tác dân vận", provinces=(("Thái Nguyên", "Thái Nguyên"),),
        kind="tong_ket", event_date="2025-12-20",
    ),
    make_article(
        3, "TP.HCM triển khai Dân vận khéo",
        provinces=(("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),),
        kind="trien_khai", event_date="2026-11-24",
    ),
    make_article(4, "Bài không phải hội nghị <b>&</b> \"ký tự lạ\"", kind=None,
                 event_date="--11-25", url="javascript:alert(1)"),
] + [
    make_article(
        10 + i, f"Dân vận khéo ở cơ sở, bài {i}", provinces=(("Hà Giang", "Tuyên Quang"),),
        event_date=f"2023-0{1 + i % 9}-1{i % 10}",
    )
    for i in range(12)
]  # fmt: skip


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    settings = Settings(database=tmp_path / "bot.db", admin_users=frozenset({7}))
    svc = await Services.open(settings, clock=lambda: NOW)
    await svc.writer.save_many(ARTICLES, NOW)
    yield svc
    await svc.close()


async def say(services: Services, text: str, ctx: ChatContext = PRIVATE) -> Reply:
    reply = await dispatch.handle_text(text, ctx, services)
    assert reply is not None, f"no reply to {text!r}"
    visible(reply)
    return reply


async def press(services: Services, data: str, ctx: ChatContext = PRIVATE) -> Reply:
    reply = await dispatch.handle_callback(data, ctx, services)
    visible(reply)
    return reply


# --- parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/tim dân vận", ("tim", "dân vận", False)),
        ("/TIM@DanVanBot  dân   vận ", ("tim", "dân   vận", False)),
        ("/moinhat@danvanbot", ("moinhat", "", False)),
        ("/moinhat@OtherBot 5", ("moinhat", "5", True)),
        ("  /tinh\nthêm dòng", ("tinh", "thêm dòng", False)),
        ("/Tìm dân vận", ("tim", "dân vận", False)),
        ("/hộinghị@DanVanBot Bắc Kạn", ("hoinghi", "Bắc Kạn", False)),
    ],
)
def test_parse_command(text: str, expected: tuple[str, str, bool]) -> None:
    parsed = dispatch.parse_command(text, "DanVanBot")
    assert parsed is not None
    assert (parsed.name, parsed.args, parsed.addressed_to_other_bot) == expected


@pytest.mark.parametrize("text", ["tim dân vận", "/", "/ tim", "a /tim", "/-x", ""])
def test_plain_text_is_not_a_command(text: str) -> None:
    assert dispatch.parse_command(text, "DanVanBot") is None


def test_every_command_has_a_vietnamese_description_and_english_alias() -> None:
    for name in ("start", "huongdan", "help", "moinhat", "latest", "tim", "tomtat",
                 "hoinghi", "tinh"):  # fmt: skip
        assert name in registry.COMMANDS, name
        assert registry.COMMANDS[name].description


# --- commands ----------------------------------------------------------------------------


async def test_start_says_what_the_bot_does_with_menu_buttons(services: Services) -> None:
    reply = await say(services, "/start")
    text = visible(reply)
    assert "Xin chào, Lan!" in text and "dân vận" in text
    menu = buttons(reply)
    assert menu["🆕 Tin mới nhất"] == "c:moinhat"
    pressed = await press(services, menu["🆕 Tin mới nhất"])
    assert "tin mới nhất" in visible(pressed)


async def test_help_lists_commands_and_hides_admin_ones(services: Services) -> None:
    for text in ("/help", "/huongdan"):
        shown = visible(await say(services, text))
        assert "/tim" in shown and "/hoinghi" in shown and "/moinhat, /latest" in shown
    admin_cmds = [c.name for c in registry.COMMANDS.values() if c.admin_only]
    shown = visible(await say(services, "/huongdan"))
    for name in admin_cmds:
        assert f"/{name} " not in shown


async def test_latest_shows_article_lines_newest_first(services: Services) -> None:
    reply = await say(services, "/latest 3")
    text = visible(reply)
    assert text.startswith("3 tin mới nhất")
    # Newest by event date: #3 (2026-11-24), #2 (2025-12-20), #1 (2024-04-25).
    assert re.findall(r"#(\d+) ", text)[:3] == ["3", "2", "1"]
    assert "Thứ Ba, 24 tháng 11, 2026" in text
    assert "Bắc Kạn (nay thuộc Thái Nguyên)" in text
    assert 'href="https://danvan.example.vn/bai-1?a=1&amp;b=2"' in reply.parts[0]
    assert buttons(reply) == {"Sau ▶": "l:3:1"}
    page2 = await press(services, "l:3:1")
    assert page2.edit
    # Then #4 (filed under its publication date: its event date has no year), then the
    # newest "bài i" (i = 8, 2023-09-18, stored as #13) and i = 7 (#12).
    assert re.findall(r"^#(\d+) ", visible(page2), re.M) == ["4", "13", "12"]
    assert set(buttons(page2)) == {"◀ Trước", "Sau ▶"}


async def test_latest_default_and_clamp(services: Services) -> None:
    assert len(re.findall(r"^#\d+ ", visible(await say(services, "/moinhat")), re.M)) == 5
    clamped = visible(await say(services, "/moinhat 500"))
    # 500 asked, 20 at most, 16 in the archive: the header says what is listed (issue 13).
    assert clamped.startswith("16 tin mới nhất\nKho hiện chỉ có 16 bài dân vận.")
    assert len(re.findall(r"^#\d+ ", clamped, re.M)) == 16  # all we have


@pytest.mark.parametrize("arg", ["-5", "abc", "0", "1.5", "٣", "x10"])
async def test_latest_bad_count_is_a_friendly_message(services: Services, arg: str) -> None:
    text = visible(await say(services, f"/latest {arg}"))
    assert "số nguyên dương" in text


async def test_unusable_url_is_not_a_link_and_markup_in_titles_is_escaped(
    services: Services,
) -> None:
    reply = await say(services, "/tomtat 4")
    assert "javascript" not in reply.parts[0]
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in reply.parts[0]
    assert 'Bài không phải hội nghị <b>&</b> "ký tự lạ"' in visible(reply)
    assert "ngày 25 tháng 11" in visible(reply)


async def test_summary_by_id_and_by_reply(services: Services) -> None:
    reply = await say(services, "/tomtat 1")
    text = visible(reply)
    assert reply.article_id == 1
    assert "Tóm tắt bài 1" in text and "Chủ trì: Ma Từ Đông Điền" in text
    assert "Hội nghị sơ kết" in text
    # Replying to a message that shows one article finds it.
    by_reply = ChatContext(chat_id=42, reply_to_text=text, bot_username="DanVanBot")
    assert (await say(services, "/tomtat", by_reply)).article_id == 1
    # Replying to a list asks which one, with a button per article.
    listing = visible(await say(services, "/moinhat 3"))
    choose = await say(services, "/tomtat", ChatContext(chat_id=42, reply_to_text=listing))
    assert buttons(choose) == {"#3": "t:3", "#2": "t:2", "#1": "t:1"}
    assert (await press(services, "t:2")).article_id == 2


async def test_summary_without_argument_is_this_weeks_archive(services: Services) -> None:
    text = visible(await say(services, "/tomtat"))
    assert "Tóm tắt tuần này (23/11/2026 – 29/11/2026)" in text
    assert "#3 " in text and "#1 " not in text


@pytest.mark.parametrize("arg", ["999999", "abc", "#999999", "12345678901234567890"])
async def test_summary_of_missing_or_bad_id(services: Services, arg: str) -> None:
    text = visible(await say(services, f"/tomtat {arg}"))
    assert "Không tìm thấy bài số 999999" in text or "số của bài" in text


@pytest.mark.parametrize("typed", ["Bắc Kạn", "bac kan", "Bắc Cạn", "BAC KAN"])
async def test_meetings_old_province_lists_under_current_unit(
    services: Services, typed: str
) -> None:
    text = visible(await say(services, f"/hoinghi {typed}"))
    assert "Hội nghị ở tỉnh Thái Nguyên" in text
    assert "Bắc Kạn thuộc tỉnh Thái Nguyên từ 1/7/2025" in text
    ids = re.findall(r"^#(\d+) ", text, re.M)
    assert ids == ["2", "1"]  # newest first; #1 is the Bắc Kạn one


@pytest.mark.parametrize("typed", ["TP HCM", "tphcm", "Hồ Chí Minh", "thanh pho ho chi minh"])
async def test_meetings_city_spellings(services: Services, typed: str) -> None:
    text = visible(await say(services, f"/hoinghi {typed}"))
    assert "Hội nghị ở Thành phố Hồ Chí Minh" in text and "#3 " in text
    assert "thuộc" not in text.split("\n")[1]


async def test_meetings_paging_and_province_keyboard(services: Services) -> None:
    text = visible(await say(services, "/hoinghi Tuyên Quang"))
    assert "12 bài, mới nhất trước · trang 1/3" in text
    reply = await say(services, "/hoinghi Tuyên Quang")
    nxt = buttons(reply)["Sau ▶"]
    page2 = await press(services, nxt)
    assert page2.edit and "trang 2/3" in visible(page2)
    keyboard = await say(services, "/hoinghi")
    labels = buttons(keyboard)
    assert labels["Tuyên Quang (12)"].startswith("h:")
    assert "Thái Nguyên (2)" in labels
    chosen = await press(services, labels["Thái Nguyên (2)"])
    assert "Hội nghị ở tỉnh Thái Nguyên" in visible(chosen)


async def test_meetings_unknown_province(services: Services) -> None:
    text = visible(await say(services, "/hoinghi Atlantis"))
    assert "không tìm thấy tỉnh, thành phố nào tên “Atlantis”" in text
    assert "/hoinghi Thái Nguyên" in text
    long = visible(await say(services, "/hoinghi " + "<script>" * 500))
    assert "<script>" in long and len(long) < 600


async def test_provinces_with_counts(services: Services) -> None:
    text = visible(await say(services, "/tinh"))
    assert "Tuyên Quang: 12 bài" in text and "Thái Nguyên: 2 bài" in text


# --- search ------------------------------------------------------------------------------


async def test_search_pages_with_compact_saved_search_buttons(services: Services) -> None:
    reply = await say(services, "/tim dan van kheo")
    text = visible(reply)
    assert "Kết quả cho “dan van kheo”" in text
    assert len(re.findall(r"^#\d+ ", text, re.M)) == 5
    data = buttons(reply)["Sau ▶"]
    assert re.fullmatch(r"s:\d+:1", data)
    page2 = await press(services, data)
    assert page2.edit and "6–10" in visible(page2)
    assert set(buttons(page2)) == {"◀ Trước", "Sau ▶"}
    back = await press(services, buttons(page2)["◀ Trước"])
    assert visible(back) == text


async def test_search_button_survives_a_restart(services: Services, tmp_path: Path) -> None:
    data = buttons(await say(services, "/tim dân vận khéo"))["Sau ▶"]
    again = await Services.open(services.settings, clock=lambda: NOW)
    try:
        assert "6–10" in visible(await press(again, data))
    finally:
        await again.close()


async def test_long_vietnamese_query_still_fits_callback_data(services: Services) -> None:
    query = "Ban Dân vận Tỉnh ủy phối hợp tổ chức hội nghị " * 3
    reply = await say(services, f"/tim {query}")
    for data in buttons(reply).values():
        assert len(data.encode()) <= 64


@pytest.mark.parametrize(
    "query",
    ["", '"', "NEAR(", "<script>alert(1)</script>", "x" * 4000, "ộ" * 4000, "😀🇻🇳",
     "\u0301\u0300\u0303", "ắ", "AND OR NOT", "*", "dân vận\x00", "' OR 1=1 --"],
)  # fmt: skip
async def test_search_bad_input_never_breaks(services: Services, query: str) -> None:
    text = visible(await say(services, f"/tim {query}"))
    if not query.strip():
        assert "Gõ /tim từ khóa" in text
    else:
        assert "Kết quả cho" in text or "Không tìm thấy" in text
    assert "Traceback" not in text


async def test_search_html_in_query_is_escaped(services: Services) -> None:
    reply = await say(services, "/tim <script>")
    assert "<script>" not in reply.parts[0]
    assert "<script>" in visible(reply)


# --- buttons: stale and forged -----------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    ["", "zz:1", "s:999999:0", "s:1", "s:a:b", "s:-1:0", "s:1:99999", "l:0:1", "l:500:0",
     "h:99:0", "h:1", "t:abc", "t:999999", "c:nguon", "c:", "s:1:1" + "9" * 80, "s:١:٠"],
)  # fmt: skip
async def test_stale_or_forged_callback_data(services: Services, data: str) -> None:
    text = visible(await press(services, data))
    assert any(
        phrase in text for phrase in ("đã cũ", "Không tìm thấy bài số", "Không còn bài nào")
    ), text


# --- dispatch behaviour ------------------------------------------------------------------


async def test_unknown_command_hint_in_private_silence_in_group(services: Services) -> None:
    text = visible(await say(services, "/foo"))
    assert "/foo" in text and "/huongdan" in text
    assert await dispatch.handle_text("/foo", GROUP, services) is None
    # ...unless it was addressed to us.
    assert await dispatch.handle_text("/foo@DanVanBot", GROUP, services) is not None


async def test_group_commands_work_and_chatter_is_ignored(services: Services) -> None:
    assert await dispatch.handle_text("chào cả nhà, dân vận khéo", GROUP, services) is None
    assert await dispatch.handle_text("/moinhat@OtherBot", GROUP, services) is None
    reply = await dispatch.handle_text("/moinhat@DanVanBot 2", GROUP, services)
    assert reply is not None and "2 tin mới nhất" in visible(reply)


async def test_plain_text_in_private_is_searched(services: Services) -> None:
    text = visible(await say(services, "dân vận khéo"))
    assert "Kết quả cho “dân vận khéo”" in text
    assert "/huongdan" in visible(await say(services, "?"))


async def test_admin_only_commands_refused_for_others(services: Services) -> None:
    admin_cmds = [c for c in registry.COMMANDS.values() if c.admin_only]
    if not admin_cmds:
        pytest.skip("no admin-only command registered yet")
    name = admin_cmds[0].name
    assert "quản trị viên" in visible(await say(services, f"/{name}"))


async def test_a_failing_handler_becomes_a_kind_apology(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.replies.registry import COMMANDS, Command

    async def broken(args: str, ctx: ChatContext, svc: Services) -> Reply:
        raise RuntimeError("boom")

    COMMANDS["hong"] = Command("hong", (), broken, "thử lỗi")
    try:
        text = visible(await say(services, "/hong"))
    finally:
        del COMMANDS["hong"]
    assert text == dispatch.APOLOGY.replace("<b>", "").replace("</b>", "")
    assert "boom" in caplog.text and "boom" not in text


def test_finalize_splits_long_parts_and_drops_oversized_button_data() -> None:
    from bot.replies.model import Button

    reply = Reply(
        parts=("\n\n".join(["đoạn văn " * 50] * 30), ""),
        buttons=((Button("ok", "s:1:1"), Button("quá dài", "x" * 65)), (Button("x", "é" * 40),)),
    )
    final = dispatch.finalize(reply)
    assert len(final.parts) > 1
    assert buttons(final) == {"ok": "s:1:1"}
    visible(final)


# --- the real pipeline on the shared seeds ----------------------------------------------


async def test_seed_articles_through_the_pipeline(tmp_path: Path) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"shared seeds not found at {SEEDS.resolve()} (CI clones shared/ next to repo)")
    settings = Settings(database=tmp_path / "seeds.db")
    svc = await Services.open(settings, clock=lambda: NOW)
    try:
        raws = [
            RawArticle(text=p.read_text(encoding="utf-8"), source=p.name)
            for p in sorted(SEEDS.glob("*.txt"))
        ]
        await svc.writer.save_many([process(r, svc.gazetteer) for r in raws], NOW)
        commands = ["/start", "/moinhat 20", "/tim dân vận", "/tim dan van", "/tinh"]
        commands += ["/hoinghi", "/hoinghi bac kan", "/tomtat", "/tomtat 1", "/huongdan"]
        for text in commands:
            reply = await say(svc, text)
            for data in buttons(reply).values():
                await press(svc, data)
        assert "Bắc Kạn" in visible(await say(svc, "/hoinghi Bắc Kạn"))
    finally:
        await svc.close()


async def test_province_counts_follow_new_articles(services: Services) -> None:
    """/tinh remembers its counts, but a write on another connection shows at once."""
    assert "Thái Nguyên: 2 bài" in visible(await say(services, "/tinh"))
    assert "Thái Nguyên (2)" in buttons(await say(services, "/hoinghi"))
    extra = make_article(
        99, "Hội nghị mới ở Thái Nguyên", provinces=(("Thái Nguyên", "Thái Nguyên"),),
        event_date="2026-11-20",
    )  # fmt: skip
    await services.writer.save(extra, NOW)
    assert "Thái Nguyên: 3 bài" in visible(await say(services, "/tinh"))
    assert "Thái Nguyên (3)" in buttons(await say(services, "/hoinghi"))
    assert "3 bài, mới nhất trước" in visible(await say(services, "/hoinghi Thái Nguyên"))


async def test_search_snippet_of_a_body_with_markup_is_valid_html(services: Services) -> None:
    # Article #4's body carries '<b>&</b> "ký tự lạ"' as plain text.
    reply = await say(services, "/tim ky tu la")
    text = visible(reply)
    assert "#4 " in text and '<b>&</b> "ký tự lạ"' in text


async def test_summary_falls_back_to_last_week_when_this_week_is_empty(
    services: Services,
) -> None:
    next_week = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # Tuesday after the fixture's week
    later = Services(
        services.settings, services.db, services.writer, services.gazetteer, lambda: next_week
    )
    text = visible(await say(later, "/tomtat"))
    assert "Tóm tắt tuần này (30/11/2026 – 06/12/2026): chưa có bài mới." in text
    assert "Dưới đây là tuần trước: tuần 48 (23/11/2026 – 29/11/2026)." in text and "#3 " in text
    # Years later, the archive is still not empty: the latest week with news, named.
    far = Services(
        services.settings, services.db, services.writer, services.gazetteer,
        lambda: datetime(2030, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    text = visible(await say(far, "/tomtat"))
    assert "Dưới đây là tuần gần nhất có bài: tuần 48 (23/11/2026 – 29/11/2026)." in text
    assert "#3 " in text and "Chưa có bài mới trong kho" not in text


async def test_link_previews_only_for_a_single_article(services: Services) -> None:
    assert (await say(services, "/tomtat 1")).link_preview
    for text in ("/moinhat", "/tim dân vận", "/hoinghi Tuyên Quang", "/tomtat"):
        assert not (await say(services, text)).link_preview
