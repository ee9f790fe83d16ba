"""The Telegram adapter in process against the Bot API emulator on 127.0.0.1.

Covers what the end-to-end chat tests do not drive: Forbidden marks a chat inactive,
ChatMigrated moves it to its new id, being removed from a group marks it inactive, and the
command menu is valid for Telegram. The real Application (handlers, error handler, post_init)
runs in this test's event loop; only the Telegram side is the emulator.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import re
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bot.articles.model import Article, Extraction, ProvinceMention
from bot.config import Settings, TelegramSettings
from bot.replies import registry
from bot.replies.model import Button, Reply
from bot.store.articles import save_many_sync
from bot.store.db import open_sync
from bot.telegram.app import ALLOWED_UPDATES, api_urls, bot_commands, build_application
from bot.telegram.send import keyboard

EMULATOR = Path(__file__).resolve().parents[1] / "e2e" / "emulator.py"
TOKEN = "123456:TEST-token-ABCdef"


def _emulator_module() -> ModuleType:
    if not EMULATOR.exists():
        pytest.skip("tests/e2e/emulator.py (the Bot API emulator) is not there")
    name = "danvan_test_emulator"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, EMULATOR)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _article(n: int) -> Article:
    body = f"Hội nghị dân vận số {n}. Ban Dân vận Tỉnh ủy tổ chức hội nghị."
    return Article(
        body=body,
        source="test",
        extraction=Extraction(
            title=f"Hội nghị dân vận số {n}",
            published=None,
            event_date=f"2025-0{n}-01",
            provinces=(ProvinceMention("Bắc Kạn", "Thái Nguyên"),),
            level="province",
            meeting_kind="so_ket",
            chairs=(),
            summary=f"Tóm tắt {n}.",
        ),
        url=f"https://danvan.example.vn/{n}",
        body_hash=hashlib.sha1(body.encode()).hexdigest(),
    )


class Running:
    def __init__(self, emu: Any, app: Any) -> None:
        self.emu = emu
        self.app = app

    @property
    def db(self) -> Any:
        return self.app.bot_data["services"].db

    async def chat_row(self, chat_id: int) -> tuple[Any, ...] | None:
        async with self.db.execute(
            "SELECT chat_id, type, active FROM chats WHERE chat_id = ?", (chat_id,)
        ) as cur:
            row = await cur.fetchone()
        return tuple(row) if row else None

    async def barrier(self) -> None:
        """Everything sent so far has been fully handled, errors included: the bot fetched
        every update (the emulator saw them confirmed) and PTB's queue has none left
        unfinished (it marks one done after its handler, however long it waited)."""
        await self.emu.wait_until(lambda: not self.emu.pending_updates(), timeout=10)
        await asyncio.wait_for(self.app.update_queue.join(), timeout=10)


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    emulator = _emulator_module()
    emu = await emulator.Emulator(token=TOKEN).start()
    settings = Settings(
        database=tmp_path / "bot.db",
        content_dir=tmp_path / "no-content",
        telegram=TelegramSettings(token=TOKEN, api_base_url=emu.base_url),
    )
    db = open_sync(settings.database)
    save_many_sync(db, [_article(n) for n in range(1, 8)], datetime(2026, 11, 23, tzinfo=UTC))
    db.close()
    app = build_application(settings)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
    await app.start()
    try:
        yield Running(emu, app)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
        await emu.stop()


def test_command_menu_is_valid_for_telegram() -> None:
    commands = bot_commands()
    names = [c.command for c in commands]
    assert {"start", "huongdan", "moinhat", "tim", "tomtat", "hoinghi", "tinh"} <= set(names)
    assert len(names) == len(set(names)) <= 100
    for c in commands:
        assert re.fullmatch(r"[a-z0-9_]{1,32}", c.command)
        assert 1 <= len(c.description) <= 256


def test_keyboard_keeps_rows_and_kinds() -> None:
    reply = Reply(
        parts=("x",),
        buttons=((Button("◀ Trước", "s:1:0"), Button("Sau ▶", "s:1:2")), (Button("Web", url="https://a.vn"),)),
    )  # fmt: skip
    markup = keyboard(reply)
    assert markup is not None
    rows = markup.inline_keyboard
    assert [[b.text for b in r] for r in rows] == [["◀ Trước", "Sau ▶"], ["Web"]]
    assert rows[0][1].callback_data == "s:1:2" and rows[1][0].url == "https://a.vn"
    assert keyboard(Reply(parts=("x",))) is None


async def test_chats_are_recorded_and_blocked_ones_marked_inactive(running: Running) -> None:
    emu = running.emu
    lan = emu.add_user("Lan")
    emu.user_message(lan, "/moinhat")
    await emu.wait_until(lambda: emu.messages(lan.id), timeout=10)
    assert await running.chat_row(lan.id) == (lan.id, "private", 1)

    emu.inject_failure("blocked", lan)  # the user blocked the bot: 403 on every send
    emu.user_message(lan, "/tinh")
    await running.barrier()
    assert await running.chat_row(lan.id) == (lan.id, "private", 0)

    # Writing again means they unblocked us: active again.
    emu.clear_failures(lan)
    emu.user_message(lan, "/moinhat")
    await emu.wait_until(lambda: len(emu.messages(lan.id)) >= 2, timeout=10)
    assert await running.chat_row(lan.id) == (lan.id, "private", 1)


async def test_group_migrated_to_supergroup_moves_the_chat(running: Running) -> None:
    emu = running.emu
    admin = emu.add_user("Minh")
    group = emu.add_group("Ban Dân vận xã", admins=[admin])
    emu.user_message(admin, "/moinhat@DanVanTestBot", chat=group)
    await emu.wait_until(lambda: emu.messages(group.id), timeout=10)
    assert await running.chat_row(group.id) == (group.id, "group", 1)

    new = emu.migrate_group(group)
    emu.user_message(admin, "/tinh@DanVanTestBot", chat=group)
    await running.barrier()
    assert await running.chat_row(group.id) is None
    assert await running.chat_row(new.id) == (new.id, "supergroup", 1)
    # The answer that bounced off the old id was sent to the supergroup instead.
    [answer] = emu.messages(new.id)
    assert "Số bài theo tỉnh, thành phố" in answer.plain


async def test_removed_from_group_marks_it_inactive(running: Running) -> None:
    emu = running.emu
    admin = emu.add_user("Hoa")
    group = emu.add_group("Chi bộ", admins=[admin])
    emu.user_message(admin, "/moinhat", chat=group)
    await emu.wait_until(lambda: emu.messages(group.id), timeout=10)
    # What Telegram sends when an admin removes the bot (the emulator has no helper for it).
    emu._push_update(
        "my_chat_member",
        {
            "chat": group.to_api(),
            "from": admin.to_api(),
            "date": int(time.time()),
            "old_chat_member": {"status": "member", "user": emu.bot.to_api()},
            "new_chat_member": {"status": "left", "user": emu.bot.to_api()},
        },
    )
    await running.barrier()
    assert await running.chat_row(group.id) == (group.id, "group", 0)


async def test_reading_commands_in_groups_spend_no_admin_lookups(running: Running) -> None:
    """Each call with a group's chat_id counts against its 20 a minute: /moinhat and its
    buttons must not ask who the admins are; a command that changes the group does."""
    emu = running.emu
    boss, staff = emu.add_user("Boss"), emu.add_user("Staff")
    group = emu.add_group("Văn phòng", admins=[boss], members=[staff])
    emu.user_message(staff, "/moinhat@DanVanTestBot", chat=group)
    [listing] = await emu.wait_until(lambda: emu.messages(group.id), timeout=10)
    emu.press_button(staff, listing, "Sau ▶")
    await emu.wait_until(lambda: emu.calls_to("editMessageText"), timeout=10)
    assert emu.calls_to("getChatMember") == []
    if "dangky" not in registry.COMMANDS:
        pytest.skip("no /dangky registered")
    emu.user_message(staff, "/dangky@DanVanTestBot", chat=group)
    await emu.wait_until(lambda: len(emu.messages(group.id)) >= 2, timeout=10)
    assert len(emu.calls_to("getChatMember")) == 1
    assert "quản trị viên" in emu.messages(group.id)[-1].plain


async def test_a_page_that_cannot_be_edited_comes_as_a_new_message(running: Running) -> None:
    emu = running.emu
    lan = emu.add_user("Lan")
    emu.user_message(lan, "/moinhat 2")
    [listing] = await emu.wait_until(lambda: emu.messages(lan.id), timeout=10)
    emu.inject_failure(
        "bad_request", lan, times=1, methods={"editMessageText"},
        description="Bad Request: message can't be edited",
    )  # fmt: skip
    emu.press_button(lan, listing, "Sau ▶")
    msgs = await emu.wait_until(lambda: len(emu.messages(lan.id)) >= 2 and emu.messages(lan.id))
    assert "trang 2" in msgs[-1].plain
    assert "Xin lỗi" not in msgs[-1].plain


async def test_flooding_user_gets_one_notice_naming_the_quiet_window(running: Running) -> None:
    from bot.telegram.flood import COMMAND_NOTICE, FloodGate

    gate = running.app.bot_data.get("flood")
    assert isinstance(gate, FloodGate)
    emu = running.emu
    spammer = emu.add_user("Spam")
    burst = gate.commands.burst
    for _ in range(burst + 3):
        emu.user_message(spammer, "/tinh")
    await running.barrier()  # every one of them has been handled
    texts = [m.plain for m in emu.messages(spammer.id)]
    notice = COMMAND_NOTICE.format(seconds=int(gate.commands.quiet))
    # Decided on arrival: the burst is answered, the next gets the notice, and the last two
    # fall inside the quiet window the notice announced.
    assert texts.count(notice) == 1
    assert len([t for t in texts if t != notice]) == burst
    assert texts[-1] == notice  # in order: after the answers


async def test_button_flood_is_answered_with_toasts(running: Running) -> None:
    from bot.telegram.flood import BUTTON_NOTICE, FloodGate

    gate = running.app.bot_data["flood"]
    assert isinstance(gate, FloodGate)
    emu = running.emu
    lan = emu.add_user("Lan")
    emu.user_message(lan, "/moinhat 2")
    [listing] = await emu.wait_until(lambda: emu.messages(lan.id), timeout=10)
    presses = [emu.press_button(lan, listing, "Sau ▶") for _ in range(gate.buttons.burst + 4)]
    await running.barrier()
    answers = [emu.callback_answers[q] for q in presses]
    toasts = [a for a in answers if a.get("text")]
    assert len(toasts) == 4  # every press over the limit is told, none silently dropped
    assert all(a["text"] == BUTTON_NOTICE.format(seconds=1) for a in toasts)
    assert not any(a.get("show_alert") for a in answers)
    assert len(emu.messages(lan.id)) == 1  # no notice as a chat message


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("http://127.0.0.1:8081/bot", ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")),
        ("http://bot.example/bot/", ("http://bot.example/bot", "http://bot.example/file/bot")),
        ("http://127.0.0.1:9000/custom/", ("http://127.0.0.1:9000/custom/", None)),
    ],
)  # fmt: skip
def test_api_base_url_forms(configured: str, expected: tuple[str, str | None]) -> None:
    assert api_urls(configured) == expected


async def test_other_bots_commands_in_groups_are_not_counted_as_flood(running: Running) -> None:
    emu = running.emu
    gamer = emu.add_user("Gamer")
    group = emu.add_group("Nhóm vui", admins=[gamer])
    for _ in range(12):
        emu.user_message(gamer, "/roll", chat=group)  # a dice bot's command, not ours
    emu.user_message(gamer, "/moinhat@DanVanTestBot 1", chat=group)
    [reply] = await emu.wait_until(lambda: emu.messages(group.id), timeout=10)
    assert "Tin mới nhất" in reply.plain
