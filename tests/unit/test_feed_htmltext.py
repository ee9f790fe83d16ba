"""Entry HTML -> plain text: markup, scripts, entities and VnExpress's ``</br>`` gone."""

from __future__ import annotations

from bot.sources.htmltext import html_to_text, plain_title


def test_vnexpress_teaser_markup() -> None:
    markup = (
        '<a href="https://vnexpress.net/x.html"><img width=130 height=100 src="/a.jpg" >'
        "</a></br>Ông Nguyễn Văn A được bầu làm Chủ tịch Ủy ban MTTQ tỉnh."
    )
    assert html_to_text(markup) == "Ông Nguyễn Văn A được bầu làm Chủ tịch Ủy ban MTTQ tỉnh."


def test_paragraphs_scripts_and_entities() -> None:
    markup = (
        "<p>Chiều 8/7,&nbsp;Ban Dân vận <b>Tỉnh ủy</b> họp.</p><script>alert('x')</script>"
        "<style>p{color:red}</style><p>Đồng chí &Eacute; ph&aacute;t biểu &amp; kết luận.</p>"
    )
    assert html_to_text(markup) == (
        "Chiều 8/7, Ban Dân vận Tỉnh ủy họp.\n\nĐồng chí É phát biểu & kết luận."
    )


def test_plain_text_passes_through_and_is_nfc() -> None:
    decomposed = "Ho\u0300a Bi\u0300nh"  # combining grave accents
    assert html_to_text(decomposed) == "Hòa Bình"
    assert html_to_text("a &amp; b") == "a & b"
    assert html_to_text("") == ""


def test_broken_markup_keeps_text() -> None:
    assert "Nội dung" in html_to_text("<div><p>Nội dung <b>chưa đóng thẻ")
    assert html_to_text("<<<>>>") is not None


def test_titles_decode_references_kept_in_cdata() -> None:
    assert plain_title("H&#224; N&#7897;i &#39;m&#7899;i&#39;") == "Hà Nội 'mới'"
    assert plain_title("\n   Giang Kim Đạt\n  bị đề nghị tử hình  ") == (
        "Giang Kim Đạt bị đề nghị tử hình"
    )
    assert plain_title("<b>Đậm</b> thường") == "Đậm thường"
