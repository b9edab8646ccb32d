"""Who is told what, for each step of the workflow table: one table, read by services.notify;
and for each step of feedback, `FEEDBACK_RULES`, read by services.notify_feedback.

Citizens hear of their dossier's receipt, a supplement request, an apology with a new date,
the result and fees to pay, and of the answer, refusal or question on their feedback; officials
of new work at their desk and of new feedback for their agency. Each person is reached on the
channels they chose (Preference); the apology's new date must reach an online applicant by
e-mail or SMS (Decree 61/2018), whatever they chose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings

from motcua.accounts.models import AccountKind, Role, User
from motcua.dossiers.models import Dossier, Event, Status
from motcua.feedback.models import Feedback
from motcua.feedback.rules import HANDLING_ROLES
from motcua.notifications.models import Channel, Kind, Preference


@dataclass(frozen=True)
class Recipient:
    """A person to tell: an account, or the phone and e-mail written on a paper dossier."""

    user: User | None
    phone: str
    email: str
    language: str
    channels: frozenset[str]
    official: bool = False

    @property
    def ref(self) -> str:
        return f"u{self.user.pk}" if self.user else f"c{self.phone or self.email}"

    def address(self, channel: str) -> str:
        if channel == Channel.EMAIL:
            return self.email
        if channel in (Channel.SMS, Channel.ZALO):
            return self.phone
        return ""


def preference(user: User) -> Preference:
    """The person's choices, or the defaults until they make some (not saved)."""
    try:
        return user.notice_preference
    except Preference.DoesNotExist:
        return Preference(user=user)


def applicant(dossier: Dossier, kind: str) -> list[Recipient]:
    return citizen(dossier.applicant, dossier.applicant_phone, dossier.applicant_email, kind)


def citizen(user: User | None, phone: str, email: str, kind: str) -> list[Recipient]:
    """A citizen with their account's choices, or without one by SMS and e-mail to the phone
    and address they wrote, in Vietnamese."""
    phone = (user.phone if user else "") or phone
    email = (user.email if user else "") or email
    if user is None:
        chosen = {Channel.SMS, Channel.EMAIL}
        language = settings.LANGUAGE_CODE
    else:
        choice = preference(user)
        chosen = {c for c in Channel.values if getattr(choice, c)}
        language = choice.language
    reachable = {c for c in chosen if _reaches(c, user, phone, email)}
    if kind == Kind.NEW_DATE and not reachable & {Channel.EMAIL, Channel.SMS}:
        # The law's channels for the apology: SMS first, e-mail without a phone.
        reachable |= {Channel.SMS} if phone else ({Channel.EMAIL} if email else set())
    if not reachable:
        return []
    return [Recipient(user, phone or "", email or "", language, frozenset(reachable))]


def _reaches(channel: str, user: User | None, phone: str, email: str) -> bool:
    if channel == Channel.IN_APP:
        return user is not None
    return bool(email) if channel == Channel.EMAIL else bool(phone)


def official(user: User) -> Recipient:
    """Officials are told on the site and by e-mail, never by SMS (it costs)."""
    choice = preference(user)
    channels = {Channel.IN_APP}
    if choice.email and user.email:
        channels.add(Channel.EMAIL)
    return Recipient(user, "", user.email, choice.language, frozenset(channels), official=True)


def officials(agency_id: int | None, role: str) -> list[Recipient]:
    if agency_id is None:
        return []
    people = User.objects.filter(
        kind=AccountKind.OFFICIAL, agency_id=agency_id, role=role, is_active=True
    ).select_related("notice_preference")
    return [official(person) for person in people]


# Who: a function of the dossier and the event, answering the recipients for the kind.
Who = Callable[[Dossier, Event, str], Iterable[Recipient]]
# For feedback: a function of the feedback and the kind.
FeedbackWho = Callable[[Feedback, str], Iterable[Recipient]]


def _applicant(dossier: Dossier, event: Event, kind: str) -> list[Recipient]:
    return applicant(dossier, kind)


def _receiving_desk(dossier: Dossier, event: Event, kind: str) -> list[Recipient]:
    return officials(dossier.agency_id, Role.DESK_OFFICER)


def _deciding_desk(dossier: Dossier, event: Event, kind: str) -> list[Recipient]:
    return officials(dossier.deciding_agency_id, Role.DESK_OFFICER)


def _assignee(dossier: Dossier, event: Event, kind: str) -> list[Recipient]:
    return [official(dossier.assignee)] if dossier.assignee else []


def _heads(dossier: Dossier, event: Event, kind: str) -> list[Recipient]:
    return officials(dossier.deciding_agency_id, Role.HEAD_OF_DIVISION)


def _leaders(dossier: Dossier, event: Event, kind: str) -> list[Recipient]:
    return officials(dossier.deciding_agency_id, Role.LEADER)


def _supplement_asker(dossier: Dossier, event: Event, kind: str) -> list[Recipient]:
    asked = dossier.supplements.order_by("-requested_at").first()
    return [official(asked.requested_by)] if asked and asked.requested_by else []


def _fees_due(dossier: Dossier, event: Event) -> bool:
    return dossier.fee_amount > 0


def _registered(dossier: Dossier, event: Event) -> bool:
    """The desk's registration records two steps; the applicant hears of the second."""
    return event.to_status == Status.ACCEPTED


@dataclass(frozen=True)
class Rule:
    kind: str
    who: Who | FeedbackWho
    when: Callable[[Dossier, Event], bool] | None = None


RULES: dict[str, tuple[Rule, ...]] = {
    "submit": (
        Rule(Kind.RECEIVED, _applicant),
        Rule(Kind.PAYMENT, _applicant, _fees_due),
        Rule(Kind.ARRIVED, _receiving_desk),
    ),
    "register_at_desk": (Rule(Kind.RECEIVED, _applicant, _registered),),
    "request_supplement": (Rule(Kind.SUPPLEMENT, _applicant),),
    "answer_supplement": (Rule(Kind.ARRIVED, _supplement_asker),),
    "set_new_date": (Rule(Kind.NEW_DATE, _applicant),),
    "request_fees": (Rule(Kind.PAYMENT, _applicant),),
    "approve": (Rule(Kind.RESULT, _applicant),),
    "transfer": (Rule(Kind.TRANSFERRED, _deciding_desk),),
    "assign": (Rule(Kind.ASSIGNED, _assignee),),
    "send_for_review": (Rule(Kind.ARRIVED, _heads),),
    "submit_for_approval": (Rule(Kind.ARRIVED, _leaders),),
}


def recipients_of(dossier: Dossier, event: Event) -> list[tuple[str, Recipient]]:
    """(kind, recipient) for every notice the event gives; an official is not told of what
    they did themselves."""
    told = []
    for rule in RULES.get(event.action, ()):
        if rule.when is not None and not rule.when(dossier, event):
            continue
        for recipient in rule.who(dossier, event, rule.kind):
            if not (recipient.official and recipient.user.pk == event.actor_id):
                told.append((rule.kind, recipient))
    return told


# Feedback ----------------------------------------------------------------------------------


def _sender(feedback: Feedback, kind: str) -> list[Recipient]:
    """Who sent the feedback: their account, or the phone and e-mail they gave."""
    return citizen(feedback.author, feedback.phone, feedback.email, kind)


def feedback_handlers(feedback: Feedback, kind: str) -> list[Recipient]:
    """The officials of the agency concerned who handle feedback (rules.HANDLING_ROLES)."""
    return [
        person for role in sorted(HANDLING_ROLES) for person in officials(feedback.agency_id, role)
    ]


FEEDBACK_RULES: dict[str, tuple[Rule, ...]] = {
    "submit": (Rule(Kind.FEEDBACK_NEW, feedback_handlers),),
    "answer": (Rule(Kind.FEEDBACK_ANSWERED, _sender),),
    "refuse": (Rule(Kind.FEEDBACK_REFUSED, _sender),),
    "request_info": (Rule(Kind.FEEDBACK_INFO, _sender),),
}


def feedback_recipients_of(feedback: Feedback, action: str, actor) -> list[tuple[str, Recipient]]:
    """(kind, recipient) for every notice the feedback's step gives; an official is not told
    of what they did themselves."""
    actor_id = actor.pk if actor is not None else None
    return [
        (rule.kind, recipient)
        for rule in FEEDBACK_RULES.get(action, ())
        for recipient in rule.who(feedback, rule.kind)
        if not (recipient.official and recipient.user.pk == actor_id)
    ]
