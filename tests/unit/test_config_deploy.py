"""The deployment files agree with the code: commands exist, settings and env vars documented."""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
from pathlib import Path

import pytest

from bot import config
from bot.__main__ import build_parser

REPO = Path(__file__).resolve().parents[2]


def test_every_settings_field_can_be_set_from_the_file() -> None:
    # A field added to a settings dataclass without a _SCHEMA entry would be rejected as an
    # unknown key when someone writes it in config.toml.
    sections = {
        "telegram": config.TelegramSettings,
        "fetch": config.FetchSettings,
        "digest": config.DigestSettings,
        "sources": config.SourceSettings,
    }
    for section, cls in sections.items():
        for f in dataclasses.fields(cls):
            assert f.name in config._SCHEMA[section], f"[{section}] {f.name} missing in _SCHEMA"


def env_vars_read_by_config() -> set[str]:
    source = Path(config.__file__).read_text(encoding="utf-8")
    return set(re.findall(r'_env(?:_int|_url)?\(env, "([A-Z_]+)"', source)) | {"DANVAN_CONFIG"}


def test_every_environment_variable_is_documented() -> None:
    names = env_vars_read_by_config()
    assert {"TELEGRAM_BOT_TOKEN", "DATABASE_PATH", "PORT", "WEBHOOK_URL"} <= names
    example = (REPO / "config.example.toml").read_text(encoding="utf-8")
    deploy = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    for name in names:
        assert name in example, f"{name} not in config.example.toml"
        assert f"`{name}`" in deploy, f"{name} not in docs/deploy.md"


def command_runs(argv: list[str]) -> None:
    assert argv[0] == "danvan-bot", argv
    args = build_parser().parse_args(argv[1:])
    assert callable(getattr(args, "func", None)), argv


def test_procfile_process_types_run_real_commands() -> None:
    lines = [
        line
        for line in (REPO / "Procfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    kinds = {}
    for line in lines:
        kind, _, cmd = line.partition(":")
        kinds[kind.strip()] = shlex.split(cmd.split("#", 1)[0])
    assert set(kinds) == {"worker", "web"}
    for argv in kinds.values():
        command_runs(argv)


def test_dockerfile_runs_as_non_root_with_a_data_volume() -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    assert 'VOLUME ["/data"]' in text and "DATABASE_PATH=/data/danvan.db" in text
    # A normal install (content/ travels as package data), not an editable one.
    assert re.search(r"pip install \.(\s|$)", text) and "pip install -e" not in text
    cmd = re.search(r"^CMD (\[.*\])$", text, re.M)
    assert cmd is not None
    command_runs(json.loads(cmd.group(1)))
    # Everything the image copies exists, and nothing secret is sent to the build.
    for src in re.findall(r"^COPY (.+) \S+$", text, re.M):
        for path in src.split():
            assert (REPO / path).exists(), f"Dockerfile copies missing {path}"
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    for secret_or_bulk in (".git", ".venv", "data", "config.toml", "*.db"):
        assert secret_or_bulk in ignored


@pytest.mark.parametrize("title", ["## Docker", "## Procfile / PaaS", "## systemd"])
def test_deploy_doc_has_the_three_ways(title: str) -> None:
    deploy = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert f"\n{title}\n" in deploy
    if title == "## systemd":
        for must in ("Restart=always", "EnvironmentFile=", "User=danvan"):
            assert must in deploy
