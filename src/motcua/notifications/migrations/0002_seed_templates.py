"""The first texts of every notice, in Vietnamese and English; administrators edit them in the
admin (an SMS in Vietnamese with its diacritics carries 70 characters a part, unaccented 160:
a province that registered unaccented brandname texts with its carrier writes those here). A Zalo text is used once its ZNS template, approved at Zalo with the same parameters,
is named on it."""

from django.db import migrations

# kind: {language: {channel: (subject, body)}}
CITIZEN = {
    "received": {
        "vi": {
            "email": (
                "Hồ sơ {code} đã được tiếp nhận",
                "Kính gửi {applicant},\n\n{agency} đã tiếp nhận hồ sơ {code} của Ông/Bà về thủ tục “{procedure}” ngày {submitted_on}.\nNgày hẹn trả kết quả: {due_date}.\n\nÔng/Bà theo dõi tình trạng hồ sơ tại: {link}\n\nTrân trọng.",
            ),
            "sms": (
                "",
                "Hồ sơ {code} đã được tiếp nhận ngày {submitted_on}, hẹn trả kết quả ngày {due_date}. Tra cứu: {link}",
            ),
            "in_app": (
                "Hồ sơ đã được tiếp nhận",
                "Hồ sơ {code} về thủ tục “{procedure}” đã được tiếp nhận ngày {submitted_on}. Ngày hẹn trả kết quả: {due_date}.",
            ),
            "zalo": (
                "",
                "Hồ sơ {code} đã được tiếp nhận ngày {submitted_on}, hẹn trả kết quả ngày {due_date}.",
            ),
        },
        "en": {
            "email": (
                "Dossier {code} has been received",
                "Dear {applicant},\n\n{agency} received your dossier {code} for “{procedure}” on {submitted_on}.\nThe result is promised for {due_date}.\n\nFollow your dossier at: {link}\n\nKind regards.",
            ),
            "sms": (
                "",
                "Dossier {code} was received on {submitted_on}; result promised for {due_date}. Track it: {link}",
            ),
            "in_app": (
                "Dossier received",
                "Dossier {code} for “{procedure}” was received on {submitted_on}. The result is promised for {due_date}.",
            ),
            "zalo": (
                "",
                "Dossier {code} was received on {submitted_on}; result promised for {due_date}.",
            ),
        },
    },
    "supplement": {
        "vi": {
            "email": (
                "Hồ sơ {code} cần bổ sung",
                "Kính gửi {applicant},\n\nHồ sơ {code} về thủ tục “{procedure}” cần được bổ sung, hoàn thiện:\n{items}\n\n{reason}\n\nÔng/Bà bổ sung hồ sơ trực tuyến tại: {link}\nThời gian chờ bổ sung không tính vào thời hạn giải quyết.\n\nTrân trọng.",
            ),
            "sms": ("", "Hồ sơ {code} cần bổ sung: {items}. Bổ sung trực tuyến tại: {link}"),
            "in_app": (
                "Hồ sơ cần bổ sung",
                "Hồ sơ {code} cần bổ sung: {items}. {reason}",
            ),
            "zalo": ("", "Hồ sơ {code} cần bổ sung: {items}."),
        },
        "en": {
            "email": (
                "Dossier {code} needs a supplement",
                "Dear {applicant},\n\nYour dossier {code} for “{procedure}” needs to be completed:\n{items}\n\n{reason}\n\nAdd the documents online at: {link}\nThe time waiting for your supplement does not count against the deadline.\n\nKind regards.",
            ),
            "sms": ("", "Dossier {code} needs a supplement: {items}. Add it online: {link}"),
            "in_app": (
                "Supplement requested",
                "Dossier {code} needs a supplement: {items}. {reason}",
            ),
            "zalo": ("", "Dossier {code} needs a supplement: {items}."),
        },
    },
    "new_date": {
        "vi": {
            "email": (
                "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}",
                "Kính gửi {applicant},\n\n{agency} xin lỗi Ông/Bà vì hồ sơ {code} về thủ tục “{procedure}” chưa được giải quyết đúng hạn.\nLý do: {reason}\nNgày hẹn trả kết quả mới: {due_date}.\n\nMong Ông/Bà thông cảm. Theo dõi hồ sơ tại: {link}\n\nTrân trọng.",
            ),
            "sms": (
                "",
                "Xin lỗi Ông/Bà: hồ sơ {code} chưa được giải quyết đúng hạn. Hẹn trả kết quả ngày {due_date}. Chi tiết: {link}",
            ),
            "in_app": (
                "Thư xin lỗi và hẹn lại ngày trả kết quả",
                "{agency} xin lỗi vì hồ sơ {code} chưa được giải quyết đúng hạn. Lý do: {reason}. Ngày hẹn trả kết quả mới: {due_date}.",
            ),
            "zalo": (
                "",
                "Hồ sơ {code} chưa được giải quyết đúng hạn; ngày hẹn trả kết quả mới: {due_date}.",
            ),
        },
        "en": {
            "email": (
                "Apology and new date for dossier {code}",
                "Dear {applicant},\n\n{agency} apologises that your dossier {code} for “{procedure}” has not been decided on time.\nReason: {reason}\nThe new date for the result: {due_date}.\n\nThank you for your patience. Follow your dossier at: {link}\n\nKind regards.",
            ),
            "sms": (
                "",
                "We apologise: dossier {code} is late. The result is now promised for {due_date}. Details: {link}",
            ),
            "in_app": (
                "Apology and new date",
                "{agency} apologises that dossier {code} was not decided on time. Reason: {reason}. New date for the result: {due_date}.",
            ),
            "zalo": ("", "Dossier {code} is late; the result is now promised for {due_date}."),
        },
    },
    "result": {
        "vi": {
            "email": (
                "Hồ sơ {code} đã có kết quả",
                "Kính gửi {applicant},\n\nHồ sơ {code} về thủ tục “{procedure}” đã có kết quả.\nÔng/Bà nhận kết quả trực tuyến tại: {link}, hoặc tại {agency}.\n\nTrân trọng.",
            ),
            "sms": ("", "Hồ sơ {code} đã có kết quả. Nhận kết quả trực tuyến tại: {link}"),
            "in_app": (
                "Hồ sơ đã có kết quả",
                "Hồ sơ {code} về thủ tục “{procedure}” đã có kết quả. Ông/Bà nhận kết quả trực tuyến hoặc tại {agency}.",
            ),
            "zalo": ("", "Hồ sơ {code} đã có kết quả."),
        },
        "en": {
            "email": (
                "The result of dossier {code} is ready",
                "Dear {applicant},\n\nThe result of your dossier {code} for “{procedure}” is ready.\nReceive it online at: {link}, or at {agency}.\n\nKind regards.",
            ),
            "sms": ("", "The result of dossier {code} is ready. Receive it online: {link}"),
            "in_app": (
                "Result ready",
                "The result of dossier {code} for “{procedure}” is ready. Receive it online or at {agency}.",
            ),
            "zalo": ("", "The result of dossier {code} is ready."),
        },
    },
    "payment": {
        "vi": {
            "email": (
                "Hồ sơ {code}: phí, lệ phí cần nộp",
                "Kính gửi {applicant},\n\nHồ sơ {code} về thủ tục “{procedure}” có phí, lệ phí cần nộp: {amount}.\n{reason}\nÔng/Bà thanh toán trực tuyến tại: {link}, hoặc nộp tại {agency}.\n\nTrân trọng.",
            ),
            "sms": ("", "Hồ sơ {code} cần nộp phí, lệ phí {amount}. Thanh toán trực tuyến: {link}"),
            "in_app": (
                "Phí, lệ phí cần nộp",
                "Hồ sơ {code} có phí, lệ phí cần nộp: {amount}. {reason}",
            ),
            "zalo": ("", "Hồ sơ {code} có phí, lệ phí cần nộp: {amount}."),
        },
        "en": {
            "email": (
                "Dossier {code}: fees to pay",
                "Dear {applicant},\n\nYour dossier {code} for “{procedure}” has fees to pay: {amount}.\n{reason}\nPay online at: {link}, or at {agency}.\n\nKind regards.",
            ),
            "sms": ("", "Dossier {code} has fees to pay: {amount}. Pay online: {link}"),
            "in_app": ("Fees to pay", "Dossier {code} has fees to pay: {amount}. {reason}"),
            "zalo": ("", "Dossier {code} has fees to pay: {amount}."),
        },
    },
}

# Officials: on the site and by e-mail; the same words serve both.
OFFICIAL = {
    "assigned": {
        "vi": (
            "Hồ sơ {code} được giao cho bạn",
            "Hồ sơ {code} về thủ tục “{procedure}” của {applicant} được giao cho bạn xử lý. Hạn trả kết quả: {due_date}.\n{link}",
        ),
        "en": (
            "Dossier {code} is assigned to you",
            "Dossier {code} for “{procedure}” from {applicant} is assigned to you. Result due on {due_date}.\n{link}",
        ),
    },
    "arrived": {
        "vi": (
            "Hồ sơ {code} đang chờ bạn xử lý",
            "Hồ sơ {code} về thủ tục “{procedure}” của {applicant} đang chờ bạn xử lý. Hạn trả kết quả: {due_date}.\n{link}",
        ),
        "en": (
            "Dossier {code} is waiting for you",
            "Dossier {code} for “{procedure}” from {applicant} is waiting for you. Result due on {due_date}.\n{link}",
        ),
    },
    "transferred": {
        "vi": (
            "Hồ sơ {code} được chuyển đến cơ quan bạn",
            "{agency} đã chuyển hồ sơ {code} về thủ tục “{procedure}” đến cơ quan bạn để giải quyết. Hạn trả kết quả: {due_date}.\n{link}",
        ),
        "en": (
            "Dossier {code} transferred to your agency",
            "{agency} transferred dossier {code} for “{procedure}” to your agency to decide. Result due on {due_date}.\n{link}",
        ),
    },
    "deadline": {
        "vi": (
            "Hồ sơ {code} sắp đến hạn",
            "Hồ sơ {code} về thủ tục “{procedure}” đến hạn trả kết quả ngày {due_date}. Nếu không kịp, cần có thư xin lỗi và hẹn lại ngày trả kết quả trước ngày hẹn.\n{link}",
        ),
        "en": (
            "Dossier {code} is due soon",
            "Dossier {code} for “{procedure}” is due on {due_date}. If it cannot be decided in time, an apology with a new date must be signed before then.\n{link}",
        ),
    },
}


def rows():
    for kind, languages in CITIZEN.items():
        for language, texts in languages.items():
            for channel, (subject, body) in texts.items():
                yield kind, channel, language, subject, body
    for kind, languages in OFFICIAL.items():
        for language, (subject, body) in languages.items():
            for channel in ("in_app", "email"):
                yield kind, channel, language, subject, body


def seed(apps, schema_editor):
    Template = apps.get_model("notifications", "Template")
    for kind, channel, language, subject, body in rows():
        Template.objects.update_or_create(
            kind=kind,
            channel=channel,
            language=language,
            defaults={"subject": subject, "body": body},
        )


def unseed(apps, schema_editor):
    apps.get_model("notifications", "Template").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
