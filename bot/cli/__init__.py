"""Sub-commands of ``danvan-bot``: one module per family, each with ``register()``."""

from __future__ import annotations

from types import ModuleType

from bot.cli import admin, articles, chat, digest, feeds, sources

# Each module: register(subparsers, common_parent) adding commands with set_defaults(func=...).
COMMAND_MODULES: list[ModuleType] = [articles, digest, chat, feeds, sources, admin]
