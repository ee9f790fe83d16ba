"""The cues of the relevance classifier: what dân vận news says, and what only looks like it.

Each class names the rule of the scope it implements (``../shared/relevance/README.md``, the
label rules, and DESIGN.md "Relevance"). The phrases come from that definition and from how
Vietnamese news writes about these institutions, not from a labelled sample: a class is
"the Ban Dân vận", "grassroots democracy", "the Front in its supervising role", never "the
words of example 17". Phrases are lower case with diacritics; tone-placement variants
(``hoà``/``hòa``, ``uỷ``/``ủy``) are added when the matcher is built.

Kinds:

- ``core``: dân vận work itself (label 2 when the article is about it).
- ``adjacent``: the wider mobilising work a dân vận digest still wants (label 1).
- ``part``: a word that means something only next to another (a mass organisation's name
  next to a mobilising verb, site clearance next to persuasion); see ``COMBINATIONS``.
- ``trap``: another topic that shares the vocabulary (Party building, sport, markets...); it
  pulls the score down. ``trap_adjacent`` pulls down only the adjacent evidence (a mass
  organisation's history or greetings are not its mobilising role; dân vận's own
  anniversaries stay core).
- ``ignore``: a longer phrase that contains a cue but means something else ("người dân vận
  chuyển", "vận động viên" is a trap of its own): matched so the shorter cue is not.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CueClass:
    name: str
    kind: str  # core | adjacent | part | trap | trap_adjacent | ignore
    weight: float  # points per zone before the zone's factor; negative for traps
    rule: str  # the scope rule this class implements
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Combination:
    """``first`` and ``second`` within ``window`` characters of each other in one zone."""

    name: str
    kind: str
    weight: float
    rule: str
    first: frozenset[str]
    second: frozenset[str]
    window: int


def _p(text: str) -> tuple[str, ...]:
    """Phrases, one per line (``|`` also separates), blank lines ignored."""
    out: list[str] = []
    for line in text.strip().splitlines():
        out.extend(p.strip() for p in line.split("|") if p.strip())
    return tuple(out)


# --- core: dân vận work ------------------------------------------------------------------

CORE: tuple[CueClass, ...] = (
    CueClass(
        "dan_van",
        "core",
        2.0,
        "2: dân vận work (the term itself: công tác dân vận, làm dân vận, cán bộ dân vận)",
        _p("dân vận"),
    ),
    CueClass(
        "cong_tac_dan_van",
        "core",
        2.5,
        "2: công tác dân vận of the Party, government, army, border guard, police",
        _p(
            """
            công tác dân vận | ctdv | làm công tác dân vận | làm dân vận | cán bộ dân vận
            dân vận của đảng | công tác vận động quần chúng | vận động quần chúng
            công tác vận động | công tác vận động nhân dân
            ngày truyền thống công tác dân vận | ngày dân vận | đội công tác dân vận
            tổ công tác dân vận | công tác dân vận của lực lượng vũ trang
            """
        ),
    ),
    CueClass(
        "dan_van_chinh_quyen",
        "core",
        2.5,
        "2: dân vận chính quyền (dân vận of state agencies), dân vận of the armed forces",
        _p(
            """
            dân vận chính quyền | dân vận của chính quyền | dân vận trong cơ quan nhà nước
            năm dân vận chính quyền | dân vận trong các cơ quan hành chính
            đơn vị dân vận tốt | dân vận của quân đội | dân vận biên phòng
            dân vận của lực lượng công an | dân vận của công an
            """
        ),
    ),
    CueClass(
        "dan_van_kheo",
        "core",
        2.5,
        "2: the Dân vận khéo movement, its models and awards",
        _p("dân vận khéo | dvk | mô hình dân vận | điển hình dân vận"),
    ),
    CueClass(
        "ban_dan_van",
        "core",
        2.5,
        "2: the Ban Dân vận at any level and the army's and border guard's dân vận organs",
        _p(
            """
            ban dân vận | cục dân vận | phòng dân vận | ban vận động quần chúng
            tạp chí dân vận | bản tin dân vận | ban chỉ đạo công tác dân vận
            """
        ),
    ),
    CueClass(
        "khoi_dan_van",
        "core",
        2.5,
        "2: khối dân vận (the Party committees' dân vận bloc) and its conferences",
        _p("khối dân vận | cụm dân vận | tổ dân vận | khối vận"),
    ),
    CueClass(
        "dan_chu_co_so",
        "core",
        2.5,
        "2: grassroots democracy: quy chế dân chủ ở cơ sở, Luật Thực hiện dân chủ ở cơ sở",
        _p(
            """
            quy chế dân chủ | dân chủ ở cơ sở | dân chủ cơ sở | qcdc
            thực hiện dân chủ ở cơ sở | luật thực hiện dân chủ
            dân biết, dân bàn | dân biết dân bàn | dân biết - dân bàn
            dân kiểm tra, dân giám sát | dân giám sát, dân thụ hưởng
            dân bàn, dân làm | phát huy quyền làm chủ của nhân dân
            """
        ),
    ),
    CueClass(
        "hien_dat",
        "core",
        2.5,
        "2: mobilising people for a policy: land donated for roads and public works",
        _p(
            """
            hiến đất | hiến tặng đất | tự nguyện hiến | hiến hàng trăm | hiến hàng nghìn
            hiến hàng ngàn | hiến quyền sử dụng đất | hiến cây cối | hiến vật kiến trúc
            hiến đất làm đường | hiến đất mở đường | hiến đất mở rộng
            """
        ),
    ),
    CueClass(
        "dan_van_title",
        "core",
        0.5,
        "2 only with more: an official's title ('Trưởng ban Dân vận') is who attended, "
        "not what the article is about",
        _p(
            """
            trưởng ban dân vận | phó trưởng ban dân vận | phó ban dân vận
            trưởng ban tuyên giáo và dân vận | phó trưởng ban tuyên giáo và dân vận
            phó ban tuyên giáo và dân vận | trưởng ban tuyên giáo - dân vận
            """
        ),
    ),
    CueClass(
        "merged_ban",
        "core",
        0.8,
        "2 only with dân vận work: the merged Ban Tuyên giáo và Dân vận (since 2025) also "
        "does propaganda, which is 0",
        _p("ban tuyên giáo và dân vận | ban tuyên giáo - dân vận | tuyên giáo và dân vận"),
    ),
)

# --- adjacent: the Front, mass organisations, religion, ethnic affairs, dialogue ---------

ADJACENT: tuple[CueClass, ...] = (
    CueClass(
        "front_campaign",
        "adjacent",
        1.6,
        "1: the Front's campaigns and its supervising and social-criticism role",
        _p(
            """
            toàn dân đoàn kết xây dựng | ngày hội đại đoàn kết | đại đoàn kết toàn dân tộc
            khối đại đoàn kết | người việt nam ưu tiên dùng hàng việt nam
            quỹ vì người nghèo | quỹ "vì người nghèo" | nhà đại đoàn kết
            phản biện xã hội | giám sát và phản biện | giám sát, phản biện | giám sát - phản biện
            ban giám sát đầu tư của cộng đồng | ban thanh tra nhân dân
            ban công tác mặt trận | công tác mặt trận | dân chủ - giám sát | dân chủ, giám sát
            toàn dân bảo vệ an ninh tổ quốc
            """
        ),
    ),
    CueClass(
        "mobilising",
        "adjacent",
        0.9,
        "1 (2 with core cues): mobilising the people for a policy (tuyên truyền, vận động)",
        _p(
            """
            vận động nhân dân | vận động người dân | vận động bà con | vận động đồng bào
            vận động hội viên | vận động đoàn viên | vận động các hộ | vận động hộ dân
            vận động gia đình | vận động các gia đình | vận động quần chúng nhân dân
            tuyên truyền, vận động | tuyên truyền vận động | tuyên truyền và vận động
            huy động sức dân | sức dân | ý đảng, lòng dân | ý đảng lòng dân | lòng dân
            quan hệ mật thiết giữa đảng | mối quan hệ máu thịt | gần dân, hiểu dân
            trọng dân, gần dân | dân là gốc | dựa vào dân | nắm tình hình nhân dân
            nắm chắc tình hình nhân dân | quần chúng nhân dân | niềm tin của nhân dân
            tạo sự đồng thuận | sự đồng thuận của nhân dân | đồng thuận trong nhân dân
            đồng thuận của người dân | đồng thuận cao trong nhân dân
            """
        ),
    ),
    CueClass(
        "religion_work",
        "adjacent",
        1.5,
        "1: state work with religions (công tác tôn giáo, chức sắc, đồng bào có đạo)",
        _p(
            """
            công tác tôn giáo | tín ngưỡng, tôn giáo | tín ngưỡng tôn giáo | ban tôn giáo
            sở dân tộc và tôn giáo | bộ dân tộc và tôn giáo | dân tộc và tôn giáo
            quản lý nhà nước về tôn giáo | chính sách tôn giáo | pháp luật về tôn giáo
            chức sắc | chức việc | đồng bào có đạo | đồng bào theo đạo | đồng bào công giáo
            đồng bào tôn giáo | đồng bào theo tôn giáo | đoàn kết công giáo
            tổ chức tôn giáo | cơ sở tôn giáo | hoạt động tôn giáo | ngành tôn giáo
            giáo hội phật giáo | mừng lễ giáng sinh | đại lễ phật đản | mừng phật đản
            chúc mừng giáng sinh
            """
        ),
    ),
    CueClass(
        "religion_area",
        "adjacent",
        0.5,
        "1 only with more: religion named (also in foreign and festival news)",
        _p(
            "tôn giáo | giáo xứ | vùng giáo | lễ giáng sinh | tín đồ | đồng bào phật tử"
            " | hội thánh tin lành | đạo tin lành | đạo cao đài | phật giáo hòa hảo"
        ),
    ),
    CueClass(
        "ethnic_work",
        "adjacent",
        1.5,
        "1: state work with ethnic minorities (công tác dân tộc, người có uy tín)",
        _p(
            """
            công tác dân tộc | chính sách dân tộc | ủy ban dân tộc | ban dân tộc
            bộ dân tộc | sở dân tộc | phòng dân tộc | người có uy tín | người uy tín | ncut
            tảo hôn | hôn nhân cận huyết
            """
        ),
    ),
    CueClass(
        "dialogue",
        "adjacent",
        1.5,
        "1: dialogue of Party secretaries and heads of government with the people",
        _p(
            """
            đối thoại với nhân dân | đối thoại với người dân | đối thoại trực tiếp với nhân dân
            đối thoại trực tiếp với người dân | đối thoại với bà con | đối thoại với thanh niên
            đối thoại với đoàn viên | đối thoại với hội viên | đối thoại với nông dân
            đối thoại với phụ nữ | đối thoại với công nhân | đối thoại với người lao động
            đối thoại với đồng bào | đối thoại với cán bộ | đối thoại với hộ dân
            đối thoại với các hộ | đối thoại với cựu chiến binh | đối thoại giữa người đứng đầu
            người đứng đầu cấp ủy | tiếp xúc, đối thoại | tiếp dân, đối thoại
            tiếp dân và đối thoại | hội nghị đối thoại | buổi đối thoại | diễn đàn đối thoại
            """
        ),
    ),
    CueClass(
        "ethnic_area",
        "adjacent",
        0.4,
        "1 only with more: ethnic-minority areas (also in economic news)",
        _p(
            "đồng bào dân tộc thiểu số | đồng bào dtts | vùng đồng bào | dtts | dân tộc thiểu số"
            " | già làng | già làng, trưởng bản"
        ),
    ),
    CueClass(
        "front",
        "adjacent",
        0.5,
        "1 only in its role: the Fatherland Front's name (its role words make front_role)",
        _p(
            """
            mặt trận tổ quốc | mttq | ubmttq | ub.mttq | mttqvn | ub.mttqvn | ubmttqvn
            ủy ban mặt trận
            mặt trận các cấp | mặt trận và các đoàn thể | mặt trận, các đoàn thể | mặt trận
            """
        ),
    ),
    CueClass(
        "front_title",
        "adjacent",
        0.2,
        "1 only with more: a Front official's title is who attended",
        _p(
            """
            chủ tịch ủy ban mttq | phó chủ tịch ủy ban mttq | chủ tịch ubmttq
            phó chủ tịch ubmttq | chủ tịch ủy ban mặt trận tổ quốc
            phó chủ tịch ủy ban mặt trận tổ quốc | chủ tịch mttq | phó chủ tịch mttq
            """
        ),
    ),
    CueClass(
        "mass_org",
        "adjacent",
        0.3,
        "1 only in their mobilising role: the socio-political organisations' names",
        _p(
            """
            công đoàn | liên đoàn lao động | đoàn thanh niên | tỉnh đoàn | thành đoàn
            huyện đoàn | trung ương đoàn | đoàn tncs | hội liên hiệp phụ nữ | hội lhpn
            hlhpn | hội phụ nữ | hội nông dân | hội cựu chiến binh | hội ccb
            các đoàn thể | đoàn thể chính trị | tổ chức chính trị - xã hội
            tổ chức chính trị-xã hội | chính trị - xã hội | cựu chiến binh | hội viên nông dân
            hội viên phụ nữ | đoàn viên thanh niên | đoàn viên công đoàn | chi hội
            đoàn tn | lđlđ | hội lhpn việt nam | đoàn thanh niên cộng sản hồ chí minh
            """
        ),
    ),
)

# --- parts: meaningful only next to each other (see COMBINATIONS) ------------------------

PARTS: tuple[CueClass, ...] = (
    CueClass(
        "role",
        "part",
        0.0,
        "the mobilising, supervising, emulating role of a mass organisation",
        _p(
            """
            giám sát | phản biện | tuyên truyền | phong trào | thi đua | cuộc vận động
            hội viên | đoàn viên | tập hợp | phát động | chung tay | ra quân | tình nguyện
            nông thôn mới | giảm nghèo | đô thị văn minh | đại đoàn kết | nắm tình hình
            dư luận | ý kiến, kiến nghị | lấy ý kiến | điển hình | tuyên dương | biểu dương
            vì người nghèo | giúp nhau | làm giàu | 5 không 3 sạch | 5 không, 3 sạch
            xây dựng gia đình | bình đẳng giới | bạo lực gia đình | khu dân cư | an sinh
            mô hình | hướng về cơ sở | chăm lo | nắm bắt | tâm tư, nguyện vọng
            tâm tư nguyện vọng | kiến nghị | hộ nghèo | người nghèo | hội viên nghèo
            """
        ),
    ),
    CueClass("verb_mobilise", "part", 0.0, "the verb 'vận động' (to mobilise)", _p("vận động")),
    CueClass(
        "site_clearance",
        "part",
        0.0,
        "site clearance: 2 only when people are shown being persuaded",
        _p(
            """
            giải phóng mặt bằng | gpmb | bàn giao mặt bằng | thu hồi đất | tái định cư
            bồi thường, hỗ trợ | di dời | giải tỏa | mặt bằng sạch | nhường đất
            """
        ),
    ),
    CueClass(
        "persuade",
        "part",
        0.0,
        "persuasion: convincing people rather than ordering",
        _p(
            """
            thuyết phục | đồng thuận | đồng tình | tự nguyện | kiên trì | đến từng nhà
            đến từng hộ | gặp gỡ từng hộ | vui vẻ | đồng lòng
            """
        ),
    ),
    CueClass(
        "dialogue_word", "part", 0.0, "the word 'đối thoại'", _p("đối thoại | đối thoại trực tiếp")
    ),
    CueClass(
        "chairs",
        "part",
        0.0,
        "who chairs or leads an event is who holds it",
        _p("chủ trì | đồng chủ trì | dẫn đầu | làm trưởng đoàn | trưởng đoàn"),
    ),
    CueClass(
        "party_head",
        "part",
        0.0,
        "a Party secretary or head of a committee (who holds the dialogue)",
        _p("bí thư | người đứng đầu | chủ tịch ubnd | chủ tịch ủy ban nhân dân"),
    ),
    CueClass(
        "company",
        "part",
        0.0,
        "a company or business (charity run with companies is 0)",
        _p(
            """
            công ty | doanh nghiệp | tập đoàn | nhãn hàng | doanh nhân | clb doanh nhân
            ngân hàng | tnhh | cổ phần | thương hiệu | nhà tài trợ | quỹ từ thiện
            """
        ),
    ),
    CueClass(
        "charity",
        "part",
        0.0,
        "gifts and scholarships",
        _p(
            """
            học bổng | trao tặng | tặng quà | suất quà | phần quà | tài trợ | từ thiện
            ủng hộ | trao quà
            """
        ),
    ),
)

# --- traps: other topics that share the words ---------------------------------------------

TRAPS: tuple[CueClass, ...] = (
    CueClass(
        "sport",
        "trap",
        -3.0,
        "0: sport ('vận động viên' is an athlete)",
        _p(
            """
            vận động viên | vđv | bóng đá | cầu thủ | huy chương | sea games | olympic
            giải vô địch | vô địch | đội tuyển | tỷ số | bàn thắng | trận đấu | huấn luyện viên
            hlv | champions league | v-league | ngoại hạng anh | thể thao
            """
        ),
    ),
    CueClass(
        "lobbying",
        "trap",
        -3.0,
        "0: 'vận động' in other senses (lobbying, election campaigning)",
        _p("vận động hành lang | vận động tranh cử | tranh cử | vận động bầu cử"),
    ),
    CueClass(
        "exercise",
        "trap",
        -2.5,
        "0: 'vận động' as physical exercise and health",
        _p(
            """
            tập vận động | bài tập vận động | vận động cơ thể | vận động nhẹ | ít vận động
            vận động thường xuyên | vận động thể chất | vận động thể lực | rối loạn vận động
            khả năng vận động | hệ vận động | chức năng vận động | vận động mạnh
            vận động trị liệu | thể dục | bài tập | đau lưng | bác sĩ | bệnh nhân | cột sống
            """
        ),
    ),
    CueClass(
        "markets",
        "trap",
        -2.0,
        "0: ordinary news: markets, prices, business",
        _p(
            """
            chứng khoán | cổ phiếu | vn-index | giá vàng | lãi suất | tỷ giá | bất động sản
            căn hộ | nhà đầu tư | margin | cổ tức | doanh thu | lợi nhuận | trái phiếu
            giá xăng | lạm phát | chỉ số giá | giá bán | thị trường | niêm yết
            """
        ),
    ),
    CueClass(
        "party_building",
        "trap",
        -1.5,
        "0: Party building, congresses and personnel",
        _p(
            """
            đại hội đại biểu đảng bộ | đại hội đảng bộ | đại hội đại biểu toàn quốc
            đại hội đảng | phiên trù bị | bí thư tỉnh ủy mới | tân bí thư | tái đắc cử
            kiện toàn | bầu ban chấp hành | công tác nhân sự | công tác cán bộ
            chỉnh đốn đảng | kết nạp đảng viên | công tác đảng, công tác chính trị
            công tác đảng | văn kiện đại hội | tổng cục chính trị | sinh hoạt chi bộ
            xây dựng đảng | tổ chức cơ sở đảng | từ đại hội đến đại hội
            """
        ),
    ),
    CueClass(
        "discipline",
        "trap",
        -2.5,
        "0: Party discipline and inspection",
        _p(
            """
            kỷ luật | ủy ban kiểm tra | ubkt | cảnh cáo | khiển trách | cách chức | khai trừ
            """
        ),
    ),
    CueClass(
        "corruption",
        "trap",
        -2.0,
        "0: anti-corruption and criminal cases",
        _p(
            """
            tham nhũng | lãng phí | khởi tố | bị can | bị cáo | vụ án | xét xử | tòa án
            thắng kiện | lừa đảo | tạm giam | truy tố
            """
        ),
    ),
    CueClass(
        "propaganda",
        "trap",
        -1.5,
        "0: propaganda (tuyên giáo) not about dân vận",
        _p(
            """
            ban tuyên giáo | tuyên giáo | công tác tư tưởng | thông tin, tuyên truyền
            định hướng thông tin | định hướng công tác thông tin | báo chí | phóng viên
            nền tảng tư tưởng | học tập và làm theo | lý luận chính trị
            báo cáo viên | tuyên truyền miệng | tâm trạng, tư tưởng
            """
        ),
    ),
    CueClass(
        "legislature",
        "trap",
        -1.5,
        "0: National Assembly, People's Councils, elections",
        _p(
            """
            quốc hội | đbqh | đại biểu quốc hội | kỳ họp | hđnd | hội đồng nhân dân
            bầu cử | cử tri | tiếp xúc cử tri | ứng cử | hiệp thương | thẩm tra | biểu quyết
            tờ trình | dự thảo luật | ngày hội toàn dân
            """
        ),
    ),
    CueClass(
        "government_economy",
        "trap",
        -1.5,
        "0: government socio-economic meetings",
        _p(
            """
            kinh tế - xã hội | kinh tế-xã hội | kt-xh | giải ngân | đầu tư công
            phiên họp thường kỳ | họp thường kỳ | ngân sách | điều hành giá | kiểm soát giá
            tăng trưởng | thu hút đầu tư | xuất khẩu | grdp | gdp | thu ngân sách | vốn đầu tư
            """
        ),
    ),
    CueClass(
        "military",
        "trap",
        -1.5,
        "0: military training and defence",
        _p(
            """
            huấn luyện | sẵn sàng chiến đấu | diễn tập | tác chiến | vũ khí | bắn đạn thật
            hành quân | quân sự | khí tài | công nghệ quân sự | chiến tranh
            """
        ),
    ),
    CueClass(
        "culture",
        "trap",
        -1.5,
        "0: ethnic-culture festivals, tourism, arts; 'Hồ Chí Minh' as a prize",
        _p(
            """
            lễ hội | du lịch | du khách | làng văn hóa | văn hóa các dân tộc | bản sắc văn hóa
            nghệ thuật | giải thưởng hồ chí minh | giải thưởng nhà nước | văn học | thi sĩ
            ca sĩ | nghệ sĩ | bộ phim | triển lãm | hội xuân
            """
        ),
    ),
    CueClass(
        "social_media",
        "trap",
        -2.0,
        "0: 'dân' in other senses and online stories (dân mạng, dân văn phòng)",
        _p(
            """
            dân mạng | dân văn phòng | dân công sở | dân chơi | mạng xã hội | facebook
            cư dân mạng | tiktok | showbiz
            """
        ),
    ),
    CueClass(
        "reception",
        "trap",
        -1.0,
        "0: a People's Committee chairman's routine citizen reception",
        _p("tiếp công dân định kỳ | tiếp công dân"),
    ),
    CueClass(
        "greetings_history",
        "trap_adjacent",
        -1.5,
        "0: a mass organisation's history and greetings are not its mobilising role",
        _p(
            """
            chúc mừng ngày | ngày thành lập | ngày phụ nữ việt nam | ngày quốc tế phụ nữ
            lịch sử | truyền thống vẻ vang
            """
        ),
    ),
)

# Longer phrases that contain a cue but mean something else.
IGNORED: tuple[CueClass, ...] = (
    CueClass(
        "ignore",
        "ignore",
        0.0,
        "'dân vận' inside 'người dân vận chuyển/vận hành...'",
        _p(
            """
            dân vận động | dân vận hành | dân vận chuyển | dân vận tải | dân vận dụng
            mặt trận tổ quốc vệ quốc | mặt trận điện biên | mặt trận phía | khối vận tải
            khối vận hành | lòng dân tộc | hợp tác chiến lược | công tác vận động tài trợ
            công tác vận động hiến máu | công tác vận động viên
            """
        ),
    ),
)

COMBINATIONS: tuple[Combination, ...] = (
    Combination(
        "mobilising_site_clearance",
        "core",
        2.5,
        "2: mobilising people for site clearance (only when the persuading is shown)",
        frozenset({"site_clearance"}),
        frozenset({"persuade", "verb_mobilise", "mobilising", "dan_van", "dialogue_word"}),
        160,
    ),
    Combination(
        "front_role",
        "adjacent",
        1.5,
        "1: the Fatherland Front in its mobilising, supervising or social-criticism role",
        frozenset({"front", "front_title"}),
        frozenset({"role", "verb_mobilise", "mobilising", "front_campaign"}),
        120,
    ),
    Combination(
        "mass_org_role",
        "adjacent",
        1.5,
        "1: a socio-political organisation in its mobilising role",
        frozenset({"mass_org"}),
        frozenset({"role", "verb_mobilise", "mobilising"}),
        120,
    ),
    Combination(
        "leader_dialogue",
        "adjacent",
        1.5,
        "1: dialogue of Party secretaries (and heads of government) with the people",
        frozenset({"party_head"}),
        frozenset({"dialogue_word"}),
        80,
    ),
    Combination(
        "ban_dan_van_chairs",
        "core",
        2.0,
        "2: an event the Ban Dân vận's leaders chair or lead (the Ban's own work)",
        frozenset({"dan_van_title"}),
        frozenset({"chairs"}),
        100,
    ),
    Combination(
        "front_chairs",
        "adjacent",
        1.5,
        "1: an event the Front's leaders chair or lead",
        frozenset({"front_title"}),
        frozenset({"chairs"}),
        100,
    ),
    Combination(
        "company_charity",
        "trap",
        -2.5,
        "0: charity by or with companies",
        frozenset({"company"}),
        frozenset({"charity"}),
        200,
    ),
)

ALL_CLASSES: tuple[CueClass, ...] = CORE + ADJACENT + PARTS + TRAPS + IGNORED
