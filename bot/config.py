"""Settings: built-in defaults <- TOML file <- environment, validated into frozen dataclasses.

Where the file comes from: ``--config PATH``, else ``$DANVAN_CONFIG``, else ``./config.toml``
when it exists, else only the defaults: the database ``data/danvan.db`` under the working
directory (never inside the installation), the ``content/`` bundled as package data.

Environment variables win over the file for secrets and PaaS-style settings:

=========================  ===================================================
``TELEGRAM_BOT_TOKEN``     ``[telegram] token``
``TELEGRAM_API_BASE_URL``  ``[telegram] api_base_url``
``WEBHOOK_URL``            ``[telegram] webhook_url`` (turns on webhook mode)
``TELEGRAM_WEBHOOK_SECRET`` ``[telegram] webhook_secret``
``PORT``                   ``[telegram] port`` (the webhook listener)
``DATABASE_PATH``          ``[storage] database``
``DANVAN_ADMIN_USERS``     ``[admin] users`` (comma-separated ids)
``LOG_LEVEL``              ``[logging] level``
=========================  ===================================================

Every mistake is reported as a :class:`ConfigError` with one line that names the key (or
the environment variable) and says how to fix it; the command line turns it into exit
code 2 without a traceback.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import tomllib
import unicodedata
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# The repository's top-level content/ ships inside the package as bot.content (setup.py).
BUNDLED_CONTENT = Path(str(resources.files("bot.content")))
# Relative to the working directory, like every relative path an operator types: the
# place where `danvan-bot` is run (the systemd WorkingDirectory, the container's WORKDIR).
DEFAULT_DATABASE = Path("data") / "danvan.db"


def default_database() -> Path:
    return Path.cwd() / DEFAULT_DATABASE


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
    kind: str = "feed"  # "feed" (RSS/Atom) or "page" (a listing page of a site without one)
    # "filter": only what the relevance classifier calls dân vận news reaches users;
    # "all": the source publishes only dân vận news (a Ban Dân vận portal): keep everything.
    topic: str = "filter"


SOURCE_KINDS = ("feed", "page")
TOPICS = ("filter", "all")


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
    weekday: str = "monday"  # always a lower-case English day name after validation
    time: str = "07:00"  # HH:MM, 24-hour
    timezone: str = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class Settings:
    database: Path = field(default_factory=default_database)
    content_dir: Path = BUNDLED_CONTENT
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    sources: tuple[SourceSettings, ...] = ()
    digest: DigestSettings = field(default_factory=DigestSettings)
    admin_users: frozenset[int] = frozenset()
    log_level: str = "INFO"
    config_path: Path | None = None


# --- what the file may contain --------------------------------------------------------------

# Section -> key -> expected kind. Kinds: str, url, path, int, float, bool, ids.
_SCHEMA: dict[str, dict[str, str]] = {
    "telegram": {
        "token": "str",
        "api_base_url": "url",
        "webhook_url": "url",
        "webhook_secret": "str",
        "port": "int",
    },
    "storage": {"database": "path", "content_dir": "path"},
    "fetch": {
        "interval_minutes": "int",
        "timeout_seconds": "float",
        "max_bytes": "int",
        "concurrency": "int",
        "per_host": "int",
        "user_agent": "str",
        "allow_private_hosts": "bool",
        "fetch_pages": "bool",
    },
    "sources": {
        "name": "str",
        "url": "url",
        "province": "str",
        "interval_minutes": "int",
        "interval": "int",  # short spelling of interval_minutes
        "enabled": "bool",
        "kind": "str",
        "topic": "str",
    },
    "digest": {"weekday": "str", "time": "str", "timezone": "str"},
    "admin": {"users": "ids"},
    "logging": {"level": "str"},
}

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Vietnamese spellings people will type, folded to ASCII lower case.
_WEEKDAY_ALIASES = {
    **{d[:3]: d for d in WEEKDAYS},
    "thu hai": "monday",
    "thu 2": "monday",
    "t2": "monday",
    "thu ba": "tuesday",
    "thu 3": "tuesday",
    "t3": "tuesday",
    "thu tu": "wednesday",
    "thu 4": "wednesday",
    "t4": "wednesday",
    "thu nam": "thursday",
    "thu 5": "thursday",
    "t5": "thursday",
    "thu sau": "friday",
    "thu 6": "friday",
    "t6": "friday",
    "thu bay": "saturday",
    "thu 7": "saturday",
    "t7": "saturday",
    "chu nhat": "sunday",
    "cn": "sunday",
}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# A bot token as @BotFather hands it out: "<bot id>:<secret>".
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


def _kind_hint(kind: str) -> str:
    return {
        "str": 'a quoted string, e.g. "text"',
        "url": 'a quoted URL, e.g. "https://example.org/rss"',
        "path": 'a quoted file path, e.g. "data/danvan.db"',
        "int": "a whole number without quotes, e.g. 30",
        "float": "a number without quotes, e.g. 20 or 2.5",
        "bool": "true or false, without quotes",
        "ids": "a list of numeric Telegram user ids, e.g. [123456789]",
    }[kind]


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "..."


def _suggest(key: str, section: str | None) -> str:
    """A "did you mean" hint: a close key in the same section, else the section it belongs to."""
    here = list(_SCHEMA) if section is None else list(_SCHEMA[section])
    close = difflib.get_close_matches(key, here, n=1, cutoff=0.6)
    if close:
        return f'did you mean "{close[0]}"?'
    for other, keys in _SCHEMA.items():
        if other != section and key in keys:
            where = "[[sources]]" if other == "sources" else f"[{other}]"
            return f"it belongs under {where}"
    if section is None:
        return "known sections: " + ", ".join(f"[{s}]" for s in _SCHEMA)
    return "known keys: " + ", ".join(_SCHEMA[section])


def _is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(value: str) -> str | None:
    """Why ``value`` is not a usable http(s) URL, or None when it is."""
    if value != value.strip() or any(c.isspace() for c in value):
        return "contains spaces"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not parts.hostname:
        return "has no host name"
    return None


class _Reader:
    """Validates one parsed TOML document; knows the file name for the error messages."""

    def __init__(self, path: Path | None) -> None:
        self.origin = f"{path}: " if path is not None else ""

    def fail(self, where: str, problem: str, fix: str) -> ConfigError:
        return ConfigError(f"{self.origin}{where} {problem}; {fix}")

    def section(self, data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, Mapping):
            raise self.fail(f"[{name}]", "must be a table", f"write [{name}] on its own line")
        for key in value:
            if key not in _SCHEMA[name]:
                raise self.fail(f"[{name}] {key}", "is not a known setting", _suggest(key, name))
        return value

    def value(self, where: str, raw: Any, kind: str) -> Any:
        ok = {
            "str": isinstance(raw, str),
            "url": isinstance(raw, str),
            "path": isinstance(raw, str),
            "int": isinstance(raw, int) and not isinstance(raw, bool),
            "float": isinstance(raw, int | float) and not isinstance(raw, bool),
            "bool": isinstance(raw, bool),
            "ids": isinstance(raw, list)
            and all(isinstance(u, int) and not isinstance(u, bool) for u in raw),
        }[kind]
        if not ok:
            raise self.fail(
                where, f"must be {_kind_hint(kind)} (got {_show(raw)})", "fix the value"
            )
        if kind == "url" and raw:
            problem = check_url(raw)
            if problem:
                raise self.fail(
                    where,
                    f"{_show(raw)} {problem}",
                    'use a full URL such as "https://example.org/"',
                )
        if kind == "float":
            return float(raw)
        return raw

    def get(self, table: Mapping[str, Any], section: str, key: str, default: Any) -> Any:
        if key not in table:
            return default
        return self.value(f"[{section}] {key}", table[key], _SCHEMA[section][key])

    def positive(self, where: str, value: int | float) -> None:
        if value <= 0:
            raise self.fail(where, f"must be greater than 0 (got {value})", "use a positive number")


def _env(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    return value.strip() if value and value.strip() else None


def _env_int(env: Mapping[str, str], name: str, fix: str) -> int | None:
    raw = _env(env, name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(
            f"environment variable {name}={_show(raw)} is not a number; {fix}"
        ) from None


def _env_url(env: Mapping[str, str], name: str) -> str | None:
    raw = _env(env, name)
    if raw is not None:
        problem = check_url(raw)
        if problem:
            raise ConfigError(
                f"environment variable {name}={_show(raw)} {problem}; "
                'use a full URL such as "https://example.org/"'
            )
    return raw


def _fold_weekday(text: str) -> str:
    text = text.strip().lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(text.replace("-", " ").split())


def parse_weekday(text: str) -> str | None:
    """English or Vietnamese day name ("monday", "Mon", "Thứ Hai", "T2", "CN") -> "monday"."""
    folded = _fold_weekday(text)
    if folded in WEEKDAYS:
        return folded
    return _WEEKDAY_ALIASES.get(folded)


def find_config_path(explicit: str | None, env: Mapping[str, str]) -> Path | None:
    if explicit:
        return Path(explicit)
    if env.get("DANVAN_CONFIG"):
        return Path(env["DANVAN_CONFIG"])
    local = Path("config.toml")
    return local if local.exists() else None


def load_settings(explicit: str | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the settings. Raises :class:`ConfigError` with a one-line message."""
    env = os.environ if env is None else env
    path = find_config_path(explicit, env)
    data: Mapping[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"config file {path} not found; check --config or DANVAN_CONFIG"
            ) from None
        except IsADirectoryError:
            raise ConfigError(f"config file {path} is a directory; point to a .toml file") from None
        except UnicodeDecodeError:
            raise ConfigError(f"config file {path} is not UTF-8 text; save it as UTF-8") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"config file {path} is not valid TOML ({exc}); compare it with config.example.toml"
            ) from None
    base = path.parent if path is not None else Path.cwd()
    return parse_settings(data, env, base, path)


def parse_settings(
    data: Mapping[str, Any],
    env: Mapping[str, str],
    base: Path,
    path: Path | None = None,
) -> Settings:
    """Validate a parsed TOML document plus the environment into :class:`Settings`."""
    r = _Reader(path)
    for key in data:
        if key not in _SCHEMA:
            raise r.fail(f"{key}", "is not a known section or setting", _suggest(key, None))

    tg = r.section(data, "telegram")
    storage = r.section(data, "storage")
    fetch_t = r.section(data, "fetch")
    digest_t = r.section(data, "digest")
    admin = r.section(data, "admin")
    logging_t = r.section(data, "logging")

    return Settings(
        database=_database(r, storage, env, base),
        content_dir=_content_dir(r, storage, base),
        telegram=_telegram(r, tg, env),
        fetch=_fetch(r, fetch_t),
        sources=_sources(r, data.get("sources", [])),
        digest=_digest(r, digest_t),
        admin_users=_admin_users(r, admin, env),
        log_level=_log_level(r, logging_t, env),
        config_path=path,
    )


def _database(r: _Reader, storage: Mapping[str, Any], env: Mapping[str, str], base: Path) -> Path:
    raw = _env(env, "DATABASE_PATH") or r.get(storage, "storage", "database", "")
    if not raw or raw == ".":
        return default_database()
    database = Path(raw).expanduser()
    # A relative path in the file is relative to the file; from the environment, to the cwd.
    if not database.is_absolute():
        database = (Path.cwd() if _env(env, "DATABASE_PATH") else base) / database
    if database.is_dir():
        where = "DATABASE_PATH" if _env(env, "DATABASE_PATH") else "[storage] database"
        raise ConfigError(
            f"{r.origin}{where} {database} is a directory; name a file, e.g. {database}/danvan.db"
        )
    return database


def _content_dir(r: _Reader, storage: Mapping[str, Any], base: Path) -> Path:
    raw = r.get(storage, "storage", "content_dir", "")
    if not raw:
        return BUNDLED_CONTENT
    content = Path(raw).expanduser()
    return content if content.is_absolute() else base / content


def _telegram(r: _Reader, tg: Mapping[str, Any], env: Mapping[str, str]) -> TelegramSettings:
    token = _env(env, "TELEGRAM_BOT_TOKEN") or r.get(tg, "telegram", "token", "").strip()
    api_base_url = _env_url(env, "TELEGRAM_API_BASE_URL") or r.get(
        tg, "telegram", "api_base_url", ""
    )
    webhook_url = _env_url(env, "WEBHOOK_URL") or r.get(tg, "telegram", "webhook_url", "")
    if webhook_url:
        parts = urlsplit(webhook_url)
        # Telegram only calls https webhooks; plain http is allowed for a local emulator.
        if parts.scheme != "https" and not _is_loopback_host(parts.hostname or ""):
            where = "WEBHOOK_URL" if _env(env, "WEBHOOK_URL") else "[telegram] webhook_url"
            raise ConfigError(
                f"{r.origin if where != 'WEBHOOK_URL' else ''}{where} must use https:// "
                "(Telegram only calls https webhooks); use your public https address"
            )
    secret = _env(env, "TELEGRAM_WEBHOOK_SECRET") or r.get(tg, "telegram", "webhook_secret", "")
    if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise ConfigError(
            "webhook secret (TELEGRAM_WEBHOOK_SECRET or [telegram] webhook_secret) may only use "
            "A-Z, a-z, 0-9, _ and -, up to 256 characters; generate one with "
            '`python -c "import secrets; print(secrets.token_urlsafe(32))"`'
        )
    port_fix = "set PORT to a TCP port between 1 and 65535"
    env_port = _env_int(env, "PORT", port_fix)
    port = env_port if env_port is not None else r.get(tg, "telegram", "port", 8080)
    if not 1 <= port <= 65535:
        where = "environment variable PORT" if env_port is not None else "[telegram] port"
        raise ConfigError(f"{where} = {port} is out of range; use a TCP port between 1 and 65535")
    return TelegramSettings(
        token=token,
        api_base_url=api_base_url,
        webhook_url=webhook_url,
        webhook_secret=secret,
        port=port,
    )


def _fetch(r: _Reader, t: Mapping[str, Any]) -> FetchSettings:
    d = FetchSettings()
    values = {k: r.get(t, "fetch", k, getattr(d, k)) for k in _SCHEMA["fetch"]}
    for key in ("interval_minutes", "timeout_seconds", "max_bytes", "concurrency", "per_host"):
        r.positive(f"[fetch] {key}", values[key])
    if not values["user_agent"].strip():
        raise r.fail("[fetch] user_agent", "is empty", "leave it out to use the default")
    return FetchSettings(**values)


def _sources(r: _Reader, raw: Any) -> tuple[SourceSettings, ...]:
    if isinstance(raw, Mapping):
        raise r.fail("sources", "must be a list of feeds", "write each feed as its own [[sources]]")
    if not isinstance(raw, list):
        raise r.fail("sources", f"must be a list of feeds (got {_show(raw)})", "use [[sources]]")
    out: list[SourceSettings] = []
    seen: set[str] = set()
    for i, s in enumerate(raw, start=1):
        where = f"[[sources]] #{i}"
        if not isinstance(s, Mapping):
            raise r.fail(
                where, "must be a table", "write name = ... and url = ... under [[sources]]"
            )
        for key in s:
            if key not in _SCHEMA["sources"]:
                raise r.fail(f"{where} {key}", "is not a known setting", _suggest(key, "sources"))
        for key in ("name", "url"):
            if not s.get(key):
                raise r.fail(where, f"has no {key}", f'add {key} = "..."')
        name = r.value(f"{where} name", s["name"], "str").strip()
        if name.casefold() in seen:
            raise r.fail(f'{where} name "{name}"', "is used twice", "give each source its own name")
        seen.add(name.casefold())
        url = r.value(f'[[sources]] "{name}" url', s["url"], "url")
        interval = None
        for key in ("interval_minutes", "interval"):
            if key in s:
                interval = r.value(f'[[sources]] "{name}" {key}', s[key], "int")
                r.positive(f'[[sources]] "{name}" {key}', interval)
        province = r.value(f'[[sources]] "{name}" province', s.get("province", ""), "str")
        enabled = r.value(f'[[sources]] "{name}" enabled', s.get("enabled", True), "bool")
        kind = r.value(f'[[sources]] "{name}" kind', s.get("kind", "feed"), "str").strip().lower()
        if kind not in SOURCE_KINDS:
            raise r.fail(
                f'[[sources]] "{name}" kind',
                f"{_show(kind)} is not a kind of source",
                'use "feed" (RSS/Atom) or "page" (a listing page of a site without a feed)',
            )
        topic = r.value(f'[[sources]] "{name}" topic', s.get("topic", "filter"), "str")
        topic = topic.strip().lower()
        if topic not in TOPICS:
            raise r.fail(
                f'[[sources]] "{name}" topic',
                f"{_show(topic)} is not a topic",
                'use "filter" (only dân vận news is shown: the default) or "all" (the source '
                "publishes only dân vận news)",
            )
        out.append(
            SourceSettings(name, url, province.strip() or None, interval, enabled, kind, topic)
        )
    return tuple(out)


def _digest(r: _Reader, t: Mapping[str, Any]) -> DigestSettings:
    d = DigestSettings()
    raw_day = r.get(t, "digest", "weekday", d.weekday)
    weekday = parse_weekday(raw_day)
    if weekday is None:
        raise r.fail(
            "[digest] weekday",
            f"{_show(raw_day)} is not a day of the week",
            'use an English day name such as "monday" (or "thứ hai")',
        )
    raw_time = r.get(t, "digest", "time", d.time).strip()
    m = _TIME.match(raw_time)
    if not m:
        raise r.fail(
            "[digest] time",
            f"{_show(raw_time)} is not a time of day",
            'use 24-hour HH:MM, e.g. "07:00" or "18:30"',
        )
    tz = r.get(t, "digest", "timezone", d.timezone).strip()
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise r.fail(
            "[digest] timezone",
            f"{_show(tz)} is not a known time zone",
            'use an IANA name such as "Asia/Ho_Chi_Minh"',
        ) from None
    return DigestSettings(weekday=weekday, time=f"{int(m[1]):02d}:{m[2]}", timezone=tz)


def _admin_users(r: _Reader, admin: Mapping[str, Any], env: Mapping[str, str]) -> frozenset[int]:
    raw = _env(env, "DANVAN_ADMIN_USERS")
    if raw is not None:
        try:
            users = [int(u) for u in raw.replace(";", ",").split(",") if u.strip()]
        except ValueError:
            raise ConfigError(
                f"environment variable DANVAN_ADMIN_USERS={_show(raw)} is not a list of ids; "
                "write numeric Telegram user ids separated by commas, e.g. 123456789,987654321"
            ) from None
    else:
        users = r.get(admin, "admin", "users", [])
    for u in users:
        if u <= 0:
            raise r.fail(
                "[admin] users",
                f"contains {u}, which is not a user id",
                "user ids are positive numbers (ask @userinfobot for yours)",
            )
    return frozenset(users)


def _log_level(r: _Reader, t: Mapping[str, Any], env: Mapping[str, str]) -> str:
    from_env = _env(env, "LOG_LEVEL")
    level = (from_env or r.get(t, "logging", "level", "INFO")).strip().upper()
    if level == "WARN":
        level = "WARNING"
    if level not in LOG_LEVELS:
        where = "environment variable LOG_LEVEL" if from_env else f"{r.origin}[logging] level"
        raise ConfigError(
            f'{where} "{level}" is not a log level; use one of ' + ", ".join(LOG_LEVELS)
        )
    return level


def require_token(settings: Settings) -> str:
    """The bot token for ``run``, or a :class:`ConfigError` saying where to put it."""
    token = settings.telegram.token
    if not token:
        raise ConfigError(
            "no bot token: set the TELEGRAM_BOT_TOKEN environment variable or "
            "[telegram] token (get a token from @BotFather)"
        )
    if not _TOKEN.match(token):
        # Never echo the value: it may be a real secret pasted with a typo.
        raise ConfigError(
            "the bot token (TELEGRAM_BOT_TOKEN or [telegram] token) does not look like "
            '"<digits>:<secret>"; copy it again from @BotFather without quotes or spaces'
        )
    return token
