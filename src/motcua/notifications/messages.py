"""The words of a notice: an administrator's text with its placeholders filled for a dossier.

Texts are plain: `{code}` is replaced by the dossier code, and so on for the names in
PLACEHOLDERS; nothing else in braces is allowed (the admin refuses it), so a text can never
reach an attribute of the objects behind the values.
"""

from __future__ import annotations

import datetime
import string

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.dossiers.models import Dossier, Event
from motcua.feedback.models import Feedback
from motcua.notifications.models import Channel, Template

PLACEHOLDERS = {
    "code": gettext_lazy("the dossier code"),
    "procedure": gettext_lazy("the procedure's name"),
    "applicant": gettext_lazy("the applicant's name"),
    "agency": gettext_lazy("the receiving agency"),
    "submitted_on": gettext_lazy("the submission date, dd/mm/yyyy"),
    "due_date": gettext_lazy("the appointment date (the new one after an apology), dd/mm/yyyy"),
    "items": gettext_lazy("what a supplement request asks for"),
    "amount": gettext_lazy("the fees due"),
    "reason": gettext_lazy("the note of the step (a reason, an apology's explanation)"),
    "link": gettext_lazy("the address of the dossier's page"),
}


class TemplateError(ValueError):
    """A text with a placeholder not in PLACEHOLDERS, or unbalanced braces."""


def placeholders(text: str) -> list[str]:
    """The placeholders `text` uses, in order; TemplateError for anything else in braces."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise TemplateError(_("Braces must surround a placeholder: {code}.")) from error
    names = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise TemplateError(_("Unknown placeholder {%(name)s}.") % {"name": name})
        names.append(name)
    return names


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with its placeholders replaced by `values`."""
    return "".join(
        literal + (values.get(name, "") if name is not None else "")
        for literal, name, _spec, _conversion in string.Formatter().parse(text)
    )


def day(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return value.strftime("%d/%m/%Y")


def money(amount: int, language: str) -> str:
    grouped = f"{amount:,}"
    if language == "vi":
        return grouped.replace(",", ".") + " đồng"
    return grouped + " VND"


def values_for(dossier: Dossier, event: Event | None, language: str, official: bool) -> dict:
    """Every placeholder's value for `dossier`, in `language`; officials' links go to the back
    office's page of the dossier, the applicant's to their own."""
    supplement = dossier.supplements.order_by("-requested_at").first()
    page = "backoffice:dossier" if official else "dossiers:detail"
    with translation.override(language):
        return {
            "code": dossier.code or "",
            "procedure": dossier.procedure.name,
            "applicant": dossier.applicant_name,
            "agency": dossier.agency.name if dossier.agency else "",
            "submitted_on": day(dossier.submitted_at),
            "due_date": day(dossier.due_date),
            "items": "; ".join(supplement.items) if supplement else "",
            "amount": money(dossier.fee_amount, language),
            "reason": event.note if event else "",
            "link": settings.PUBLIC_URL + reverse(page, args=[dossier.code]),
        }


def feedback_values(feedback: Feedback, text: str, language: str, official: bool) -> dict:
    """The placeholders for a notice about feedback: {code} its code, {procedure} what it is
    about, {applicant} the sender, {agency} the agency handling it, {submitted_on} the day it
    was received, {due_date} the answer's date, {reason} the answer, the reason or the
    question. An anonymous sender's page opens only with the private link they were given
    (its key is not kept), so {link} names that link for them."""
    with translation.override(language):
        if official:
            link = settings.PUBLIC_URL + reverse("feedback:handling_detail", args=[feedback.code])
        elif feedback.author_id:
            link = settings.PUBLIC_URL + reverse("feedback:mine_detail", args=[feedback.code])
        else:
            link = _("the private link you were given when you sent it")
        return {
            "code": feedback.code,
            "procedure": feedback.about,
            "applicant": feedback.name,
            "agency": feedback.agency.name,
            "submitted_on": day(feedback.received_on),
            "due_date": day(feedback.answer_due),
            "items": "",
            "amount": "",
            "reason": text,
            "link": str(link),
        }


def template_for(kind: str, channel: str, language: str) -> Template | None:
    """The text of `kind` on `channel` in `language`, or in Vietnamese when that is missing."""
    found = {
        t.language: t
        for t in Template.objects.filter(
            kind=kind, channel=channel, language__in={language, settings.LANGUAGE_CODE}
        )
    }
    template = found.get(language) or found.get(settings.LANGUAGE_CODE)
    if template and channel == Channel.ZALO and not template.zns_template_id:
        return None
    return template
