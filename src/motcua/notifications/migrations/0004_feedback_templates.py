"""The first texts of the notices about feedback, in Vietnamese and English: the sender hears
of the answer, the refusal (with its reason) or the question asked (in {reason}); the agency's
officials of new feedback and of an answer due soon. Administrators edit them in the admin."""

from django.db import migrations

# kind: {language: {channel: (subject, body)}}
SENDER = {
    "fb_answered": {
        "vi": {
            "email": (
                "Phản ánh, kiến nghị {code} đã được trả lời",
                "Kính gửi {applicant},\n\n{agency} đã trả lời phản ánh, kiến nghị {code} của Ông/Bà về “{procedure}”:\n\n{reason}\n\nÔng/Bà xem và đánh giá câu trả lời tại: {link}\n\nTrân trọng.",
            ),
            "sms": ("", "Phản ánh {code} đã được {agency} trả lời. Xem và đánh giá tại: {link}"),
            "in_app": (
                "Phản ánh đã được trả lời",
                "{agency} đã trả lời phản ánh {code}: {reason}",
            ),
        },
        "en": {
            "email": (
                "Your feedback {code} has been answered",
                "Dear {applicant},\n\n{agency} has answered your feedback {code} about “{procedure}”:\n\n{reason}\n\nRead and rate the answer at: {link}\n\nKind regards.",
            ),
            "sms": ("", "Your feedback {code} was answered by {agency}. Read and rate it: {link}"),
            "in_app": ("Feedback answered", "{agency} answered your feedback {code}: {reason}"),
        },
    },
    "fb_refused": {
        "vi": {
            "email": (
                "Phản ánh, kiến nghị {code} không được xử lý",
                "Kính gửi {applicant},\n\n{agency} thông báo phản ánh, kiến nghị {code} của Ông/Bà về “{procedure}” không thuộc phạm vi xử lý.\nLý do: {reason}\n\nChi tiết tại: {link}\n\nTrân trọng.",
            ),
            "sms": ("", "Phản ánh {code} không được xử lý. Lý do: {reason}"),
            "in_app": (
                "Phản ánh không được xử lý",
                "Phản ánh {code} không được xử lý. Lý do: {reason}",
            ),
        },
        "en": {
            "email": (
                "Your feedback {code} will not be handled",
                "Dear {applicant},\n\n{agency} will not handle your feedback {code} about “{procedure}”.\nReason: {reason}\n\nDetails at: {link}\n\nKind regards.",
            ),
            "sms": ("", "Your feedback {code} will not be handled. Reason: {reason}"),
            "in_app": (
                "Feedback not handled",
                "Your feedback {code} will not be handled. Reason: {reason}",
            ),
        },
    },
    "fb_info": {
        "vi": {
            "email": (
                "Phản ánh, kiến nghị {code} cần bổ sung thông tin",
                "Kính gửi {applicant},\n\nĐể xử lý phản ánh, kiến nghị {code} về “{procedure}”, {agency} đề nghị Ông/Bà cung cấp thêm thông tin:\n\n{reason}\n\nÔng/Bà trả lời tại: {link}\nThời hạn trả lời phản ánh được tính tiếp từ ngày Ông/Bà bổ sung.\n\nTrân trọng.",
            ),
            "sms": ("", "Phản ánh {code} cần bổ sung thông tin: {reason}. Trả lời tại: {link}"),
            "in_app": (
                "Phản ánh cần bổ sung thông tin",
                "Phản ánh {code} cần bổ sung thông tin: {reason}",
            ),
        },
        "en": {
            "email": (
                "Your feedback {code} needs more information",
                "Dear {applicant},\n\nTo handle your feedback {code} about “{procedure}”, {agency} asks for more information:\n\n{reason}\n\nReply at: {link}\nThe time to answer runs again from the day you reply.\n\nKind regards.",
            ),
            "sms": ("", "Your feedback {code} needs more information: {reason}. Reply: {link}"),
            "in_app": (
                "More information asked",
                "Your feedback {code} needs more information: {reason}",
            ),
        },
    },
}
# kind: {language: (subject, body)}, on the site and by e-mail.
OFFICIALS = {
    "fb_new": {
        "vi": (
            "Phản ánh, kiến nghị mới {code}",
            "Cơ quan nhận được phản ánh, kiến nghị {code} về “{procedure}” ngày {submitted_on}, hạn trả lời {due_date}.\n{link}",
        ),
        "en": (
            "New feedback {code}",
            "Your agency received feedback {code} about “{procedure}” on {submitted_on}; it must be answered by {due_date}.\n{link}",
        ),
    },
    "fb_due": {
        "vi": (
            "Phản ánh, kiến nghị {code} sắp đến hạn trả lời",
            "Phản ánh, kiến nghị {code} về “{procedure}” phải được trả lời trước hết ngày {due_date}.\n{link}",
        ),
        "en": (
            "Feedback {code} must be answered soon",
            "Feedback {code} about “{procedure}” must be answered by {due_date}.\n{link}",
        ),
    },
}


def rows():
    for kind, languages in SENDER.items():
        for language, texts in languages.items():
            for channel, (subject, body) in texts.items():
                yield kind, channel, language, subject, body
    for kind, languages in OFFICIALS.items():
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
    kinds = [*SENDER, *OFFICIALS]
    apps.get_model("notifications", "Template").objects.filter(kind__in=kinds).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_feedback_notices")]

    operations = [migrations.RunPython(seed, unseed)]
