"""Webhook mode (``[telegram] webhook_url``, PaaS ``PORT``): the bot registers its webhook
with a secret, the emulator delivers updates to it, and a request without the secret is
refused."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx

from .harness import SEED_ARTICLES, running_world

SECRET = "hook-Secret-42-xyz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_answers_through_the_webhook(tmp_path: Path) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram-hook"
    env = {"WEBHOOK_URL": hook, "PORT": str(port), "TELEGRAM_WEBHOOK_SECRET": SECRET}
    async with running_world(tmp_path, env=env, start=False) as world:
        emu = world.emulator
        await world.bot.start(wait_polling=False)
        await emu.wait_until(
            lambda: emu.webhook is not None or world.bot.returncode is not None, 60
        )
        assert world.bot.returncode is None, world.bot.output
        assert emu.webhook is not None
        assert emu.webhook["url"] == hook and emu.webhook["secret_token"] == SECRET

        [msg] = await world.person("Lan").send("/moinhat 1")
        assert SEED_ARTICLES[-1].title in msg.plain
        assert emu.webhook_deliveries and emu.webhook_deliveries[-1][1] == 200
        assert not emu.calls_to("getUpdates")  # no polling in webhook mode

        # Someone who is not Telegram (no secret) posting an update is refused.
        forged = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "/tinh",
                  "chat": {"id": 5, "type": "private"}}}  # fmt: skip
        async with httpx.AsyncClient() as client:
            response = await client.post(hook, json=forged)
        assert response.status_code == 403
        await world.person().barrier()
        assert emu.messages(5) == []

        code = await world.bot.stop()
        assert code == 0, world.bot.output
        assert SECRET not in world.bot.output
