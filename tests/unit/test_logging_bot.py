"""The real bot process at DEBUG with a recognisable fake token, through forced network
errors: the token is in none of its output.

Uses the Bot API emulator and process harness from ``tests/e2e`` (stdlib + the bot).
"""

from __future__ import annotations

from pathlib import Path

import pytest

e2e = pytest.importorskip("tests.e2e.harness", reason="tests/e2e harness not available")
emulator_mod = pytest.importorskip("tests.e2e.emulator")

# Token-shaped (10-digit id, 35 secret characters) so the pattern redaction is exercised too.
TOKEN = "7412589630:AAHfakeFAKEfake_secret-DANVAN123456"
SECRET = TOKEN.split(":")[1]


async def test_bot_at_debug_never_prints_the_token(tmp_path: Path) -> None:
    async with emulator_mod.Emulator(TOKEN) as emu:
        config = e2e.write_config(
            tmp_path / "config.toml", emu, database=tmp_path / "danvan.db", log_level="DEBUG"
        )
        bot = e2e.BotProcess(emu, config, token=TOKEN)
        # The first long poll dies mid-connection: a network error inside PTB's updater.
        emu.inject_failure("drop", methods={"getUpdates"}, times=1)
        await bot.start()
        try:
            lan = emu.add_user("Lan")
            # Her first answer is dropped too (a network error on sendMessage)...
            emu.inject_failure("drop", lan, times=1)
            emu.user_message(lan, "/start")
            await emu.wait_until(lambda: emu.calls_to("sendMessage"), timeout=30)
            # ...and the bot is still there for the next one.
            emu.user_message(lan, "/huongdan")
            await emu.wait_until(lambda: emu.messages(lan), timeout=30)
            # An admin command with an error inside: a source whose fetch failed.
            emu.user_message(emu.add_user("Quản trị", user_id=e2e.ADMIN_ID), "/thongke")
            await emu.wait_until(lambda: len(emu.sent) >= 2, timeout=30)
        finally:
            code = await bot.stop()
    out = bot.output
    assert code == 0, out
    assert " DEBUG " in out, "the bot did not log at DEBUG"
    # Both forced network errors were logged, traceback and all...
    assert out.count("RemoteProtocolError") >= 2, out[-3000:]
    assert "Traceback" in out
    # ...and the token is in none of it.
    assert TOKEN not in out
    assert SECRET not in out
    # PTB logs its Bot API URL (token included) at DEBUG: it was there, and redacted.
    assert "/bot<redacted>" in out
