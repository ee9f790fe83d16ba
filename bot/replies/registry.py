"""Where commands and button callbacks are registered, so each concern lives in its own module.

A command handler: ``async def handler(args: str, ctx: ChatContext, services: Services)
-> Reply``. A callback handler gets the callback data after its prefix (``"s:12:3"`` with
prefix ``"s"`` gets ``"12:3"``). Modules register at import; ``bot.replies.dispatch`` imports
them all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.replies.model import ChatContext, Reply

if TYPE_CHECKING:
    from bot.services import Services

Handler = Callable[[str, ChatContext, "Services"], Awaitable[Reply]]


@dataclass(frozen=True)
class Command:
    name: str  # canonical name, e.g. "tim"
    aliases: tuple[str, ...]
    handler: Handler
    description: str  # Vietnamese, for set_my_commands and /help
    admin_only: bool = False  # [admin] users only
    menu: bool = True  # listed in the Telegram command menu


COMMANDS: dict[str, Command] = {}  # every name and alias -> its Command
CALLBACKS: dict[str, Handler] = {}  # callback-data prefix -> handler


def command(
    name: str,
    *aliases: str,
    description: str,
    admin_only: bool = False,
    menu: bool = True,
) -> Callable[[Handler], Handler]:
    def wrap(fn: Handler) -> Handler:
        cmd = Command(name, aliases, fn, description, admin_only, menu)
        for n in (name, *aliases):
            if n in COMMANDS:
                raise ValueError(f"command /{n} registered twice")
            COMMANDS[n] = cmd
        return fn

    return wrap


def callback(prefix: str) -> Callable[[Handler], Handler]:
    if ":" in prefix:
        raise ValueError("callback prefixes may not contain ':'")

    def wrap(fn: Handler) -> Handler:
        if prefix in CALLBACKS:
            raise ValueError(f"callback prefix {prefix!r} registered twice")
        CALLBACKS[prefix] = fn
        return fn

    return wrap


def unique_commands() -> list[Command]:
    seen: dict[str, Command] = {}
    for cmd in COMMANDS.values():
        seen.setdefault(cmd.name, cmd)
    return list(seen.values())
