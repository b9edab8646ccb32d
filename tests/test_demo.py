"""The demo province reproduces the seed article's figures, counted from the database."""

import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from motcua.accounts.models import Role, User
from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.catalog.services import CatalogQuery, search_procedures
from motcua.demo import province as demo
from motcua.dossiers.models import Dossier


def online_by_level(procedures) -> dict[int, int]:
    rows = procedures.filter(level__gte=3).values("level").annotate(n=Count("pk"))
    return {row["level"]: row["n"] for row in rows}


@pytest.mark.django_db
def test_catalog_totals_match_the_article(demo_catalog_db):
    procedures = Procedure.objects.filter(published=True)
    assert procedures.count() == 2132
    online = procedures.filter(level__gte=3).count()
    assert online == 1425
    assert round(Decimal(online * 100) / 2132, 2) == Decimal("66.84")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tier", "level3", "level4"),
    [("department", 506, 527), ("district", 179, 112), ("commune", 31, 70)],
)
def test_online_services_per_tier_match_the_article(demo_catalog_db, tier, level3, level4):
    at_tier = Procedure.objects.filter(tier_links__tier=tier)
    assert online_by_level(at_tier) == {3: level3, 4: level4}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("department", "share"),
    [
        ("Sở Giáo dục và Đào tạo", 100),
        ("Sở Thông tin và Truyền thông", 84),
        ("Sở Y tế", 75),
        ("Sở Kế hoạch và Đầu tư", 72),
        ("Sở Tài nguyên và Môi trường", 60),
    ],
)
def test_department_online_shares_match_the_article(demo_catalog_db, department, share):
    counts = Procedure.objects.filter(agencies__name=department).aggregate(
        total=Count("pk"), online=Count("pk", filter=Q(level__gte=3))
    )
    assert counts["total"] > 0
    assert Decimal(counts["online"] * 100) / counts["total"] == share


@pytest.mark.django_db
def test_agency_tree_of_2020(demo_catalog_db):
    root = Agency.objects.by_code("H57")
    assert root.name == "Ủy ban nhân dân tỉnh Thừa Thiên Huế"
    assert Agency.objects.filter(tier="district", parent=root).count() == 9
    assert Agency.objects.filter(kind="service_center", parent=root).count() == 1
    communes = Agency.objects.filter(tier="commune")
    assert communes.count() == 145  # the 2020 list in demo/data/districts.json
    assert all(c.parent.tier == "district" for c in communes.select_related("parent"))
    for name in demo.DEPARTMENT_ONLINE:
        assert Agency.objects.filter(name=name, tier="department").exists(), name


@pytest.mark.django_db
def test_procedures_have_real_names_and_are_found_without_diacritics(demo_catalog_db):
    names = set(Procedure.objects.values_list("name", flat=True))
    assert len(names) == 2132, "procedure names are unique"
    assert {"Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử"} <= names
    placeholder = re.compile(r"^(Thủ tục|Procedure) \d+$")
    assert not [name for name in names if placeholder.match(name)]
    best = search_procedures(CatalogQuery(text="dang ky ket hon")).first()
    assert best.name == "Đăng ký kết hôn" and best.level == 4


@pytest.mark.django_db
def test_one_demo_account_per_role(demo_catalog_db):
    roles = set(User.objects.exclude(role="").values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.filter(kind="citizen").exists()
    assert User.objects.filter(kind="business").exists()
    assert User.objects.get(username="quantri").is_superuser
    citizen = User.objects.get(username="congdan")
    assert citizen.check_password(demo.DEMO_PASSWORD)
    assert all(u.agency for u in User.objects.filter(kind="official"))


@pytest.mark.django_db
def test_loading_twice_is_refused_or_skipped(demo_catalog_db, capsys):
    with pytest.raises(CommandError):
        call_command("load_demo")
    call_command("load_demo", "--if-empty")
    out = capsys.readouterr().out
    assert "Cơ sở dữ liệu đã có dữ liệu" in out and "congdan" in out
    assert Procedure.objects.count() == 2132


@pytest.mark.django_db
def test_the_catalog_can_be_loaded_without_dossiers(demo_catalog_db):
    assert not Dossier.objects.exists()


def test_catalog_is_built_deterministically():
    groups = {name: [f"000.00.{i:02d}.H57"] for i, name in enumerate(demo.DEPARTMENT_ONLINE, 2)}
    groups |= {"district": ["000.00.31.H57"], "commune": ["000.01.31.H57"]}
    first = demo.build_records(groups)
    second = demo.build_records(groups)
    assert [(r.data, [f.data for f in r.fees], [d.data for d in r.documents]) for r in first] == [
        (r.data, [f.data for f in r.fees], [d.data for d in r.documents]) for r in second
    ]


def test_largest_remainder_adds_up_exactly():
    assert sum(demo.largest_remainder([60, 42, 120, 108, 63], 200)) == 200
    assert demo.largest_remainder([1, 1, 1], 2) == [1, 1, 0]
