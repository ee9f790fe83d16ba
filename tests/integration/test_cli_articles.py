"""The article commands as a user runs them: real processes, a real database file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(cwd)},
    )


def test_extract_json_follows_the_contract(seeds_dir: Path, tmp_path: Path) -> None:
    files = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    proc = run("extract", *files, "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [d["file"] for d in lines] == [Path(f).name for f in files]
    for d in lines:
        assert set(d) >= {"file", "title", "published", "event_date", "provinces", "level",
                          "meeting_kind", "chairs", "summary"}  # fmt: skip
    first = lines[0]
    assert first["provinces"] == [{"name": "Bắc Kạn", "current": "Thái Nguyên"}]
    assert first["event_date"] == "2024-04-25" and first["chairs"] == ["Ma Từ Đông Điền"]
    assert not (tmp_path / "data").exists()  # extract needs no database


def test_extract_reports_a_bad_file_and_goes_on(seeds_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    good = str(seeds_dir / "000_c3d18ddfba8e800c.txt")
    proc = run("extract", str(tmp_path / "bin.txt"), good, "--json", cwd=tmp_path)
    assert proc.returncode == 1
    assert "bin.txt" in proc.stderr and "binary" in proc.stderr
    assert len(proc.stdout.splitlines()) == 1


def test_import_then_search(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[storage]\ndatabase = "a.db"\n', encoding="utf-8")
    proc = run("import", str(REPO / "content" / "articles"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "5 new" in proc.stdout
    again = run("import", str(REPO / "content" / "articles"), cwd=tmp_path)
    assert "0 new" in again.stdout and "5 already" in again.stdout
    found = run("search", "dan van bac kan", "--json", "--limit", "3", cwd=tmp_path)
    hits = [json.loads(line) for line in found.stdout.splitlines()]
    assert len(hits) == 2
    assert all({"id", "title", "url", "source", "published", "snippet"} <= set(h) for h in hits)
    assert {h["source"][:3] for h in hits} == {"000", "001"}
    none = run("search", 'NEAR("', cwd=tmp_path)
    assert none.returncode == 0 and "Không tìm thấy" in none.stdout


def test_import_of_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    proc = run("import", str(tmp_path / "nope"), cwd=tmp_path)
    assert proc.returncode == 2 and "no such file" in proc.stderr
