"""Faults of the running bot and of ``digest --send``, seen as an operator sees them.

- A scheduled job that fails (here the digest tick, on a database missing its delivery log)
  is logged as that job's failure, at ERROR with its traceback: not as polling trouble at
  WARNING ("error while fetching updates"), which hid it before.
- ``digest --send`` logs through the same redacting set-up as the bot: an error description
  that carries the token reaches stderr without it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .conftest import needs_bot
from .harness import DIGEST_WEEK as WEEK
from .harness import BotProcess, add_subscribers, running_world

TOKEN = "7412589630:AAHfakeFAKEfake_secret-DANVAN123456"
SECRET = TOKEN.split(":", 1)[1]


@needs_bot
async def test_a_failing_job_is_logged_as_that_job_at_error(tmp_path: Path) -> None:
    async with running_world(tmp_path / "w", start=False) as world:
        add_subscribers(world.database, 1)
        db = sqlite3.connect(world.database)
        db.execute("DROP TABLE deliveries")  # every digest tick now fails
        db.commit()
        db.close()
        await world.bot.start()
        await world.emulator.wait_until(lambda: "job digest-tick failed" in world.bot.output, 60)
        [reply] = await world.person("Lan").send("/moinhat 1")  # the bot itself goes on
        assert "Tin mới nhất" in reply.plain
        await world.bot.stop()
    output = world.bot.output
    line = next(x for x in output.splitlines() if "job digest-tick failed" in x)
    assert " ERROR " in line
    after = output[output.index(line) :]
    assert "Traceback" in after and "no such table: deliveries" in after
    assert "error while fetching updates" not in output


@needs_bot
async def test_digest_send_redacts_the_token_from_what_it_prints(tmp_path: Path) -> None:
    async with running_world(tmp_path / "w", token=TOKEN, start=False) as world:
        [chat] = add_subscribers(world.database, 1)
        # Telegram's answer quotes the token (bare and URL-encoded): it must not be printed.
        leak = f"Bad Request: MARKER for {TOKEN} at /bot{TOKEN.replace(':', '%3A')}/sendMessage"
        world.emulator.inject_failure("bad_request", chat, description=leak)
        send = BotProcess(
            world.emulator,
            world.config,
            TOKEN,
            env={"LOG_LEVEL": "DEBUG"},
            args=("digest", "--week", WEEK, "--send"),
        )
        await send.start(wait_polling=False)
        code = await send.wait_exit(60)
    assert code in (0, 1), send.output
    printed = send.output.lower()  # python-telegram-bot changes the description's case
    assert "marker" in printed, "the error never reached the output: the test proves nothing"
    assert "1 failed" in printed
    for needle in (SECRET, SECRET[:12], "fakeFAKE"):
        assert needle.lower() not in printed, send.output[-3000:]
    stored = sqlite3.connect(world.database).execute("SELECT error FROM deliveries").fetchall()
    assert stored and all(SECRET.lower() not in (row[0] or "").lower() for row in stored)
