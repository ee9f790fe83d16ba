"""The relevance classifier on short texts written for these tests (never copied from the
labelled sample): what is dân vận news (2), what is adjacent (1), and the traps that share
its words (0). Then robustness: any text gets a decision."""

from __future__ import annotations

import pytest

from bot.articles.relevance import (
    BODY_CHARS,
    VERSION,
    classify,
    classify_paragraphs,
    split_lead,
)


def label(title: str, text: str = "") -> int:
    return classify_paragraphs(title, [p for p in text.split("\n") if p]).relevance


CORE = [
    ("", "Sáng 12/3, Ban Dân vận Huyện ủy Yên Lập tổ chức hội nghị sơ kết công tác dân vận quý I."),
    (
        "Xã Tân Lập ra mắt mô hình Dân vận khéo giữ gìn vệ sinh môi trường",
        "Mô hình do Đảng ủy xã phát động, mỗi hộ dân nhận chăm sóc một đoạn đường.",
    ),
    (
        "",
        "Đồn Biên phòng Săm Khánh phối hợp với cấp ủy, chính quyền xã tuyên truyền, vận động "
        "bà con không vượt biên trái phép; công tác dân vận của bộ đội được nhân dân đồng tình.",
    ),
    (
        "Huyện Krông Pắc đẩy mạnh thực hiện Luật Thực hiện dân chủ ở cơ sở",
        "Ban Chỉ đạo huyện kiểm tra việc niêm yết công khai tại các xã.",
    ),
    (
        "",
        "Nhờ cán bộ kiên trì đến từng nhà thuyết phục, 45 hộ dân đã đồng thuận bàn giao mặt "
        "bằng để thi công tuyến đường tránh.",
    ),
    (
        "Hội nghị Khối dân vận tỉnh tổng kết năm 2023",
        "Các cơ quan trong khối phối hợp tốt trong việc nắm tình hình nhân dân.",
    ),
    (
        "Công an tỉnh làm tốt công tác dân vận, xây dựng thế trận lòng dân",
        "Lực lượng công an cơ sở bám địa bàn, gần dân.",
    ),
    (
        "",
        "Thôn Đồng Tâm có 30 hộ tự nguyện hiến hơn 2.000 m2 đất để mở rộng đường liên thôn "
        "sau khi được chi bộ vận động.",
    ),
    ("Năm dân vận chính quyền: cải cách thủ tục hành chính gắn với phục vụ nhân dân", ""),
    # The setting shares a trap's words (army, National Assembly): still dân vận work.
    (
        "",
        "Bên cạnh nhiệm vụ huấn luyện, sẵn sàng chiến đấu, Trung đoàn 250 làm tốt công tác dân "
        "vận tại các xã nơi đóng quân.",
    ),
    ("", "Quốc hội thông qua Luật Thực hiện dân chủ ở cơ sở, có hiệu lực từ năm sau."),
    (
        "",
        "Đồng chí Lê Văn Hòa, Trưởng ban Dân vận Tỉnh ủy chủ trì buổi làm việc với Đảng ủy "
        "xã về kết quả xây dựng mô hình mới.",
    ),
]

ADJACENT = [
    (
        "",
        "Ủy ban MTTQ Việt Nam tỉnh tổ chức hội nghị phản biện xã hội đối với dự thảo quy hoạch "
        "sử dụng đất.",
    ),
    (
        "Hội Nông dân huyện vận động hội viên chuyển đổi cây trồng",
        "Các chi hội tổ chức tuyên truyền tại các thôn.",
    ),
    (
        "",
        "Sở Dân tộc và Tôn giáo phối hợp tổ chức tập huấn pháp luật về tín ngưỡng, tôn giáo "
        "cho cán bộ xã.",
    ),
    ("Biểu dương 120 người có uy tín tiêu biểu trong đồng bào dân tộc thiểu số", ""),
    ("", "Bí thư Huyện ủy đối thoại với nhân dân về bồi thường, tái định cư của dự án."),
    (
        "Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư số 5",
        "Bà con cùng nhau dọn dẹp đường làng, trao quà cho hộ nghèo.",
    ),
    ("", "Hội Liên hiệp Phụ nữ xã phát động phong trào xây dựng gia đình 5 không 3 sạch."),
    (
        "Tuyên truyền phòng, chống tảo hôn ở vùng đồng bào Mông",
        "Cán bộ xã đến từng bản nói chuyện với các gia đình.",
    ),
    (
        "",
        "Đoàn Thanh niên phường ra quân chiến dịch thanh niên tình nguyện hè, giúp người dân "
        "làm đường.",
    ),
    ("", "Chiều 4/6, Ủy ban MTTQ huyện tổ chức hội nghị giao ban công tác Mặt trận quý II."),
]

TRAPS = [
    # "vận động" in other senses
    (
        "Vận động viên Nguyễn Thị Oanh giành huy chương vàng",
        "Chị về nhất nội dung 5.000 m tại giải vô địch quốc gia.",
    ),
    ("", "Các tập đoàn công nghệ chi hàng triệu USD cho vận động hành lang tại Washington."),
    ("5 bài tập vận động giúp giảm đau vai gáy", "Dân văn phòng ngồi nhiều nên hay đau cổ."),
    ("", "Ứng viên tổng thống tăng tốc vận động tranh cử ở các bang chiến trường."),
    # "dân" in other senses
    ("", "Hàng trăm tàu cá của ngư dân đã vào nơi tránh trú bão an toàn trước khi bão đổ bộ."),
    ("Dân chơi xe cổ khoe bộ sưu tập tiền tỷ", "Nhiều dân mạng bình luận sôi nổi."),
    ("Chợ vẫn đông khách dù trời mưa", "Tiểu thương cho biết vẫn thực hiện đạt doanh thu."),
    # Party building, discipline, congresses
    (
        "Khai mạc Đại hội đại biểu Đảng bộ tỉnh lần thứ XVI",
        "Dự đại hội có 350 đại biểu đại diện cho hơn 60.000 đảng viên. Dự có đồng chí Trưởng "
        "ban Dân vận Tỉnh ủy.",
    ),
    ("", "Ủy ban Kiểm tra Tỉnh ủy đề nghị thi hành kỷ luật cảnh cáo một phó giám đốc sở."),
    # propaganda not about dân vận
    (
        "Ban Tuyên giáo Tỉnh ủy định hướng thông tin tuyên truyền kỷ niệm ngày Quốc khánh",
        "Các cơ quan báo chí cần tập trung tuyên truyền.",
    ),
    # anti-corruption
    ("", "Tòa án tuyên phạt bị cáo 12 năm tù về tội tham ô tài sản trong vụ án tham nhũng."),
    # National Assembly, People's Council, elections
    (
        "Kỳ họp thứ 8 HĐND tỉnh thông qua 15 nghị quyết",
        "Chủ tịch Ủy ban MTTQ tỉnh dự kỳ họp.",
    ),
    ("", "Cử tri cả nước đi bầu cử đại biểu Quốc hội khóa mới trong ngày hội toàn dân."),
    # government socio-economic meetings
    (
        "",
        "UBND tỉnh họp phiên thường kỳ tháng 9, đánh giá tình hình kinh tế - xã hội và giải "
        "ngân vốn đầu tư công.",
    ),
    # military training
    ("Sư đoàn 312 tổ chức diễn tập bắn đạn thật", "Các đơn vị huấn luyện sẵn sàng chiến đấu."),
    # company charity
    ("", "Công ty cổ phần Sữa trao 200 suất học bổng cho học sinh nghèo vượt khó."),
    # "Hồ Chí Minh" as a city, a road, a prize
    ("Giá căn hộ tại TP Hồ Chí Minh tiếp tục tăng", "Nhà đầu tư đổ về khu Đông."),
    ("Sửa mặt đường Hồ Chí Minh đoạn qua Kon Tum", "Xe tải đi chậm qua đoạn đang thi công."),
    ("Trao Giải thưởng Hồ Chí Minh về văn học nghệ thuật", "Nhiều nhà thơ được vinh danh."),
    # ethnic culture and tourism, a mass organisation's greetings
    ("", "Lễ hội văn hóa các dân tộc thu hút hàng nghìn du khách đến làng văn hóa."),
    (
        "Chúc mừng ngày thành lập Hội Liên hiệp Phụ nữ Việt Nam",
        "Công ty chúng tôi xin gửi lời chúc tới chị em.",
    ),
    # site clearance stated, nobody persuaded; a routine citizen reception
    ("", "Giải phóng mặt bằng dự án cao tốc còn chậm do vướng nguồn vốn và thủ tục."),
    ("Tiếp công dân định kỳ tháng 5", "Chủ tịch UBND huyện tiếp 12 lượt công dân."),
    # ordinary news
    ("Đội tuyển Việt Nam thắng 2-0", "Bàn thắng được ghi bởi các cầu thủ trẻ."),
    ("", "Vụ tai nạn giao thông trên quốc lộ 1A làm 2 người bị thương, xe tải lật nghiêng."),
    ("VN-Index giảm hơn 10 điểm", "Khối ngoại bán ròng, cổ phiếu ngân hàng giảm sâu."),
]


@pytest.mark.parametrize(("title", "text"), CORE)
def test_core_dan_van_news_is_2(title: str, text: str) -> None:
    assert label(title, text) == 2


@pytest.mark.parametrize(("title", "text"), ADJACENT)
def test_adjacent_news_is_kept(title: str, text: str) -> None:
    assert label(title, text) >= 1


@pytest.mark.parametrize(("title", "text"), TRAPS)
def test_traps_are_0(title: str, text: str) -> None:
    assert label(title, text) == 0


def test_a_cue_in_the_headline_weighs_more_than_in_the_body() -> None:
    mention = "Dự hội nghị có đại diện Ban Dân vận Huyện ủy."
    filler = "Hội nghị bàn về tiến độ các công trình giao thông nông thôn của huyện."
    deep = classify("Huyện họp bàn tiến độ công trình", filler, f"{filler}\n{mention}")
    headline = classify("Ban Dân vận Huyện ủy họp bàn tiến độ công trình", filler, filler)
    assert headline.score > deep.score
    assert headline.relevance == 2 and deep.relevance == 0


def test_a_mass_organisation_counts_in_its_mobilising_role_only() -> None:
    assert label("", "Hội Nông dân tỉnh vận động hội viên góp công làm đường giao thông.") >= 1
    assert label("", "Hội Nông dân tỉnh kỷ niệm ngày thành lập, ôn lại lịch sử của tổ chức.") == 0


def test_the_merged_ban_needs_dan_van_work() -> None:
    propaganda = "Ban Tuyên giáo và Dân vận Tỉnh ủy định hướng thông tin tuyên truyền về Quốc khánh"
    work = "Ban Tuyên giáo và Dân vận Tỉnh ủy tổng kết phong trào thi đua Dân vận khéo"
    assert label(propaganda, "Các cơ quan báo chí cần tập trung tuyên truyền.") == 0
    assert label(work, "") == 2


def test_the_result_says_why() -> None:
    result = classify("Hội nghị tổng kết công tác dân vận", "", "")
    assert result.relevance == 2 and result.score > 0
    assert "title:cong_tac_dan_van" in result.cues
    trap = classify("Vận động viên giành huy chương vàng", "", "")
    assert trap.relevance == 0 and any(c.startswith("title:-") for c in trap.cues)


# --- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "lead", "body"),
    [
        ("", "", ""),
        ("Hội nghị", "", ""),
        ("   \n\t", "\x00\x01", "\u200b"),
        ("The Prime Minister met business leaders", "Trade was discussed.", "Investment too."),
        ("Kerajaan umum bantuan baharu untuk rakyat", "Menteri berkata bantuan disalurkan.", ""),
        ("“”‘’()«»", "“ ( ‘", "hiến 12 m2 " * 3),
    ],
)
def test_any_text_gets_a_decision(title: str, lead: str, body: str) -> None:
    result = classify(title, lead, body)
    assert result.relevance in (0, 1, 2)
    if not (title + lead + body).strip() or title.startswith(("The", "Kerajaan")):
        assert result.relevance == 0


def test_a_title_alone_is_enough_to_decide() -> None:
    assert classify("Sơ kết phong trào Dân vận khéo năm 2024", "", "").relevance == 2
    assert classify("Giá vàng hôm nay tăng mạnh", "", "").relevance == 0


def test_a_huge_body_is_read_only_up_to_a_bound() -> None:
    filler = "Giá cổ phiếu biến động mạnh trong phiên giao dịch sáng nay. " * 90_000  # ~5.4 MB
    late = filler + "Ban Dân vận Tỉnh ủy tổng kết công tác dân vận. " * 10
    assert len(late) > 5_000_000
    result = classify("Thị trường hôm nay", "Nhà đầu tư thận trọng.", late)
    assert result.relevance == 0  # the cues past BODY_CHARS are never read
    early = classify("Thị trường hôm nay", "", late[-BODY_CHARS // 2 :])
    assert early.relevance >= 1


def test_split_lead_skips_clutter_and_the_repeated_title() -> None:
    paragraphs = [
        "Chính trị",
        "Hội nghị sơ kết công tác dân vận",
        "08:15 | 25/04/2024",
        "Chiều 25/4, Ban Dân vận Tỉnh ủy tổ chức hội nghị sơ kết công tác dân vận 6 tháng đầu "
        "năm, đánh giá kết quả phối hợp giữa các cơ quan trong khối.",
        "Các đại biểu thảo luận về kết quả phối hợp.",
    ]
    lead, body = split_lead(paragraphs, "Hội nghị sơ kết công tác dân vận")
    assert lead.startswith("Chiều 25/4") and "Các đại biểu" not in lead
    assert "Chính trị" in body and "Các đại biểu" in body
    # A short first paragraph (a sapo fragment) is joined by the next one.
    lead, _ = split_lead(
        [
            "Chiều 25/4, hội nghị sơ kết công tác dân vận đã diễn ra.",
            "Tiếp đó, các đại biểu thảo luận về kết quả phối hợp của khối.",
        ]
    )
    assert "Tiếp đó" in lead


def test_version_is_a_positive_integer() -> None:
    assert isinstance(VERSION, int) and VERSION >= 1
