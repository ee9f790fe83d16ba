"""Settings validation: every mistake is one line that names the key and the fix."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.config import (
    ConfigError,
    Settings,
    load_settings,
    parse_settings,
    parse_weekday,
    require_token,
)

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(str(path), env or {})
    message = str(info.value)
    assert "\n" not in message, "a configuration error must be one line"
    return message


# (toml, environment, fragments the message must contain)
BAD_CASES: list[tuple[str, dict[str, str], tuple[str, ...]]] = [
    # unknown keys, with a "did you mean"
    ('[digest]\ntimezon = "Asia/Ho_Chi_Minh"\n', {}, ("[digest] timezon", '"timezone"')),
    ('[telegram]\ntoken = "1:a"\napi_base = "http://x"\n', {}, ("api_base", "api_base_url")),
    ("[fetch]\ninterval = 5\n", {}, ("[fetch] interval", '"interval_minutes"')),
    ('[telgram]\ntoken = ""\n', {}, ("telgram", '"telegram"')),
    ('database = "x.db"\n', {}, ("database", "[storage]")),
    ('[[sources]]\nname = "A"\nurl = "https://a.vn/rss"\nurll = "x"\n', {}, ("urll", '"url"')),
    ("[storage]\nfoo = 1\n", {}, ("[storage] foo", "known keys: database")),
    # wrong types
    ('[fetch]\ninterval_minutes = "30"\n', {}, ("[fetch] interval_minutes", "whole number")),
    ('[fetch]\nallow_private_hosts = "yes"\n', {}, ("allow_private_hosts", "true or false")),
    ("[fetch]\ntimeout_seconds = true\n", {}, ("timeout_seconds", "number")),
    ("[fetch]\nconcurrency = 0\n", {}, ("[fetch] concurrency", "greater than 0")),
    ('[admin]\nusers = ["@minh"]\n', {}, ("[admin] users", "user ids")),
    ("[admin]\nusers = [-5]\n", {}, ("[admin] users", "positive")),
    ("[telegram]\nport = 70000\n", {}, ("[telegram] port", "65535")),
    ('telegram = "x"\n', {}, ("[telegram]", "table")),
    ('[sources]\nname = "A"\n', {}, ("sources", "[[sources]]")),
    # impossible time zone
    ('[digest]\ntimezone = "Asia/Ha_Noi"\n', {}, ("[digest] timezone", "Asia/Ho_Chi_Minh")),
    ('[digest]\ntimezone = "../etc/passwd"\n', {}, ("[digest] timezone", "IANA")),
    # bad weekday / time
    ('[digest]\nweekday = "funday"\n', {}, ("[digest] weekday", '"monday"')),
    ('[digest]\ntime = "7h"\n', {}, ("[digest] time", "HH:MM")),
    ('[digest]\ntime = "24:00"\n', {}, ("[digest] time", "HH:MM")),
    # malformed URLs
    ('[[sources]]\nname = "A"\nurl = "danvan.vn/rss"\n', {}, ('"A" url', "http://")),
    ('[[sources]]\nname = "A"\nurl = "ftp://danvan.vn/rss"\n', {}, ('"A" url', "https://")),
    ('[[sources]]\nname = "A"\nurl = "https://"\n', {}, ('"A" url', "no host")),
    ('[[sources]]\nname = "A"\nurl = "https://a.vn/x y"\n', {}, ('"A" url', "spaces")),
    ('[[sources]]\nname = "A"\nurl = "http://a.vn:99999/"\n', {}, ('"A" url', "not a valid")),
    ('[[sources]]\nname = "A"\n', {}, ("[[sources]] #1", "url")),
    (
        '[[sources]]\nname = "A"\nurl = "https://a.vn/1"\n[[sources]]\nname = "a"\n'
        'url = "https://a.vn/2"\n',
        {},
        ("[[sources]] #2", "used twice"),
    ),
    ('[telegram]\napi_base_url = "127.0.0.1:8081/bot"\n', {}, ("api_base_url", "http://")),
    ('[telegram]\nwebhook_url = "bot.example.org/hook"\n', {}, ("webhook_url", "http")),
    ('[telegram]\nwebhook_url = "http://bot.example.org/hook"\n', {}, ("webhook_url", "https")),
    ('[telegram]\nwebhook_secret = "has space"\n', {}, ("webhook_secret", "A-Z")),
    # logging
    ('[logging]\nlevel = "LOUD"\n', {}, ("[logging] level", "DEBUG, INFO")),
    # environment overrides are validated too, naming the variable
    ("", {"PORT": "abc"}, ("PORT", "1 and 65535")),
    ("", {"PORT": "0"}, ("PORT", "65535")),
    ("", {"WEBHOOK_URL": "not a url"}, ("WEBHOOK_URL", "spaces")),
    ("", {"TELEGRAM_API_BASE_URL": "localhost:8081"}, ("TELEGRAM_API_BASE_URL", "http")),
    ("", {"DANVAN_ADMIN_USERS": "12,abc"}, ("DANVAN_ADMIN_USERS", "commas")),
    ("", {"LOG_LEVEL": "chatty"}, ("LOG_LEVEL", "DEBUG")),
]


@pytest.mark.parametrize(("toml", "env", "fragments"), BAD_CASES)
def test_each_mistake_is_one_clear_line(
    tmp_path: Path, toml: str, env: dict[str, str], fragments: tuple[str, ...]
) -> None:
    message = error_of(tmp_path, toml, env)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from: {message}"
    # Every message says how to fix it, after a semicolon.
    assert ";" in message


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    message = error_of(tmp_path, '[digest]\ntimezone = "Mars/Olympus"\n')
    assert message.startswith(str(tmp_path / "config.toml"))


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found; check --config"):
        load_settings(str(tmp_path / "nope.toml"), {})
    message = error_of(tmp_path, "[digest\n")
    assert "not valid TOML" in message and "config.example.toml" in message


def test_example_config_loads_and_validates() -> None:
    example = REPO / "config.example.toml"
    settings = load_settings(str(example), {})
    assert settings.digest.timezone == "Asia/Ho_Chi_Minh"
    assert settings.database == REPO / "data" / "danvan.db"
    # Every section and key the validator knows appears in the example (commented or not).
    text = example.read_text(encoding="utf-8")
    from bot.config import _SCHEMA

    for section, keys in _SCHEMA.items():
        header = "[[sources]]" if section == "sources" else f"[{section}]"
        assert header in text, header
        for key in keys:
            if key != "interval":  # documented spelling is interval_minutes
                assert f"{key} =" in text, f"{section}.{key} not documented"
    # And with the commented examples switched on, it still validates.
    setting = re.compile(r"^# ([a-z_]+ = .*|\[\[sources\]\])$")
    uncommented = "\n".join(line[2:] if setting.match(line) else line for line in text.splitlines())
    data = tomllib.loads(uncommented)
    full = parse_settings(data, {}, example.parent, example)
    assert full.sources[0].name == "Dân vận Trung ương"
    assert full.sources[0].interval_minutes == 60
    assert full.admin_users == {123456789, 987654321}
    assert full.telegram.webhook_url.startswith("https://")


def test_environment_wins_over_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[telegram]\ntoken = "111:fromfile"\nport = 8000\n[storage]\ndatabase = "a.db"\n'
        '[admin]\nusers = [1]\n[logging]\nlevel = "info"\n',
    )
    env = {
        "TELEGRAM_BOT_TOKEN": "222:fromenv",
        "PORT": "5000",
        "DATABASE_PATH": str(tmp_path / "env.db"),
        "DANVAN_ADMIN_USERS": "7, 8",
        "LOG_LEVEL": "debug",
        "WEBHOOK_URL": "https://bot.example.org/hook",
        "TELEGRAM_WEBHOOK_SECRET": "s3cr3t_-",
    }
    s = load_settings(str(path), env)
    assert s.telegram.token == "222:fromenv"
    assert s.telegram.port == 5000
    assert s.database == tmp_path / "env.db"
    assert s.admin_users == {7, 8}
    assert s.log_level == "DEBUG"
    assert s.telegram.webhook_url == "https://bot.example.org/hook"
    assert s.telegram.webhook_secret == "s3cr3t_-"
    without_env = load_settings(str(path), {})
    assert without_env.telegram.token == "111:fromfile"
    assert without_env.database == tmp_path / "a.db"  # relative to the file
    assert without_env.log_level == "INFO"


def test_danvan_config_env_selects_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[digest]\ntime = "6:05"\nweekday = "Thứ Sáu"\n')
    s = load_settings(None, {"DANVAN_CONFIG": str(path)})
    assert s.config_path == path
    assert s.digest.time == "06:05"
    assert s.digest.weekday == "friday"


def test_defaults_without_any_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = load_settings(None, {})
    assert s == Settings()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Monday", "monday"),
        ("sun", "sunday"),
        ("thứ hai", "monday"),
        ("Thứ Bảy", "saturday"),
        ("chủ nhật", "sunday"),
        ("CN", "sunday"),
        ("T5", "thursday"),
        ("someday", None),
    ],
)
def test_parse_weekday(text: str, expected: str | None) -> None:
    assert parse_weekday(text) == expected


def test_loopback_webhook_may_be_http(tmp_path: Path) -> None:
    path = write(tmp_path, '[telegram]\nwebhook_url = "http://127.0.0.1:8443/hook"\n')
    assert load_settings(str(path), {}).telegram.webhook_url == "http://127.0.0.1:8443/hook"


def test_require_token() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        require_token(Settings())
    secret = "123456:has space and 'quotes'"
    bad = parse_settings({}, {"TELEGRAM_BOT_TOKEN": secret}, Path("."))
    with pytest.raises(ConfigError) as info:
        require_token(bad)
    assert "BotFather" in str(info.value)
    assert "has space" not in str(info.value), "the token itself is never echoed"
    good = parse_settings({}, {"TELEGRAM_BOT_TOKEN": "123456:ABC-def_ghi"}, Path("."))
    assert require_token(good) == "123456:ABC-def_ghi"


def test_cli_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, '[digest]\ntimezone = "Asia/Hanoi_City"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(path), "backup", str(tmp_path / "b.db")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "[digest] timezone" in lines[0] and "Asia/Ho_Chi_Minh" in lines[0]
