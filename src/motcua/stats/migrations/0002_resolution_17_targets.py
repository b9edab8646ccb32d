"""The national targets in force when Motcua was written; administrators edit them in /admin/."""

from decimal import Decimal

from django.db import migrations

BASIS = "Nghị quyết số 17/NQ-CP ngày 07/3/2019 của Chính phủ"
TARGETS = [(2019, Decimal("20")), (2021, Decimal("50"))]  # 2019–2020: 20 %; from 2021: 50 %


def add_targets(apps, schema_editor):
    target = apps.get_model("stats", "Target")
    for year, rate in TARGETS:
        target.objects.get_or_create(year=year, defaults={"online_rate": rate, "basis": BASIS})


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    operations = [migrations.RunPython(add_targets, migrations.RunPython.noop)]
