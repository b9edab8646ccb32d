"""The demo province's dossiers of 1 January – 26 May 2020, made to the seed article's figures.

`plan.streams` says how many dossiers each group of agencies receives and how many of them
online; here they are shared among agencies and days, given procedures, applicants and lives,
and written in large batches. Everything is drawn from random generators seeded with fixed
strings: the same catalog always gives the same dossiers, to the last code and minute.
"""

from __future__ import annotations

import datetime
import gc
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings

from motcua.agencies.models import Agency, Kind, Tier
from motcua.catalog.models import Fee, Procedure
from motcua.demo import lifecycle, people, plan
from motcua.demo.bulk import insert
from motcua.demo.province import WELL_KNOWN
from motcua.dossiers.codes import format_code
from motcua.dossiers.models import (
    Channel,
    DailySequence,
    Dossier,
    Event,
    Rating,
    Satisfaction,
    Status,
    SupplementRequest,
)

SEED = "motcua-demo-2020"
# The working days a dossier's life may reach: the period and the months after it.
HORIZON = datetime.date(2020, 12, 31)

APPLICANTS = 90_000  # people who file the period's dossiers
USED = 0.55  # share of procedures that receive any dossier in the period
USED_ONLINE = 0.6  # share of those, when online, that receive online dossiers
# Sectors that bring far more dossiers than others (certifications, civil status, land).
SECTOR_DEMAND = {
    "Chứng thực": 30,
    "Hộ tịch": 12,
    "Đất đai": 10,
    "Thành lập và hoạt động của doanh nghiệp": 8,
    "Đường bộ": 8,
    "Lý lịch tư pháp": 8,
    "Thành lập và hoạt động của hộ kinh doanh": 6,
    "Công chứng": 4,
    "Bảo trợ xã hội": 4,
    "Người có công": 3,
    "Hoạt động xây dựng": 3,
    "Xây dựng": 3,
    "Khám bệnh, chữa bệnh": 3,
}
# How much a local unit receives, by kind, and how keen its people are to go online.
PLACE_VOLUME = {Kind.CITY: 20, Kind.TOWN: 12, Kind.WARD: 15, Kind.TOWNSHIP: 12}
PLACE_ONLINE = {Kind.CITY: 25, Kind.TOWN: 12, Kind.DISTRICT: 7, Kind.WARD: 40, Kind.TOWNSHIP: 10}
DEFAULT_VOLUME, DEFAULT_ONLINE = 10, 3
POSTED = {Tier.DEPARTMENT: 0.03, Tier.DISTRICT: 0.02, Tier.COMMUNE: 0.003}  # of paper dossiers

RATED = {Channel.ONLINE: 0.15, Channel.DESK: 0.03, Channel.POST: 0.02}  # of dossiers with a result
SATISFACTION = (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.DISSATISFIED)
SATISFACTION_WEIGHTS = {False: (60, 37, 3), True: (15, 50, 35)}  # on time, late
COMMENTS = {
    Satisfaction.VERY_SATISFIED: (
        "Cán bộ hướng dẫn tận tình, trả kết quả trước hẹn.",
        "Nộp hồ sơ nhanh gọn, không phải đi lại nhiều.",
    ),
    Satisfaction.SATISFIED: ("Giải quyết đúng hẹn.", "Thủ tục rõ ràng, dễ thực hiện."),
    Satisfaction.DISSATISFIED: (
        "Trả kết quả trễ hẹn so với phiếu hẹn.",
        "Phải đi lại nhiều lần để bổ sung giấy tờ.",
    ),
}
PAID_ONLINE = 0.45  # of online dossiers of level 4 services with fees
BANKS = ("NCB", "VIETCOMBANK", "VIETINBANK", "BIDV", "AGRIBANK", "TECHCOMBANK", "SACOMBANK")
MISSING = (
    "Bản sao giấy tờ tùy thân có chứng thực",
    "Tờ khai còn thiếu thông tin, đề nghị kê khai lại",
    "Văn bản ủy quyền có chứng thực",
    "Bản vẽ, sơ đồ có chữ ký xác nhận của người đề nghị",
    "Giấy tờ chứng minh điều kiện theo quy định",
)
ANSWER = "Đã bổ sung giấy tờ theo yêu cầu."


@dataclass(frozen=True)
class Offer:
    """A procedure as the generator needs it, with how many dossiers it tends to draw."""

    id: int
    code: str
    level: int
    days: int
    fee: int
    fee_per_copy: int
    copies_field: str
    demand: int
    online_demand: int
    # The agency that decides it when it is received at a desk for others (the Service Center).
    decider: int | None = None


@dataclass
class Place:
    """An agency that receives dossiers, the procedures it receives and its pull."""

    id: int
    code: str
    tier: str
    offers: list[Offer]
    volume: int = 0
    online_volume: int = 0
    # A one-stop desk receiving for the agencies that decide (the Service Center).
    for_others: bool = False

    def decider_of(self, offer: Offer) -> int:
        return offer.decider if self.for_others and offer.decider else self.id


@dataclass
class Generated:
    """The rows to write, in the column order of `insert`, keyed by dossier code."""

    dossiers: list[tuple] = field(default_factory=list)
    sequences: dict[tuple[int, datetime.date], int] = field(default_factory=dict)
    events: list[tuple] = field(default_factory=list)
    supplements: list[tuple] = field(default_factory=list)
    ratings: list[tuple] = field(default_factory=list)
    payments: list[tuple] = field(default_factory=list)


DOSSIER_FIELDS = (
    "code",
    "procedure_id",
    "agency_id",
    "decider_id",
    "for_another_agency",
    "transferred_at",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "channel",
    "status",
    "form_data",
    "submitted_at",
    "due_date",
    "accepted_at",
    "finished_at",
    "returned_at",
    "delivery",
    "supplement_count",
    "fee_amount",
    "created_at",
    "updated_at",
)

# A paid online payment (motcua.payments), made only when that app is installed.
PAYMENT_FIELDS = (
    "dossier_id",
    "provider",
    "reference",
    "amount",
    "status",
    "created_at",
    "expires_at",
    "paid_at",
    "provider_transaction",
    "bank_code",
    "response_code",
    "updated_at",
)


def build_dossiers() -> int:
    """Generate and write the period's dossiers; answer how many there are."""
    with _without_cycle_collection():
        return _build()


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Millions of rows and values that live until the end and hold no cycles: the garbage
    collector would only scan them over and over (a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build() -> int:
    generated = generate(places())
    insert(Dossier, DOSSIER_FIELDS, generated.dossiers)
    ids = dict(Dossier.objects.filter(code__isnull=False).values_list("code", "id"))
    insert(
        DailySequence,
        ("agency_id", "day", "last"),
        [(agency, day, last) for (agency, day), last in generated.sequences.items()],
    )
    fields = ("dossier_id", "at", "from_status", "to_status", "action")
    insert(Event, fields, [(ids[code], *rest) for code, *rest in generated.events])
    fields = ("dossier_id", "requested_at", "items", "remaining_days", "answered_at", "answer_note")
    insert(SupplementRequest, fields, [(ids[code], *rest) for code, *rest in generated.supplements])
    fields = ("dossier_id", "level", "comment", "created_at")
    insert(Rating, fields, [(ids[code], *rest) for code, *rest in generated.ratings])
    if apps.is_installed("motcua.payments"):
        payment = apps.get_model("payments", "Payment")
        rows = [(ids[code], *rest) for code, *rest in generated.payments]
        insert(payment, PAYMENT_FIELDS, rows)
    return len(generated.dossiers)


# ---------------------------------------------------------------- the catalog, read once


def offers() -> dict[int, Offer]:
    """Every procedure by id, each with its pull: many receive nothing in the period."""
    fees: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for procedure, amount, per_field in Fee.objects.values_list("procedure", "amount", "per_field"):
        fees[procedure].append((amount, per_field))
    deciders: dict[int, list[int]] = defaultdict(list)
    for procedure, agency in Procedure.agencies.through.objects.values_list(
        "procedure_id", "agency_id"
    ):
        deciders[procedure].append(agency)
    rng = random.Random(f"{SEED}:demand")
    found = {}
    rows = Procedure.objects.order_by("code").values_list(
        "id", "code", "name", "sector__name", "level", "processing_days"
    )
    for id_, code, name, sector, level, days in rows:
        used = rng.random() < USED or name in WELL_KNOWN
        pull = min(rng.paretovariate(1.3), 40)
        demand = round(SECTOR_DEMAND.get(sector, 1) * pull * 100) if used else 0
        online = demand if level >= 3 and rng.random() < USED_ONLINE else 0
        copies = next((f for _a, f in fees[id_] if f), "")
        found[id_] = Offer(
            id=id_,
            code=code,
            level=level,
            days=days,
            fee=sum(a for a, f in fees[id_] if not f),
            fee_per_copy=sum(a for a, f in fees[id_] if f),
            copies_field=copies,
            demand=demand,
            online_demand=online,
            decider=deciders[id_][0] if len(deciders[id_]) == 1 else None,
        )
    return found


def places() -> dict[str, list[Place]]:
    """The agencies that receive dossiers, by group (plan.Stream.group), in code order.

    The service center receives the procedures of every department.
    """
    by_id = offers()
    carried: dict[int, list[Offer]] = defaultdict(list)
    for procedure, agency in Procedure.agencies.through.objects.values_list(
        "procedure_id", "agency_id"
    ):
        carried[agency].append(by_id[procedure])
    groups: dict[str, list[Place]] = defaultdict(list)
    rng = random.Random(f"{SEED}:places")
    agencies = Agency.objects.order_by("code").values_list("id", "code", "kind", "tier")
    for id_, code, kind, tier in agencies:
        if kind == Kind.SERVICE_CENTER:
            menu = sorted(
                {o.code: o for a in _departments() for o in carried[a]}.values(),
                key=lambda o: o.code,
            )
            groups["center"].append(Place(id_, code, tier, menu, 1, 1, for_others=True))
        elif carried[id_] and tier != Tier.PROVINCE:
            menu = sorted(carried[id_], key=lambda o: o.code)
            groups[tier].append(_receiving_place(rng, id_, code, kind, tier, menu))
    return groups


def _departments() -> list[int]:
    return list(Agency.objects.filter(kind=Kind.DEPARTMENT).values_list("id", flat=True))


def _receiving_place(
    rng: random.Random, id_: int, code: str, kind: str, tier: str, menu: list[Offer]
) -> Place:
    """A department pulls by its procedures; a local unit by its size, kind and chance."""
    online = sum(o.online_demand for o in menu)
    if tier == Tier.DEPARTMENT:
        return Place(id_, code, tier, menu, sum(o.demand for o in menu), online)
    size = PLACE_VOLUME.get(kind, DEFAULT_VOLUME) * rng.uniform(0.7, 1.3)
    keen = PLACE_ONLINE.get(kind, DEFAULT_ONLINE) if online else 0
    return Place(id_, code, tier, menu, round(size * 100), round(size * keen * 100))


# ---------------------------------------------------------------- the dossiers


def generate(groups: dict[str, list[Place]]) -> Generated:
    """Every dossier of the period, with what it brings along (history, ratings, payments)."""
    with _without_cycle_collection():
        return Generator().run(groups)


class Generator:
    """Draws the dossiers of each stream of the plan, agency by agency, day by day."""

    def __init__(self) -> None:
        self.days = lifecycle.WorkingDays(plan.FIRST_DAY, HORIZON)
        self.end = (self.days.index[plan.LAST_DAY], lifecycle.AFTERNOON[1])
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.times: dict[lifecycle.Moment, datetime.datetime] = {}
        self.people = people.applicants(APPLICANTS, f"{SEED}:people")
        self.out = Generated()

    def run(self, groups: dict[str, list[Place]]) -> Generated:
        for stream in plan.streams(self.days.between(plan.FIRST_DAY, plan.LAST_DAY)):
            members = groups[stream.group]
            received = plan.split(stream.received, [p.volume for p in members])
            online = plan.split(stream.online, [p.online_volume for p in members])
            for place, total, online_count in zip(members, received, online, strict=True):
                if online_count > total:
                    raise ValueError(f"{place.code}: {online_count} online of {total} dossiers")
                rng = random.Random(f"{SEED}:{place.code}:{stream.days[0]}")
                self._place(rng, place, stream.days, total, online_count)
        return self.out

    def at(self, moment: lifecycle.Moment | None) -> datetime.datetime | None:
        """The local time of a moment; None stays None. Made once per moment: many share one."""
        if moment is None:
            return None
        time = self.times.get(moment)
        if time is None:
            day = self.days.days[moment[0]]
            time = self.times[moment] = datetime.datetime(
                day.year, day.month, day.day, moment[1] // 60, moment[1] % 60, tzinfo=self.zone
            )
        return time

    def _place(
        self,
        rng: random.Random,
        place: Place,
        period: tuple[datetime.date, ...],
        total: int,
        online: int,
    ) -> None:
        """One agency's dossiers over `period`, numbered per day in the order they came."""
        agency = Agency(pk=place.id, code=place.code)  # for the code's format
        online_at = set(rng.sample(range(total), online))
        paper = _picks(rng, place.offers, total - online, online=False)
        web = _picks(rng, place.offers, online, online=True)
        position = 0
        for day, count in zip(period, plan.per_day(total, period), strict=True):
            minutes = sorted(lifecycle.office_minute(rng) for _ in range(count))
            prefix = format_code(agency, day, 0)[:-4]  # the agency and the day, then 0001, 0002…
            for number, minute in enumerate(minutes, start=1):
                if position in online_at:
                    channel, offer = Channel.ONLINE, next(web)
                else:
                    posted = rng.random() < POSTED.get(place.tier, 0)
                    channel, offer = (Channel.POST if posted else Channel.DESK), next(paper)
                code = f"{prefix}{number:04d}"
                self._dossier(rng, place, offer, code, channel, (self.days.index[day], minute))
                position += 1
            if count:
                self.out.sequences[(place.id, day)] = count

    def _dossier(
        self,
        rng: random.Random,
        place: Place,
        offer: Offer,
        code: str,
        channel: str,
        submitted: lifecycle.Moment,
    ) -> None:
        person = lifecycle.pick(rng, self.people)
        copies = lifecycle.uniform(rng, 1, 3) if offer.copies_field else 0
        fee = offer.fee + offer.fee_per_copy * copies
        life = lifecycle.live(rng, submitted, channel, offer.days, offer.level, self.end)
        at = self.at
        received = at(submitted)
        decider = place.decider_of(offer)
        transferred = at(life.accepted) if decider != place.id else None
        self.out.dossiers.append(
            (
                code,
                offer.id,
                place.id,
                decider,
                decider != place.id,
                transferred,
                person.name,
                person.id_number,
                person.phone,
                channel,
                life.status,
                {offer.copies_field: copies} if copies else {},
                received,
                self.days.days[life.due],
                at(life.accepted),
                at(life.finished),
                at(life.returned),
                life.delivery,
                len(life.supplements),
                fee,
                received,
                at(life.last_change),
            )
        )
        for when, old, new in life.history:
            self.out.events.append((code, at(when), old, new, ""))
            if transferred is not None and new == Status.ACCEPTED and when == life.accepted:
                # The center's desk sends the accepted dossier on to the deciding department.
                self.out.events.append((code, transferred, new, new, "transfer"))
        for s in life.supplements:
            items = rng.sample(MISSING, rng.randint(1, 2))
            answer = ANSWER if s.answered else ""
            self.out.supplements.append(
                (code, at(s.requested), items, s.remaining_days, at(s.answered), answer)
            )
        self._rating(rng, life, channel, code)
        if channel == Channel.ONLINE and fee and offer.level == 4 and life.accepted:
            self._payment(rng, submitted, fee, code)

    def _rating(self, rng: random.Random, life: lifecycle.Life, channel: str, code: str) -> None:
        """Some applicants rate the service once the result is out."""
        result = life.returned or life.finished
        if result is None or rng.random() >= RATED[channel]:
            return
        moment = lifecycle.later(rng, result[0] + rng.choice((0, 0, 1, 2)), result, 240)
        if moment > self.end:
            return
        level = rng.choices(SATISFACTION, SATISFACTION_WEIGHTS[life.late])[0]
        comment = rng.choice(COMMENTS[level]) if rng.random() < 0.2 else ""
        self.out.ratings.append((code, level, comment, self.at(moment)))

    def _payment(
        self, rng: random.Random, submitted: lifecycle.Moment, fee: int, code: str
    ) -> None:
        """Some pay the fee at VNPay right after submitting online."""
        if rng.random() >= PAID_ONLINE:
            return
        started = self.at(lifecycle.later(rng, submitted[0], submitted, 10))
        paid = started + datetime.timedelta(minutes=lifecycle.uniform(rng, 1, 10))
        self.out.payments.append(
            (
                code,
                "vnpay",
                f"{started:%y%m%d}{rng.getrandbits(40):010X}",  # like a live reference
                fee,
                "paid",
                started,
                started + datetime.timedelta(minutes=15),
                paid,
                f"{rng.randrange(10**8):08d}",
                rng.choice(BANKS),
                "00",  # VNPay: success
                paid,
            )
        )


def _picks(rng: random.Random, menu: list[Offer], count: int, online: bool) -> Iterator[Offer]:
    """`count` procedures drawn by pull; online ones only among online services."""
    weights = [o.online_demand if online else o.demand for o in menu]
    if count and not any(weights):
        raise ValueError("No procedure to draw from")
    return iter(rng.choices(menu, weights=weights, k=count) if count else [])
