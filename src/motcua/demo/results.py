"""The demo's result wordings for the procedures people use most, and the forms they fill in.

Each wording follows the paper its procedure really issues (the civil status books' forms of
Circular 04/2020/TT-BTP, the certification of Decree 23/2015/NĐ-CP, the judicial record form
of Circular 06/2013/TT-BTP) in the layout of Decree 30/2020; every other procedure issues the
generic notice of the result.
"""

from __future__ import annotations

from typing import Any

from motcua.catalog.models import Procedure, ResultTemplate

BIRTH = "Đăng ký khai sinh"
MARRIAGE = "Đăng ký kết hôn"
COPY_CERTIFICATION = (
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan tổ chức có thẩm quyền của "
    "Việt Nam cấp hoặc chứng nhận"
)
JUDICIAL_RECORD = (
    "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam"
)
SEXES = ["Nam", "Nữ"]


def _text(name: str, label: str, required: bool = True, **extra: Any) -> dict[str, Any]:
    return {"name": name, "label": label, "type": "text", "required": required, **extra}


def _date(name: str, label: str) -> dict[str, Any]:
    return {"name": name, "label": label, "type": "date", "required": True}


PHONE = _text("dien_thoai", "Số điện thoại liên hệ", validator="phone")

BIRTH_FORM = [
    _text("ho_ten", "Họ, chữ đệm, tên người được khai sinh"),
    {
        "name": "gioi_tinh",
        "label": "Giới tính",
        "type": "radio",
        "required": True,
        "choices": SEXES,
    },
    _date("ngay_sinh", "Ngày, tháng, năm sinh"),
    _text("noi_sinh", "Nơi sinh"),
    _text("dan_toc", "Dân tộc"),
    _text("quoc_tich", "Quốc tịch"),
    _text("que_quan", "Quê quán"),
    _text("ho_ten_me", "Họ, chữ đệm, tên người mẹ"),
    _text("nam_sinh_me", "Năm sinh của người mẹ"),
    _text("noi_cu_tru_me", "Nơi cư trú của người mẹ"),
    _text("ho_ten_cha", "Họ, chữ đệm, tên người cha", required=False),
    _text("nam_sinh_cha", "Năm sinh của người cha", required=False),
    _text("noi_cu_tru_cha", "Nơi cư trú của người cha", required=False),
    _text("nguoi_di_khai_sinh", "Họ, chữ đệm, tên người đi khai sinh"),
    _text("quan_he", "Quan hệ với người được khai sinh"),
    _text("cccd_nguoi_di_khai", "Số CCCD người đi khai sinh", validator="cccd"),
    PHONE,
]

COPY_CERTIFICATION_FORM = [
    _text("ho_ten", "Họ và tên người yêu cầu chứng thực"),
    _text("so_cccd", "Số CCCD", validator="cccd"),
    _text("ten_giay_to", "Tên giấy tờ, văn bản cần chứng thực"),
    _text("so_ky_hieu", "Số, ký hiệu của giấy tờ", required=False),
    _text("co_quan_cap", "Cơ quan cấp bản chính"),
    _date("ngay_cap_ban_chinh", "Ngày cấp bản chính"),
    {
        "name": "so_ban",
        "label": "Số bản sao cần chứng thực",
        "type": "integer",
        "required": True,
        "internal": True,
    },
    PHONE,
]

JUDICIAL_RECORD_FORM = [
    _text("ho_ten", "Họ và tên"),
    {
        "name": "gioi_tinh",
        "label": "Giới tính",
        "type": "radio",
        "required": True,
        "choices": SEXES,
    },
    _date("ngay_sinh", "Ngày, tháng, năm sinh"),
    _text("noi_sinh", "Nơi sinh"),
    _text("quoc_tich", "Quốc tịch"),
    _text("noi_cu_tru", "Nơi thường trú"),
    _text("so_cccd", "Số CCCD", validator="cccd"),
    _text("ho_ten_cha", "Họ và tên cha"),
    _text("ho_ten_me", "Họ và tên mẹ"),
    _text("ho_ten_vo_chong", "Họ và tên vợ hoặc chồng", required=False),
    {
        "name": "xac_nhan_cam",
        "label": "Yêu cầu xác nhận về việc cấm đảm nhiệm chức vụ, "
        "thành lập, quản lý doanh nghiệp, hợp tác xã",
        "type": "checkbox",
        "required": False,
    },
    {
        "name": "muc_dich",
        "label": "Mục đích sử dụng Phiếu",
        "type": "select",
        "required": True,
        "choices": ["Bổ sung hồ sơ xin việc", "Xuất khẩu lao động", "Du học", "Mục đích khác"],
    },
    {
        "name": "so_ban",
        "label": "Số lượng Phiếu yêu cầu cấp",
        "type": "integer",
        "required": True,
        "internal": True,
    },
    PHONE,
    # What the Department of Justice finds in the judicial record database: the specialist's.
    {
        "name": "an_tich",
        "label": "Tình trạng án tích",
        "type": "textarea",
        "required": True,
        "official": True,
        "help_text": "Ghi theo cơ sở dữ liệu lý lịch tư pháp, ví dụ: Không có án tích.",
    },
    {
        "name": "cam_dam_nhiem",
        "label": "Thông tin về việc cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, "
        "hợp tác xã",
        "type": "textarea",
        "required": True,
        "official": True,
        "help_text": "Ghi “Không bị cấm” hoặc nội dung bị cấm; “Không yêu cầu xác nhận” khi "
        "người nộp không yêu cầu.",
    },
]

# The forms of the well-known procedures whose paper is printed from its answers (the marriage
# form is in `province.WELL_KNOWN`): they fill in the result, online or at the desk.
FORMS: dict[str, list[dict[str, Any]]] = {
    BIRTH: BIRTH_FORM,
    COPY_CERTIFICATION: COPY_CERTIFICATION_FORM,
    JUDICIAL_RECORD: JUDICIAL_RECORD_FORM,
}

WORDINGS: dict[str, dict[str, str]] = {
    MARRIAGE: {
        "document_type": "Giấy chứng nhận kết hôn",
        "symbol": "ĐKKH",
        "body": (
            "Họ, chữ đệm, tên chồng: {{ ho_ten_chong|upper }}\n"
            "Ngày, tháng, năm sinh: {{ ngay_sinh_chong }}\n"
            "Giấy tờ tùy thân: Căn cước công dân số {{ cccd_chong }}\n\n"
            "Họ, chữ đệm, tên vợ: {{ ho_ten_vo|upper }}\n"
            "Ngày, tháng, năm sinh: {{ ngay_sinh_vo }}\n"
            "Giấy tờ tùy thân: Căn cước công dân số {{ cccd_vo }}\n\n"
            "Đã đăng ký kết hôn tại {{ co_quan }}, {{ ngay_cap|ngay_thang_nam }}, "
            "số đăng ký {{ ma_ho_so }}.\n\n"
            "Hai bên đã tự nguyện kết hôn, đủ điều kiện kết hôn theo quy định của Luật Hôn nhân "
            "và gia đình."
        ),
        "recipients": "- Ông {{ ho_ten_chong }} và bà {{ ho_ten_vo }};\n- Lưu: Sổ đăng ký kết hôn.",
    },
    BIRTH: {
        "document_type": "Giấy khai sinh",
        "symbol": "ĐKKS",
        "body": (
            "Họ, chữ đệm, tên: {{ ho_ten|upper }}\n"
            "Ngày, tháng, năm sinh: {{ ngay_sinh }} ({{ ngay_sinh|ngay_thang_nam }})\n"
            "Giới tính: {{ gioi_tinh }}    Dân tộc: {{ dan_toc }}    Quốc tịch: {{ quoc_tich }}\n"
            "Nơi sinh: {{ noi_sinh }}\n"
            "Quê quán: {{ que_quan }}\n\n"
            "Họ, chữ đệm, tên người mẹ: {{ ho_ten_me }}    Năm sinh: {{ nam_sinh_me }}\n"
            "Nơi cư trú: {{ noi_cu_tru_me }}\n\n"
            'Họ, chữ đệm, tên người cha: {{ ho_ten_cha|default:"—" }}    '
            'Năm sinh: {{ nam_sinh_cha|default:"—" }}\n'
            'Nơi cư trú: {{ noi_cu_tru_cha|default:"—" }}\n\n'
            "Người đi khai sinh: {{ nguoi_di_khai_sinh }} ({{ quan_he }}), "
            "Căn cước công dân số {{ cccd_nguoi_di_khai }}\n"
            "Nơi đăng ký khai sinh: {{ co_quan }}\n"
            "Ngày, tháng, năm đăng ký: {{ ngay_cap }}"
        ),
        "recipients": "- Người đi khai sinh;\n- Lưu: Sổ đăng ký khai sinh.",
    },
    COPY_CERTIFICATION: {
        "document_type": "Lời chứng chứng thực bản sao đúng với bản chính",
        "symbol": "SCT/BS",
        "body": (
            "Chứng thực bản sao này đúng với bản chính.\n\n"
            "Giấy tờ, văn bản được chứng thực: {{ ten_giay_to }}, "
            'số, ký hiệu: {{ so_ky_hieu|default:"không có" }}, do {{ co_quan_cap }} cấp '
            "ngày {{ ngay_cap_ban_chinh }}.\n\n"
            "Người yêu cầu chứng thực: {{ ho_ten }}, Căn cước công dân số {{ so_cccd }}.\n\n"
            "Số chứng thực: {{ ma_ho_so }}, Quyển số 01-SCT/BS."
        ),
        "recipients": "- Ông/bà {{ ho_ten }};\n- Lưu: Sổ chứng thực bản sao.",
        "signer_position": "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
    },
    JUDICIAL_RECORD: {
        "document_type": "Phiếu lý lịch tư pháp số 1",
        "symbol": "STP-LLTP",
        "body": (
            "Căn cứ Luật Lý lịch tư pháp ngày 17 tháng 6 năm 2009; theo yêu cầu của ông/bà "
            "{{ ho_ten }}, {{ co_quan }} xác nhận:\n\n"
            "Họ và tên: {{ ho_ten|upper }}    Giới tính: {{ gioi_tinh }}\n"
            "Ngày, tháng, năm sinh: {{ ngay_sinh }}    Nơi sinh: {{ noi_sinh }}\n"
            "Quốc tịch: {{ quoc_tich }}\n"
            "Nơi thường trú: {{ noi_cu_tru }}\n"
            "Giấy tờ tùy thân: Căn cước công dân số {{ so_cccd }}\n"
            "Họ và tên cha: {{ ho_ten_cha }}\n"
            "Họ và tên mẹ: {{ ho_ten_me }}\n"
            'Họ và tên vợ/chồng: {{ ho_ten_vo_chong|default:"—" }}\n\n'
            "Án tích: {{ an_tich }}\n\n"
            "Yêu cầu xác nhận về việc cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, "
            "hợp tác xã: {{ xac_nhan_cam }}.\n"
            "Thông tin về việc cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác "
            "xã: {{ cam_dam_nhiem }}\n"
            "Mục đích sử dụng Phiếu: {{ muc_dich }}."
        ),
        "recipients": "- Ông/bà {{ ho_ten }};\n- Lưu: VT, hồ sơ lý lịch tư pháp.",
        "signer_position": "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC",
    },
}


def build_result_templates() -> int:
    """Give the well-known procedures their wording, checked as the admin checks it."""
    made = 0
    for procedure in Procedure.objects.filter(name__in=WORDINGS):
        template = ResultTemplate(procedure=procedure, **WORDINGS[procedure.name])
        template.full_clean()
        template.save()
        made += 1
    return made
