"""The bot token never appears in what ``danvan-bot run`` prints, at any log level, even
when Telegram fails: 5xx answers, dropped connections, a rejected token.

httpx logs request URLs, which contain the token, and exception messages can carry them
too; the bot must redact or silence all of it.
"""

from __future__ import annotations

from pathlib import Path

from .emulator import Emulator
from .harness import BotProcess, running_world, write_config

TOKEN = "987654321:AAH-SeCrEt-e2e-token-QWERTY_123"
SECRET = TOKEN.split(":", 1)[1]


def assert_no_secret(output: str) -> None:
    assert output.strip(), "the bot printed nothing: the test would prove nothing"
    for needle in (SECRET, SECRET.lower(), SECRET[:12], "SeCrEt-e2e"):
        assert needle not in output, f"token fragment {needle!r} leaked:\n{output[-3000:]}"


async def test_token_not_in_debug_output_through_network_errors(tmp_path: Path) -> None:
    async with running_world(tmp_path, token=TOKEN, log_level="DEBUG", start=False) as world:
        emu = world.emulator
        # Polling fails first: two 5xx, then a dropped connection, then it recovers.
        emu.inject_failure("server_error", methods={"getUpdates"}, times=1)
        emu.inject_failure("bad_gateway", methods={"getUpdates"}, times=1)
        emu.inject_failure("drop", methods={"getUpdates"}, times=1)
        user = world.person("Lan")
        # Sends to this user fail too: a 502 and then a dropped connection.
        emu.inject_failure("bad_gateway", user.chat, times=1, methods={"sendMessage"})
        emu.inject_failure("drop", user.chat, times=1, methods={"sendMessage"})
        await world.bot.start()
        await emu.wait_until(lambda: any(c.status == 200 for c in emu.calls_to("getUpdates")), 60)

        emu.user_message(user.user, "/moinhat 1")
        emu.user_message(user.user, "/tinh")
        # Both sends to Lan fail; wait until they happened and the bot has logged them.
        await emu.wait_until(
            lambda: (
                [c.status for c in emu.calls_to("sendMessage")][:2] == [502, 0]
                and "sendMessage" in world.bot.output
            ),
            30,
        )
        # The bot still works for someone else after all that.
        [reply] = await world.person("Minh").send("/moinhat 1")
        assert "Tin mới nhất" in reply.plain
        await world.bot.stop()

        output = world.bot.output
        assert "DEBUG" in output  # really at DEBUG level
        assert all(c.token == TOKEN for c in emu.calls)  # and really using the token
        assert {0, 500, 502} <= {c.status for c in emu.calls}  # and really failing
        assert_no_secret(output)


async def test_token_not_in_output_when_telegram_rejects_it(tmp_path: Path) -> None:
    emu = await Emulator("111:the-token-telegram-knows").start()  # ours is not it: 401
    try:
        config = write_config(
            tmp_path / "config.toml", emu, database=tmp_path / "db.sqlite", log_level="DEBUG"
        )
        bot = BotProcess(emu, config, TOKEN)
        await bot.start(wait_polling=False)
        code = await bot.wait_exit(60)
        assert code != 0
        assert emu.calls and emu.calls[0].status == 401
        assert "token" in bot.output.lower()  # it says what is wrong
        assert_no_secret(bot.output)
    finally:
        await emu.stop()
