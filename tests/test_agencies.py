import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from motcua.agencies.models import Agency
from motcua.agencies.services import current_successors, merge_agencies
from tests import factories

JULY_2025 = datetime.date(2025, 7, 1)


def test_tree_of_any_depth_and_subtrees(province):
    hamlet_office = factories.agency(
        "001.01.31.H57", "Bộ phận một cửa xã Phú An", "commune", province["commune_a"]
    )
    assert hamlet_office.depth == 3  # province, district, commune, desk
    subtree = set(Agency.objects.subtree(province["district"]).values_list("code", flat=True))
    assert subtree == {"000.00.31.H57", "000.01.31.H57", "000.02.31.H57", "001.01.31.H57"}
    assert Agency.objects.subtree(province["root"]).count() == 6
    assert Agency.objects.by_code("H57") == province["root"]


def test_moving_an_agency_moves_its_subtree(province):
    district = province["district"]
    district.parent = province["justice"]
    district.save()
    commune = Agency.objects.get(pk=province["commune_a"].pk)
    assert commune.path.startswith(province["justice"].path)
    assert set(Agency.objects.subtree(province["justice"])) >= {district, commune}


def test_agency_cannot_be_placed_under_its_own_descendant(province):
    district = province["district"]
    district.parent = province["commune_a"]
    with pytest.raises(ValidationError):
        district.full_clean()


def test_bad_agency_code_is_refused(province):
    agency = Agency(code="H5", name="X", tier="department", kind="department")
    with pytest.raises(ValidationError) as caught:
        agency.full_clean()
    assert "code" in caught.value.message_dict


def test_validity_dates(province):
    old = factories.agency(
        "000.03.31.H57",
        "Ủy ban nhân dân xã Phú Xuân",
        "commune",
        province["district"],
        valid_from=datetime.date(2000, 1, 1),
        valid_to=datetime.date(2019, 12, 31),
    )
    assert not old.is_active_on(datetime.date(2020, 1, 1))
    assert old.is_active_on(datetime.date(2019, 12, 31))
    active_2020 = Agency.objects.active_on(datetime.date(2020, 6, 1))
    assert old not in active_2020
    assert old in Agency.objects.active_on(datetime.date(2010, 6, 1))


def test_valid_to_before_valid_from_is_refused_by_the_database(province):
    with pytest.raises(IntegrityError):
        factories.agency(
            "000.04.31.H57",
            "Xã sai ngày",
            "commune",
            province["district"],
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2019, 1, 1),
        )


def test_merge_ends_sources_and_keeps_history(catalog, province):
    merged = factories.agency(
        "000.05.31.H57",
        "Ủy ban nhân dân xã Phú An Mỹ",
        "commune",
        province["district"],
        valid_from=JULY_2025,
    )
    merge_agencies([province["commune_a"], province["commune_b"]], merged, JULY_2025)

    commune_a = Agency.objects.get(pk=province["commune_a"].pk)
    assert commune_a.valid_to == datetime.date(2025, 6, 30)
    assert list(commune_a.successors.all()) == [merged]
    assert set(merged.predecessors.all()) == {commune_a, province["commune_b"]}
    assert commune_a in Agency.objects.active_on(datetime.date(2025, 6, 30))
    assert commune_a not in Agency.objects.active_on(JULY_2025)
    assert current_successors(commune_a, datetime.date(2026, 1, 1)) == [merged]
    # What the communes carried out is now carried out by the merged commune.
    assert list(catalog["marriage"].agencies.all()) == [merged]


def test_merge_into_an_agency_not_yet_in_operation_is_refused(province):
    later = factories.agency(
        "000.06.31.H57",
        "Xã mới",
        "commune",
        province["district"],
        valid_from=datetime.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError):
        merge_agencies([province["commune_a"]], later, JULY_2025)
    assert Agency.objects.get(pk=province["commune_a"].pk).valid_to is None


def test_successors_are_followed_through_several_merges(province):
    first = factories.agency(
        "000.07.31.H57",
        "Xã A",
        "commune",
        province["district"],
        valid_from=datetime.date(2020, 1, 1),
    )
    merge_agencies([province["commune_a"]], first, datetime.date(2020, 1, 1))
    second = factories.agency(
        "000.08.31.H57", "Xã B", "commune", province["district"], valid_from=JULY_2025
    )
    merge_agencies([first], second, JULY_2025)
    assert current_successors(province["commune_a"], datetime.date(2026, 1, 1)) == [second]


def test_merge_command(province):
    from django.core.management import CommandError, call_command

    merged = factories.agency(
        "000.09.31.H57", "Xã Phú Hợp", "commune", province["district"], valid_from=JULY_2025
    )
    with pytest.raises(CommandError, match="Không có cơ quan"):
        call_command("merge_agencies", "000.99.31.H57", "--into", merged.code, "--on", "2025-07-01")
    call_command(
        "merge_agencies",
        "000.01.31.H57",
        "000.02.31.H57",
        "--into",
        merged.code,
        "--on",
        "2025-07-01",
    )
    assert set(merged.predecessors.values_list("code", flat=True)) == {
        "000.01.31.H57",
        "000.02.31.H57",
    }
