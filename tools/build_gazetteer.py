"""Build content/provinces.json from the team's reference file.

    python tools/build_gazetteer.py [../shared/reference/provinces.json]

The gazetteer keeps what the bot needs: for each of the 63 pre-2025 units its canonical
name, its spellings, the unit it belongs to since 2025-07-01, and whether the bare name is
ambiguous in running text; for each of the 34 current units its name and short name.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Units merged before 2025 that older archives and people still name. The reference states
# them only in prose ("Historical: tỉnh Hà Tây was merged into Hà Nội on 2008-08-01"), so
# they are listed here: the bot understands them when typed (/hoinghi Hà Tây), nothing more.
HISTORICAL_UNITS = [
    {
        "name": "Hà Tây",
        "current": "Hà Nội",
        "joined": "2008-08-01",
        "aliases": ["Tỉnh Hà Tây", "Ha Tay"],
    },
]


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared/reference/provinces.json"
    ref = json.loads(src.read_text(encoding="utf-8"))
    old_units = []
    for u in ref["old_units"]:
        old_units.append(
            {
                "name": nfc(u["name"]),
                "short_name": nfc(u["short_name"]),
                "type": nfc(u["type"]),
                "aliases": [nfc(a) for a in u["aliases"]],
                "current": nfc(u["new_unit"]),
                "fate": u["fate_2025"],
                "ambiguous": bool(u.get("ambiguous_with")),
                **(
                    {"name_before_2025": nfc(u["name_before_2025_01_01"])}
                    if u.get("name_before_2025_01_01")
                    else {}
                ),
            }
        )
    new_units = [
        {
            "name": nfc(u["name"]),
            "short_name": nfc(u["short_name"]),
            "official_name": nfc(u["official_name"]),
            "type": nfc(u["type"]),
            "merged_from": [nfc(m) for m in u["merged_from"]],
        }
        for u in ref["new_units"]
    ]
    out = {
        "source": "shared/reference/provinces.json: " + ref["meta"]["title"],
        "old_units": old_units,
        "current_units": new_units,
        "historical_units": _historical(ref),
    }
    target = ROOT / "content" / "provinces.json"
    target.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target} ({len(old_units)} former units, {len(new_units)} current units)")
    return 0


def _historical(ref: dict[str, object]) -> list[dict[str, object]]:
    """HISTORICAL_UNITS, each checked against the reference's own notes."""
    notes = " ".join(str(n) for n in ref["meta"]["matching_pitfalls"])  # type: ignore[index]
    for unit in HISTORICAL_UNITS:
        if str(unit["name"]) not in notes:
            raise SystemExit(f"{unit['name']} is not in the reference's notes any more")
    return [{**u, "name": nfc(str(u["name"]))} for u in HISTORICAL_UNITS]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
