"""The province gazetteer: the 63 former and 34 current units, user spellings, and mentions.

Two jobs, both pure:

- :meth:`Gazetteer.resolve` turns what a user types ("bac kan", "Bắc Cạn", "tphcm") into a
  unit, forgiving case, diacritics, tone placement and "tỉnh"/"TP" prefixes.
- :meth:`Gazetteer.mentions` finds the provinces a text talks about, strictly: capitalised
  names only, with guards against look-alikes ("hòa bình" is peace, "Thái Bình Dương" the
  Pacific, "Hồ Chí Minh" alone the President, "phường Bắc Kạn" a ward since 2025).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from bot.articles.model import ProvinceMention
from bot.text.alternation import words_alternation
from bot.text.normalize import clean_nfc, fold

# Shipped as package data: the repository's top-level content/ is the package bot.content.
DEFAULT_GAZETTEER = Path(str(resources.files("bot.content") / "provinces.json"))
MERGER_2025 = "2025-07-01"  # Nghị quyết 202/2025/QH15: 63 units became 34


@dataclass(frozen=True)
class Unit:
    """A provincial-level unit: a former one (``current`` is its unit since 2025) or current."""

    name: str
    current: str
    is_current: bool  # one of the 34 units since 2025-07-01
    is_former: bool  # one of the 63 units before 2025-07-01
    joined: str | None = None  # YYYY-MM-DD it became part of ``current`` (merged units)


@dataclass(frozen=True)
class Resolution:
    """A user's province input, understood."""

    unit: Unit
    typed_name: str  # the canonical name of what they typed (may be a former unit)
    joined: str | None = None  # YYYY-MM-DD the typed unit became part of ``unit``

    @property
    def renamed(self) -> bool:
        """True when the user named a former unit that now lives inside another one."""
        return self.typed_name != self.unit.current


# Words before a name that turn it into something else: a ward, street, river, person.
_NOT_A_PROVINCE_BEFORE = {
    "phường", "xã", "huyện", "quận", "thị trấn", "đường", "phố", "sông", "cầu", "chợ",
    "quảng trường",
    "ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cháu", "cụ",
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi",
    "đỗ", "ngô", "lý", "văn", "thị", "đình", "đức", "hữu", "công", "quốc",
}  # fmt: skip
# Two words before a name that make it the province again, although their last word alone
# ("phố" street, "cầu" bridge, "quốc" in a person's name) would not.
_NAMING_BEFORE = {"thành phố", "điểm cầu", "đầu cầu", "tổ quốc"}
# Longer proper names that contain a province name.
_LONGER_NAMES = ("Thái Bình Dương", "Điện Biên Phủ", "Hà Nội Mới", "Sài Gòn Giải Phóng")
# Short all-caps aliases are too ambiguous in running text (HN, HCM, TTH...).
_CITY_PREFIX = r"(?:Thành phố|thành phố|TP\.?|Tp\.?)\s*"

_MIN_OUTLET_KEY = 5  # "tphcm", "hanoi": shorter tails of a domain name are noise
_PREFIX_FOLDED = re.compile(r"^(?:tinh|thanh pho|thanhpho|tp\.?|t\.p\.?)\s*")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _key(text: str) -> str:
    """A spelling-insensitive key for user input: folded, no prefix, no spaces."""
    folded = fold(clean_nfc(text).strip())
    folded = _PREFIX_FOLDED.sub("", folded)
    return _NON_ALNUM.sub("", folded)


class Gazetteer:
    def __init__(self, data: dict[str, list[dict[str, object]]]) -> None:
        self.former: dict[str, Unit] = {}
        self.current: dict[str, Unit] = {}
        # Units merged before 2025 (Hà Tây, 2008): understood when typed, never looked for
        # in running text ("Ảnh: Hà Tây" is a photographer's byline in the labelled set).
        self.historical: dict[str, Unit] = {}
        self._keys: dict[str, tuple[Unit, str]] = {}
        self._surface: dict[str, str] = {}  # written form in text -> former unit name
        self._needs_prefix: set[str] = set()
        self._aliases: dict[str, list[str]] = {}

        current_names = {str(u["name"]) for u in data["current_units"]}
        former_names = {str(u["name"]) for u in data["old_units"]}
        for u in data["current_units"]:
            name = str(u["name"])
            self.current[name] = Unit(name, name, True, name in former_names)
        for u in data["old_units"]:
            name = str(u["name"])
            merged = str(u["current"]) != name
            unit = Unit(name, str(u["current"]), name in current_names, True,
                        MERGER_2025 if merged else None)  # fmt: skip
            self.former[name] = unit
            aliases = [str(a) for a in u["aliases"]]  # type: ignore[attr-defined]
            if u.get("name_before_2025"):
                aliases.append(str(u["name_before_2025"]))
            self._aliases[name] = aliases
            for spelling in [name, str(u["short_name"]), *aliases]:
                self._keys.setdefault(_key(spelling), (unit, name))
        for u in data["current_units"]:
            name = str(u["name"])
            unit = self.current[name]
            for spelling in (name, str(u["short_name"]), str(u["official_name"])):
                self._keys[_key(spelling)] = (unit, name)
        for u in data.get("historical_units", []):
            name, current = str(u["name"]), str(u["current"])
            unit = Unit(name, current, False, False, str(u["joined"]))
            self.historical[name] = unit
            for spelling in [name, *(str(a) for a in u["aliases"])]:  # type: ignore[attr-defined]
                self._keys.setdefault(_key(spelling), (unit, name))
        # Common user shorthands.
        hcm = self.current.get("Thành phố Hồ Chí Minh")
        if hcm:
            for extra in ("hcm", "tphcm", "hochiminh", "saigon", "sg"):
                self._keys[extra] = (hcm, hcm.name)
        self._build_text_patterns()

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        return _load_cached(str(path or DEFAULT_GAZETTEER))

    # --- user input ----------------------------------------------------------------------

    def resolve(self, text: str) -> Resolution | None:
        """Understand a province as typed by a user; None when it is no province we know."""
        key = _key(text)
        if not key:
            return None
        hit = self._keys.get(key)
        if hit is None:
            return None
        unit, typed = hit
        current = self.current[unit.current]
        return Resolution(unit=current, typed_name=typed, joined=unit.joined)

    def is_new_name(self, name: str, current: str) -> bool:
        """True when ``name`` is an earlier name of the unit ``current`` itself, not a unit
        merged into it: "Thừa Thiên Huế" is now "thành phố Huế" (renamed on 2025-01-01),
        while "Bắc Kạn" is now part of Thái Nguyên."""
        hit = self._keys.get(_key(name))
        return hit is not None and name != current and hit[1] == current

    # --- running text --------------------------------------------------------------------

    def _build_text_patterns(self) -> None:
        forms: dict[str, str] = {}
        for name in self.former:
            spellings = [name, *self._aliases[name]]
            for s in spellings:
                if not any(ch.islower() for ch in s) and "TP" not in s.upper().replace(" ", ""):
                    continue  # HN, TTH, BRVT-like codes: too ambiguous in prose
                if s.isascii() and not name.isascii():
                    continue  # "Bac Kan" in prose is rare and collides with other words
                forms[s] = name
        hcm_old = "Thành phố Hồ Chí Minh"
        # The city is only the city with a prefix; "Hồ Chí Minh" alone is the President.
        for s in list(forms):
            if forms[s] == hcm_old and not s.startswith(("TP", "Tp", "Thành phố")):
                del forms[s]
        forms["TP.HCM"] = hcm_old
        forms["TPHCM"] = hcm_old
        forms["TP HCM"] = hcm_old
        forms["TP. HCM"] = hcm_old
        forms["Tp.HCM"] = hcm_old
        forms["TP. Hồ Chí Minh"] = hcm_old
        forms["TP Hồ Chí Minh"] = hcm_old
        forms["Thành phố Hồ Chí Minh"] = hcm_old
        self._surface = forms
        self._place_names = frozenset(forms)
        # Longest first, grouped by first letter (bot.text.alternation): the same matches,
        # found in a few steps per position instead of trying ~200 names.
        alternation = words_alternation(sorted(forms, key=len, reverse=True))
        # The pattern starts with the alternation itself, so that the regex engine can skip
        # to the next possible first letter (10x faster than trying ~200 names at every
        # position); the "no letter or dot before" condition is checked in mentions().
        self._pattern = re.compile(rf"({alternation})(?![\w])")

    @property
    def place_names(self) -> frozenset[str]:
        """Every spelling of a province name that :meth:`mentions` finds in prose."""
        return self._place_names

    def outlet_province(self, outlet: str) -> ProvinceMention | None:
        """The province in an outlet's domain name: "Baobacgiang.vn" -> Bắc Giang,
        "Thanhuytphcm.vn" -> TP HCM. Cryptic tags without a domain ("QNO", "BBK") and
        domains naming no province give None: the province is never guessed."""
        if "." not in outlet:
            return None
        host = _NON_ALNUM.sub("", fold(outlet.split(".")[0].lower()))
        for start in range(len(host) - _MIN_OUTLET_KEY + 1):
            hit = self._keys.get(host[start:])
            if hit is not None:
                unit = self.former.get(hit[1]) or self.former.get(hit[0].name)
                if unit is not None:
                    return ProvinceMention(name=unit.name, current=unit.current)
        return None

    def mentions(self, text: str) -> tuple[ProvinceMention, ...]:
        """Provinces named in a text, in order of first mention, as named in its era."""
        found: dict[str, ProvinceMention] = {}
        pos = 0
        while (m := self._pattern.search(text, pos)) is not None:
            start = m.start()
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._"):
                pos = start + 1  # inside a word: a shorter name may still start later on
                continue
            pos = m.end()
            surface = m.group(1)
            name = self._surface[surface]
            if name in found or not self._is_province_here(text, m.start(), m.end(), name):
                continue
            unit = self.former[name]
            shown = name
            if name == "Huế" and ("Thừa Thiên" in surface):
                shown = "Thừa Thiên Huế"
            found[name] = ProvinceMention(name=shown, current=unit.current)
        return tuple(found.values())

    def _is_province_here(self, text: str, start: int, end: int, name: str) -> bool:
        window = text[max(0, start - 40) : end + 20]
        offset = start - max(0, start - 40)
        for longer in _LONGER_NAMES:
            i = window.find(longer)
            if i != -1 and i <= offset < i + len(longer):
                return False
        before = text[max(0, start - 12) : start].rstrip().lower()
        prev_word = before.rsplit(maxsplit=1)[-1] if before.split() else ""
        prev_two = " ".join(before.split()[-2:])
        if prev_two in _NAMING_BEFORE:
            return True  # "thành phố Bắc Giang", "điểm cầu Phú Thọ", "Tổ quốc Bến Tre"
        if prev_word in _NOT_A_PROVINCE_BEFORE or prev_two in _NOT_A_PROVINCE_BEFORE:
            return False
        if name == "Hòa Bình":
            # "Hòa Bình" capitalised at a sentence start can still be "peace": want a cue.
            cue = text[max(0, start - 25) : start].lower()
            if not re.search(r"(tỉnh|ủy|ubnd|hđnd|mttq|đảng bộ|tại|ở)\s*$", cue):
                return False
        return True


@cache
def _load_cached(path: str) -> Gazetteer:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Gazetteer(data)
