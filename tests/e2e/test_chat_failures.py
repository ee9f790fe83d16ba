"""When Telegram says no: a blocked user marks the chat inactive, a 429 is waited out, a
5xx gets a kind apology, a group that became a supergroup moves in the database."""

from __future__ import annotations

import sqlite3

import pytest

from .harness import SEED_ARTICLES, World

pytestmark = pytest.mark.asyncio(loop_scope="module")

APOLOGY = "Xin lỗi, mình gặp trục trặc"


def chat_row(world: World, chat_id: int) -> tuple[int, str] | None:
    with sqlite3.connect(world.database) as db:
        row = db.execute("SELECT active, type FROM chats WHERE chat_id = ?", (chat_id,)).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


async def test_blocked_user_marks_the_chat_inactive(world: World) -> None:
    lan = world.person("Lan")
    await lan.send("/moinhat 1")
    assert chat_row(world, lan.id) == (1, "private")
    world.emulator.inject_failure("blocked", lan.chat)
    world.emulator.user_message(lan.user, "/tinh")  # the answer hits the block
    # The bot logs the 403 once the chat is marked (each output line re-checks the wait).
    await world.emulator.wait_until(lambda: chat_row(world, lan.id) == (0, "private"))
    assert len(lan.bot_messages()) == 1  # no apology pushed at a chat that blocked us


async def test_429_is_waited_out_and_answered_once(world: World) -> None:
    user = world.person()
    world.emulator.inject_failure("retry_after", user.chat, times=1, retry_after=1)
    [msg] = await user.send("/moinhat 1")
    assert SEED_ARTICLES[-1].title in msg.plain
    statuses = [c.status for c in world.emulator.calls_to("sendMessage")
                if str(c.params.get("chat_id")) == str(user.id)]  # fmt: skip
    assert statuses == [429, 200]
    await user.barrier()  # the same chat: handled in order after the first
    assert len(user.bot_messages()) == 2  # the answer once, then the barrier's


async def test_server_error_gets_a_kind_apology(world: World) -> None:
    user = world.person()
    world.emulator.inject_failure("server_error", user.chat, times=1, methods={"sendMessage"})
    [msg] = await user.send("/tinh")
    assert APOLOGY in msg.plain
    assert "Traceback" not in msg.plain and "Error" not in msg.plain


async def test_group_migrated_to_supergroup_moves_in_the_database(world: World) -> None:
    boss = world.person("Hoa")
    group = world.group("Ban Dân vận xã", admins=[boss])
    await boss.in_chat(group).send("/moinhat@DanVanTestBot 1")
    assert chat_row(world, group.id) == (1, "group")
    supergroup = world.emulator.migrate_group(group)
    world.emulator.user_message(boss.user, "/tinh@DanVanTestBot", group)
    # The answer goes to the supergroup once the chat has moved in the database.
    await world.emulator.wait_until(lambda: world.emulator.messages(supergroup))
    assert chat_row(world, supergroup.id) == (1, "supergroup")
    assert chat_row(world, group.id) is None
    # The group goes on in its new form.
    [msg] = await boss.in_chat(supergroup).send("/tinh@DanVanTestBot")
    assert "Điện Biên: 12 bài" in msg.plain
