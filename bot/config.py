"""Settings: built-in defaults <- TOML file <- environment, validated into frozen dataclasses.

Where the file comes from: ``--config PATH``, else ``$DANVAN_CONFIG``, else ``./config.toml``
when it exists, else only the defaults (SQLite under ``data/``, bundled ``content/``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CONTENT = PROJECT_ROOT / "content"


class ConfigError(ValueError):
    """A setting is wrong; the message names the key and the fix, in one line."""


@dataclass(frozen=True)
class TelegramSettings:
    token: str = ""
    api_base_url: str = ""
    webhook_url: str = ""
    webhook_secret: str = ""
    port: int = 8080


@dataclass(frozen=True)
class SourceSettings:
    name: str
    url: str
    province: str | None = None
    interval_minutes: int | None = None
    enabled: bool = True


@dataclass(frozen=True)
class FetchSettings:
    interval_minutes: int = 30
    timeout_seconds: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    concurrency: int = 8
    per_host: int = 2
    user_agent: str = "danvan-bot/0.1 (+https://github.com/danvan-bot)"
    allow_private_hosts: bool = False
    fetch_pages: bool = True


@dataclass(frozen=True)
class DigestSettings:
    weekday: str = "monday"
    time: str = "07:00"
    timezone: str = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class Settings:
    database: Path = PROJECT_ROOT / "data" / "danvan.db"
    content_dir: Path = BUNDLED_CONTENT
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    sources: tuple[SourceSettings, ...] = ()
    digest: DigestSettings = field(default_factory=DigestSettings)
    admin_users: frozenset[int] = frozenset()
    log_level: str = "INFO"
    config_path: Path | None = None


def find_config_path(explicit: str | None, env: Mapping[str, str]) -> Path | None:
    if explicit:
        return Path(explicit)
    if env.get("DANVAN_CONFIG"):
        return Path(env["DANVAN_CONFIG"])
    local = Path("config.toml")
    return local if local.exists() else None


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"[{name}] must be a table, e.g. [{name}] on its own line")
    return value


def load_settings(explicit: str | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the settings. Raises :class:`ConfigError` with a one-line message."""
    env = os.environ if env is None else env
    path = find_config_path(explicit, env)
    data: Mapping[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {path} not found; check --config or DANVAN_CONFIG")
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    base = path.parent if path is not None else Path.cwd()
    return parse_settings(data, env, base, path)


def parse_settings(
    data: Mapping[str, Any],
    env: Mapping[str, str],
    base: Path,
    path: Path | None = None,
) -> Settings:
    tg = _section(data, "telegram")
    storage = _section(data, "storage")
    fetch = _section(data, "fetch")
    digest = _section(data, "digest")
    admin = _section(data, "admin")
    logging_ = _section(data, "logging")

    database = Path(env.get("DATABASE_PATH") or storage.get("database") or "")
    if not str(database) or str(database) == ".":
        database = Settings().database
    elif not database.is_absolute():
        database = base / database

    content = storage.get("content_dir")
    content_dir = (base / content) if content else BUNDLED_CONTENT

    telegram = TelegramSettings(
        token=env.get("TELEGRAM_BOT_TOKEN") or str(tg.get("token", "")),
        api_base_url=str(tg.get("api_base_url", "")),
        webhook_url=str(tg.get("webhook_url", "")),
        webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET") or str(tg.get("webhook_secret", "")),
        port=int(env.get("PORT") or tg.get("port", 8080)),
    )
    sources = tuple(
        SourceSettings(
            name=str(s["name"]),
            url=str(s["url"]),
            province=s.get("province"),
            interval_minutes=s.get("interval"),
            enabled=bool(s.get("enabled", True)),
        )
        for s in data.get("sources", [])
    )
    return Settings(
        database=database,
        content_dir=content_dir,
        telegram=telegram,
        fetch=FetchSettings(**{k: v for k, v in fetch.items()}),
        sources=sources,
        digest=DigestSettings(**{k: v for k, v in digest.items()}),
        admin_users=frozenset(int(u) for u in admin.get("users", [])),
        log_level=str(logging_.get("level", "INFO")).upper(),
        config_path=path,
    )
