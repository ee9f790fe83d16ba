"""Every command, as a user meets it: the real bot process, the emulator, Vietnamese text.

One bot process serves the module; each test talks through its own new user, so tests do
not see each other's chats. The emulator refuses anything Telegram would refuse, and the
autouse check below fails a test when the bot sent something Telegram would reject.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .harness import SEED_ARTICLES, World

pytestmark = pytest.mark.asyncio(loop_scope="module")

BAC_KAN = SEED_ARTICLES[0]
HA_GIANG = SEED_ARTICLES[1]  # its title needs escaping: " & < >


@pytest.fixture(autouse=True)
def _telegram_accepts_every_message(world: World) -> Iterator[None]:
    mark = len(world.emulator.calls)
    yield
    rejected = world.emulator.rejected(since=mark)
    assert not rejected, [(c.method, c.error) for c in rejected]


async def test_commands_menu_is_set_in_vietnamese(world: World) -> None:
    menus = world.emulator.commands
    assert menus, "set_my_commands was never called"
    names = {c["command"] for menu in menus.values() for c in menu}
    assert {"moinhat", "tim", "hoinghi", "tinh", "tomtat"} <= names
    descriptions = " ".join(c["description"] for menu in menus.values() for c in menu)
    assert "Tìm bài" in descriptions


async def test_start_welcomes_and_offers_the_main_commands(world: World) -> None:
    lan = world.person("Lan")
    [msg] = await lan.send("/start")
    assert "Xin chào, Lan!" in msg.plain
    assert "dân vận" in msg.plain
    labels = [b["text"] for b in msg.buttons]
    assert any("Tin mới nhất" in t for t in labels) and any("Tìm bài" in t for t in labels)
    # A menu button runs its command.
    pressed = await lan.press(msg, "Tin mới nhất")
    shown = pressed.new_messages[0].plain if pressed.new_messages else pressed.message.plain
    assert "tin mới nhất" in shown.lower()


@pytest.mark.parametrize("command", ["/help", "/huongdan"])
async def test_help_lists_the_commands(world: World, command: str) -> None:
    [msg] = await world.person().send(command)
    assert "Các lệnh" in msg.plain
    for name in ("/moinhat", "/tim", "/hoinghi", "/tinh", "/tomtat"):
        assert name in msg.plain


@pytest.mark.parametrize("command", ["/latest", "/moinhat"])
async def test_latest_shows_the_newest_articles(world: World, command: str) -> None:
    [msg] = await world.person().send(command)
    assert "5 tin mới nhất" in msg.plain
    newest = SEED_ARTICLES[-1]
    assert newest.title in msg.plain  # the newest seed article, with its date in Vietnamese
    assert "12 tháng 3, 2025" in msg.plain and "Điện Biên" in msg.plain
    assert newest.summary in msg.plain
    assert msg.link_preview_options == {"is_disabled": True}
    # Titles are links to the article.
    assert any(e["type"] == "text_link" and e["url"] == newest.url for e in msg.entities)


async def test_latest_with_a_count(world: World) -> None:
    [msg] = await world.person().send("/moinhat 2")
    assert "2 tin mới nhất" in msg.plain
    assert msg.plain.count("🗓") == 2


async def test_latest_pages_forward_and_back(world: World) -> None:
    user = world.person()
    [msg] = await user.send("/moinhat")
    first_page = msg.plain
    pressed = await user.press(msg, "Sau")
    assert pressed.edited, "paging should edit the message in place"
    assert "trang 2" in msg.plain and msg.plain != first_page
    assert SEED_ARTICLES[-6].title in msg.plain  # the sixth newest
    assert {b["text"] for b in msg.buttons} >= {"◀ Trước", "Sau ▶"}
    await user.press(msg, "Trước")
    assert SEED_ARTICLES[-1].title in msg.plain


async def test_search_finds_articles_and_pages_through_them(world: World) -> None:
    user = world.person()
    [msg] = await user.send("/tim dan van")  # typed without diacritics
    assert "Kết quả cho “dan van”" in msg.plain
    assert "1–5 trong" in msg.plain
    assert msg.plain.count("🗓") == 5
    first = msg.plain
    await user.press(msg, "Sau")
    assert "6–10 trong" in msg.plain and msg.plain != first
    for button in msg.buttons:  # compact, valid callback data (the emulator checks 64 bytes)
        assert len(button["callback_data"].encode()) <= 64
    await user.press(msg, "Trước")
    assert "1–5 trong" in msg.plain


async def test_search_finds_a_title_that_needs_escaping(world: World) -> None:
    [msg] = await world.person().send("/tim chuyển đổi số")
    assert HA_GIANG.title in msg.plain  # shown literally: " & < > survived as text
    assert "&lt;chuyển đổi số&gt;" in msg.text  # and were escaped in the HTML


async def test_summary_of_one_article(world: World) -> None:
    [msg] = await world.person().send("/tomtat 1")
    assert BAC_KAN.title in msg.plain
    assert "Thứ Năm, 25 tháng 4, 2024" in msg.plain
    assert "Bắc Kạn (nay thuộc Thái Nguyên)" in msg.plain
    assert "Chủ trì: Ma Từ Đông Điền" in msg.plain
    assert BAC_KAN.summary in msg.plain


async def test_summary_as_a_reply_to_an_article_message(world: World) -> None:
    user = world.person()
    [article] = await user.send("/tomtat 2")
    [msg] = await user.send("/tomtat", reply_to=article)
    assert HA_GIANG.title in msg.plain


async def test_summary_without_arguments_is_about_this_week(world: World) -> None:
    [msg] = await world.person().send("/tomtat")
    assert "Tóm tắt tuần này" in msg.plain


@pytest.mark.parametrize("typed", ["bac kan", "Bắc Cạn", "BẮC KẠN"])
async def test_meetings_in_a_former_province(world: World, typed: str) -> None:
    [msg] = await world.person().send(f"/hoinghi {typed}")
    assert "Hội nghị ở tỉnh Thái Nguyên" in msg.plain
    assert "Bắc Kạn thuộc tỉnh Thái Nguyên từ 1/7/2025" in msg.plain
    assert BAC_KAN.title in msg.plain


@pytest.mark.parametrize("typed", ["tphcm", "TP HCM"])
async def test_meetings_in_ho_chi_minh_city(world: World, typed: str) -> None:
    [msg] = await world.person().send(f"/hoinghi {typed}")
    assert "Hội nghị ở Thành phố Hồ Chí Minh" in msg.plain
    assert SEED_ARTICLES[2].title in msg.plain


async def test_meetings_without_argument_offers_a_province_keyboard(world: World) -> None:
    user = world.person()
    [msg] = await user.send("/hoinghi")
    labels = [b["text"] for b in msg.buttons]
    assert "Điện Biên (12)" in labels and "Thái Nguyên (1)" in labels
    await user.press(msg, "Điện Biên (12)")
    shown = msg.plain
    assert "Hội nghị ở tỉnh Điện Biên" in shown and "12 bài" in shown and "trang 1/3" in shown
    await user.press(msg, "Sau")
    assert "trang 2/3" in msg.plain


async def test_provinces_with_article_counts(world: World) -> None:
    [msg] = await world.person().send("/tinh")
    assert "Điện Biên: 12 bài" in msg.plain
    assert "Thái Nguyên: 1 bài" in msg.plain and "Tuyên Quang: 1 bài" in msg.plain


async def test_unknown_command_gets_a_short_hint(world: World) -> None:
    [msg] = await world.person().send("/khongcolenhnay")
    assert "Mình chưa hiểu lệnh /khongcolenhnay" in msg.plain
    assert "/huongdan" in msg.plain


async def test_plain_text_in_private_is_answered(world: World) -> None:
    [msg] = await world.person().send("dân vận khéo")
    assert "dân vận khéo" in msg.plain  # searched, or a hint that mentions the phrase
