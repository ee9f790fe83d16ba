"""Token redaction: the bot token appears in no log output, whatever path it takes."""

from __future__ import annotations

import io
import logging
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.logging_setup import REDACTED, redact, setup_logging

REPO = Path(__file__).resolve().parents[2]
# Recognisable, token-shaped and fake: 10-digit id, 35 secret characters.
FAKE_TOKEN = "7412589630:AAHfakeFAKEfake_secret-DANVAN123456"
SECRET_PART = FAKE_TOKEN.split(":")[1]


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), sys.excepthook)
    stream = io.StringIO()
    setup_logging("DEBUG", FAKE_TOKEN, stream=stream)
    yield stream
    root.handlers[:] = saved[1]
    root.setLevel(saved[0])
    sys.excepthook = saved[2]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_redact_patterns() -> None:
    assert redact(f"GET https://api.telegram.org/bot{FAKE_TOKEN}/getMe") == (
        f"GET https://api.telegram.org/bot{REDACTED}/getMe"
    )
    assert SECRET_PART not in redact(f"token={FAKE_TOKEN}")
    assert SECRET_PART not in redact(f"url=/bot{FAKE_TOKEN.replace(':', '%3A')}/x")
    other = "123456789:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"  # not ours, same shape
    assert "ABCdef" not in redact(f"other {other}")
    # Ordinary text with colons and digits survives.
    for text in ("Sáng 25/4 lúc 08:30", "2026-11-23T07:00:00Z", "port 127.0.0.1:8081"):
        assert redact(text) == text


def test_webhook_secret_is_redacted_wherever_it_is_named() -> None:
    line = (
        "Calling Bot API endpoint `setWebhook` with parameters `{'url': 'https://x/telegram', "
        "'secret_token': 'Wh-secret_123'}`"
    )
    assert "Wh-secret_123" not in redact(line)
    assert f"'secret_token': '{REDACTED}'" in redact(line)
    assert "Wh-secret_123" not in redact("X-Telegram-Bot-Api-Secret-Token: Wh-secret_123")
    assert "Wh-secret_123" not in redact('{"secret_token":"Wh-secret_123"}')


def test_messages_arguments_and_tracebacks_are_redacted(log_stream: io.StringIO) -> None:
    log = logging.getLogger("bot.test")
    log.debug("token is %s", FAKE_TOKEN)
    log.info("calling %r", {"url": f"https://api.telegram.org/bot{FAKE_TOKEN}/getMe"})
    try:
        raise RuntimeError(f"failed for https://api.telegram.org/bot{FAKE_TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("send failed")
    try:
        try:
            raise ValueError(FAKE_TOKEN)
        except ValueError as inner:
            raise KeyError("wrapped") from inner
    except KeyError:
        logging.getLogger("telegram.ext.Application").error("chained", exc_info=True)
    out = log_stream.getvalue()
    assert SECRET_PART not in out
    assert out.count(REDACTED) >= 4
    assert "Traceback" in out and "RuntimeError" in out and "ValueError" in out


def test_short_configured_token_is_redacted_too() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), sys.excepthook)
    try:
        setup_logging("INFO", "42:emulator-token", stream=stream)
        logging.getLogger("x").warning("token 42:emulator-token in text")
    finally:
        root.handlers[:] = saved[1]
        root.setLevel(saved[0])
        sys.excepthook = saved[2]
    assert "emulator-token" not in stream.getvalue()
    assert REDACTED in stream.getvalue()


def test_one_handler_one_format_and_quiet_httpx(log_stream: io.StringIO) -> None:
    setup_logging("DEBUG", FAKE_TOKEN, stream=log_stream)  # twice: still one handler
    ours = [h for h in logging.getLogger().handlers if type(h).__name__ == "_OurHandler"]
    assert len(ours) == 1
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() == logging.WARNING
    logging.getLogger("bot.x").info("xin chào")
    line = log_stream.getvalue().strip().splitlines()[-1]
    # 2026-11-23T13:00:00Z INFO    bot.x: xin chào
    assert line.endswith("bot.x: xin chào")
    assert line[:20].endswith("Z") and " INFO " in line


async def test_forced_network_error_through_httpx_and_ptb(log_stream: io.StringIO) -> None:
    from telegram import Bot
    from telegram.error import NetworkError

    port = closed_port()
    base = f"http://127.0.0.1:{port}/bot"
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"{base}{FAKE_TOKEN}/getMe")
    bot = Bot(FAKE_TOKEN, base_url=base)
    with pytest.raises(NetworkError) as info:
        await bot.get_me()
    logging.getLogger("bot.telegram").error("Bot API unreachable: %r", info.value, exc_info=True)
    logging.getLogger("bot.telegram").debug("bot object: %r, base %s", bot, bot.base_url)
    out = log_stream.getvalue()
    assert "Bot API unreachable" in out
    assert SECRET_PART not in out


def test_whole_process_output_with_uncaught_exception(tmp_path: Path) -> None:
    """A real process at DEBUG: PTB against a dead server, then an uncaught exception."""
    script = tmp_path / "run.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import asyncio, logging, threading
            from telegram import Bot
            from bot.logging_setup import setup_logging

            TOKEN = {FAKE_TOKEN!r}
            setup_logging("DEBUG", TOKEN)

            async def main():
                bot = Bot(TOKEN, base_url="http://127.0.0.1:{closed_port()}/bot")
                try:
                    await bot.initialize()
                except Exception:
                    logging.getLogger("bot").exception("initialize failed")

            asyncio.run(main())
            t = threading.Thread(target=lambda: 1 / 0 if TOKEN else None, name="worker")
            t.start(); t.join()
            raise SystemError("dying with https://api.telegram.org/bot" + TOKEN + "/getMe")
            """
        ),
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "initialize failed" in out and "ZeroDivisionError" in out and "SystemError" in out
    assert SECRET_PART not in out
    assert f"bot{REDACTED}/getMe" in out
