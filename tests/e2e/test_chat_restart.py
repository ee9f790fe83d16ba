"""The process around the chat: buttons survive a restart, SIGTERM ends cleanly, and a
second instance polling the same token stops with a clear message instead of fighting."""

from __future__ import annotations

from .harness import SEED_ARTICLES, BotProcess, World

CONFLICT_WORDS = "Another process is already polling"


async def test_buttons_pressed_after_a_restart(fresh_world: World) -> None:
    world = fresh_world
    user = world.person("Lan")
    [results] = await user.send("/tim dân vận")
    [latest] = await user.send("/moinhat")
    [provinces] = await user.send("/hoinghi")

    await world.restart()  # SIGTERM, then a new process on the same database

    await user.press(results, "Sau")
    assert "6–10 trong" in results.plain  # the saved search outlived the process
    await user.press(latest, "Sau")
    assert "trang 2" in latest.plain and SEED_ARTICLES[-6].title in latest.plain
    await user.press(provinces, "Thái Nguyên (1)")
    assert "Hội nghị ở tỉnh Thái Nguyên" in provinces.plain
    assert not world.emulator.rejected()


async def test_stale_button_from_a_wiped_database(fresh_world: World) -> None:
    """A button whose saved search is gone (database restored from an older backup)."""
    world = fresh_world
    user = world.person()
    [results] = await user.send("/tim dân vận")
    await world.bot.stop()
    import sqlite3

    with sqlite3.connect(world.database) as db:
        db.execute("DELETE FROM searches")
    world.bot = BotProcess(world.emulator, world.config)
    await world.bot.start()
    pressed = await user.press(results, "Sau", expect_change=False)
    await world.emulator.wait_until(
        lambda: "đã cũ" in results.plain or any("đã cũ" in m.plain for m in user.bot_messages())
    )
    assert pressed.answer is not None
    assert not world.emulator.rejected()


async def test_sigterm_stops_the_bot_cleanly(fresh_world: World) -> None:
    user = fresh_world.person()
    await user.send("/moinhat 1")
    code = await fresh_world.bot.stop()
    assert code == 0, fresh_world.bot.output
    assert "Traceback" not in fresh_world.bot.output


async def test_second_instance_stops_instead_of_fighting(fresh_world: World) -> None:
    world = fresh_world
    second = BotProcess(world.emulator, world.config)
    await second.start()  # its poll terminates the first one's: Telegram's 409 Conflict
    try:
        await world.emulator.wait_until(
            lambda: world.bot.returncode is not None or second.returncode is not None, 30
        )
        stopped = world.bot if world.bot.returncode is not None else second
        code = await stopped.wait_exit()
        assert code == 3, stopped.output  # EXIT_CONFLICT
        assert CONFLICT_WORDS in stopped.output
        assert "Traceback" not in stopped.output
        assert world.emulator.stats.conflicts >= 1
    finally:
        await second.stop(timeout=10)


async def test_after_a_conflict_both_instances_end_cleanly(fresh_world: World) -> None:
    """Telegram answers 409 to the older poll each time; whichever instance is left must
    either stop on its own with the conflict message or stop on SIGTERM, never hang."""
    world = fresh_world
    second = BotProcess(world.emulator, world.config)
    await second.start()
    try:
        await world.emulator.wait_until(
            lambda: world.bot.returncode is not None or second.returncode is not None, 30
        )
        survivor = second if world.bot.returncode is not None else world.bot
        code = await survivor.stop(timeout=8)
        assert code in (0, 3), f"exit {code} (-9: had to be killed)\n{survivor.output[-2000:]}"
    finally:
        await second.stop(timeout=10)
