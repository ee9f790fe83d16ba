"""A new installation: the first `danvan-bot run` on an empty database loads the bundled
content/, so the very first /moinhat already shows articles."""

from __future__ import annotations

from pathlib import Path

from .harness import REPO, running_world

BUNDLED = sorted(
    p for p in (REPO / "content" / "articles").glob("*") if p.suffix in (".md", ".txt")
)


async def test_first_start_imports_the_bundled_articles(tmp_path: Path) -> None:
    assert BUNDLED, "content/articles is empty: nothing to show a new user"
    async with running_world(tmp_path, seed=False) as world:
        [msg] = await world.person("Lan").send("/moinhat 20")
        assert "Kho tin hiện chưa có bài nào" not in msg.plain
        assert msg.plain.count("🗓") == len(BUNDLED)
        assert "Bắc Kạn" in msg.plain  # the 25/4/2024 Bắc Kạn conference is bundled
        assert not world.emulator.rejected()
