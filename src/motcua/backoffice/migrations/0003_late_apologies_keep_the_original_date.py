"""Apologies signed on or after the appointment date they replaced no longer move it.

Before the rule of apology.in_time (signed at least one day before the date), a late dossier
could be given a new date after the fact and count as early. Such dossiers get their original
date back, and their statistics are counted again: a late dossier stays late.
"""

from django.db import migrations
from django.utils import timezone


def restore_original_dates(apps, schema_editor):
    Apology = apps.get_model("backoffice", "Apology")
    Dossier = apps.get_model("dossiers", "Dossier")
    restored = []
    for apology in Apology.objects.exclude(signed_at=None).select_related("dossier"):
        signed_on = timezone.localdate(apology.signed_at)
        dossier = apology.dossier
        if signed_on >= apology.original_due_date and dossier.due_date == apology.new_due_date:
            Dossier.objects.filter(pk=dossier.pk).update(due_date=apology.original_due_date)
            restored.append(dossier.pk)
    if restored:
        from motcua.stats import aggregates

        aggregates.refresh(aggregates.Selection(f"IN ({', '.join(map(str, restored))})"))


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0002_alter_apology_drafted_by"),
        ("dossiers", "0014_attachment_on_paper"),
        ("stats", "0005_received_at_and_decided_by"),
    ]

    operations = [migrations.RunPython(restore_original_dates, migrations.RunPython.noop)]
