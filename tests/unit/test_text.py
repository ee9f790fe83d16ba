"""Vietnamese text primitives: folding, tone placement, sentences, dates, provinces."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from bot.text.date_mentions import find_dates, year_near
from bot.text.dates import format_date_vi, format_event_date
from bot.text.normalize import clean_nfc, fold, tone_variants, unify_tone_placement
from bot.text.provinces import Gazetteer
from bot.text.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Đảng", "dang"), ("ĐÂN VẬN", "dan van"), ("Nghệ An ộ", "nghe an o"), ("xoá", "xoa")],
)
def test_fold_strips_case_and_marks_and_keeps_length(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert len(fold(text)) == len(text)


def test_nfd_input_folds_like_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Đồng chí Điền")
    assert fold(clean_nfc(nfd)) == "dong chi dien"


def test_tone_placement_is_unified_but_qu_is_left_alone() -> None:
    assert unify_tone_placement("hoà xoá thuý Hoà") == "hòa xóa thúy Hòa"
    assert unify_tone_placement("quý hoàn") == "quý hoàn"


def test_tone_variants_spell_a_word_both_ways() -> None:
    assert tone_variants("hoà") == ("hoà", "hòa")
    assert tone_variants("Hòa") == ("Hòa", "Hoà")
    assert tone_variants("khoẻ") == ("khoẻ", "khỏe")
    assert tone_variants("quý") == ("quý",)  # "qu" is a consonant: one spelling
    assert tone_variants("Đảng") == ("Đảng",)


def test_fold_fast_path_agrees_with_the_table_and_keeps_offsets() -> None:
    from bot.text.normalize import _FOLD_TABLE

    samples = [
        "Đồng chí Nguyễn Thị Thuý, Phó Trưởng ban Dân vận Tỉnh uỷ Bắc Kạn – “Dân vận khéo”…",
        "ẶẰẲẴẮĂ ỰỪỨỬỮƯ ỘỒỐỔỖÔ ĐÐđð",
        "Ǆemal İstanbul Ωμέγα ﬁ 한국어 ǘ",  # letters that change length or have other marks
    ]
    for text in samples:
        folded = fold(text)
        assert len(folded) == len(text)
        if text.isascii() or len(text.lower()) == len(text):
            assert folded.lower() == text.translate(_FOLD_TABLE).lower()


def test_sentence_splitter_survives_abbreviations_and_numbers() -> None:
    text = (
        "Sáng 05/7, TP. Hồ Chí Minh và Q. 1 họp. PGS.TS. Nguyễn Văn A nói có 2,8 triệu "
        "lượt người… Kết quả 68.900 lượt./. Nhân dịp này, khen thưởng."
    )
    assert split_sentences(text) == [
        "Sáng 05/7, TP. Hồ Chí Minh và Q. 1 họp.",
        "PGS.TS. Nguyễn Văn A nói có 2,8 triệu lượt người…",
        "Kết quả 68.900 lượt./.",
        "Nhân dịp này, khen thưởng.",
    ]


@pytest.mark.parametrize(
    ("text", "iso", "cue"),
    [
        ("Chiều 25/4, Ban Dân vận", "--04-25", "time"),
        ("Sáng 9-8, tại Thái Nguyên", "--08-09", "time"),
        ("Sáng 24.11, hội nghị", "--11-24", "time"),
        ("chiều qua (23/7), đoàn", "--07-23", "time"),
        ("Ngày 18/02/2022, Ban", "2022-02-18", "ngay"),
        ("ngày 6 tháng 11 năm 2023, Ban", "2023-11-06", "ngay"),
    ],
)
def test_date_forms(text: str, iso: str, cue: str) -> None:
    found = find_dates(text)
    assert [(d.iso(), d.cue, d.other) for d in found][:1] == [(iso, cue, None)]


def test_dates_of_documents_and_anniversaries_are_not_events() -> None:
    text = "thực hiện Đề án số 06-ĐA/TU ngày 03/02/2023 và kỷ niệm 90 năm ngày 15/10/1930"
    assert [d.other for d in find_dates(text)] == ["document", "anniversary"]


def test_numbers_are_not_dates() -> None:
    assert find_dates("trên 2,8 triệu lượt, 2.8 lần, giai đoạn 2016-2018") == []


@pytest.mark.parametrize(
    ("day", "month", "reference", "year"),
    [
        (28, 12, date(2024, 1, 3), 2023),  # December event, January article
        (2, 1, date(2023, 12, 30), 2024),  # early-January event dated from late December
        (25, 4, date(2024, 4, 26), 2024),
    ],
)
def test_year_inference_rolls_over(day: int, month: int, reference: date, year: int) -> None:
    assert year_near(day, month, reference) == year


def test_dates_read_naturally_in_vietnamese() -> None:
    assert format_date_vi(date(2026, 11, 23)) == "Thứ Hai, 23 tháng 11, 2026"
    assert format_date_vi(date(2024, 4, 25)) == "Thứ Năm, 25 tháng 4, 2024"
    assert format_event_date("--11-28") == "ngày 28 tháng 11"


@pytest.mark.parametrize(
    "text",
    [
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
        "Đoàn TNCS Hồ Chí Minh tổ chức.",
        "Vì hòa bình và hữu nghị.",
        "Hòa bình là khát vọng của dân tộc.",
        "Các nước ven Thái Bình Dương.",
        "Chiến thắng Điện Biên Phủ lừng lẫy.",
        "Trên đường Điện Biên Phủ.",
        "Tại phường Bắc Kạn, nhân dân phấn khởi.",
        "Biển cả mênh mông như hải dương.",
        "Chúc mừng chị Huế.",
    ],
)
def test_province_look_alikes_do_not_count(text: str) -> None:
    assert Gazetteer.load().mentions(text) == ()


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Ban Dân vận Tỉnh ủy Hòa Bình tổ chức", [("Hòa Bình", "Phú Thọ")]),
        ("tại TP.HCM và tỉnh Bình Dương", [("Thành phố Hồ Chí Minh",) * 2,
                                           ("Bình Dương", "Thành phố Hồ Chí Minh")]),
        ("UBND tỉnh Thừa Thiên Huế", [("Thừa Thiên Huế", "Huế")]),
        ("Ðắk Lắk và Đắk Nông", [("Đắk Lắk", "Đắk Lắk"), ("Đắk Nông", "Lâm Đồng")]),
    ],
)  # fmt: skip
def test_provinces_named_in_text(text: str, names: list[tuple[str, str]]) -> None:
    found = Gazetteer.load().mentions(clean_nfc(text))
    assert [(p.name, p.current) for p in found] == names


@pytest.mark.parametrize(
    ("typed", "name", "current"),
    [
        ("bac kan", "Bắc Kạn", "Thái Nguyên"),
        ("Bắc Cạn", "Bắc Kạn", "Thái Nguyên"),
        ("TP HCM", "Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
        ("tphcm", "Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
        ("tỉnh  Hoà Bình", "Hòa Bình", "Phú Thọ"),
        ("THAI NGUYEN", "Thái Nguyên", "Thái Nguyên"),
    ],
)
def test_user_spellings_resolve(typed: str, name: str, current: str) -> None:
    res = Gazetteer.load().resolve(typed)
    assert res is not None and (res.typed_name, res.unit.name) == (name, current)


def test_unknown_province_resolves_to_none() -> None:
    assert Gazetteer.load().resolve("Atlantis") is None
    assert Gazetteer.load().resolve("") is None


def test_gazetteer_has_63_former_and_34_current_units() -> None:
    g = Gazetteer.load()
    assert len(g.former) == 63 and len(g.current) == 34
    assert all(u.current in g.current for u in g.former.values())


def test_every_odd_space_becomes_a_plain_space_or_newline() -> None:
    from bot.text.normalize import squeeze_spaces

    odd = [chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) not in " \n"]
    for ch in odd:
        cleaned = squeeze_spaces(clean_nfc(f"Dân{ch}vận"))
        assert cleaned in ("Dân vận", "Dân\nvận"), repr(ch)
    assert clean_nfc("a\u2028b\x85c") == "a\nb\nc"
