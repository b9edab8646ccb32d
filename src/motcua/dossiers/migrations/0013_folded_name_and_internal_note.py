from django.db import migrations, models

from motcua.core.text import padded_fold


def fold_names(apps, schema_editor):
    """The dossiers already registered are found by their applicant's name too."""
    Dossier = apps.get_model("dossiers", "Dossier")
    batch = []
    for dossier in Dossier.objects.only("pk", "applicant_name").iterator(chunk_size=2000):
        dossier.applicant_name_folded = padded_fold(dossier.applicant_name)
        batch.append(dossier)
        if len(batch) == 2000:
            Dossier.objects.bulk_update(batch, ["applicant_name_folded"])
            batch = []
    Dossier.objects.bulk_update(batch, ["applicant_name_folded"])


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0012_deciding_agency_and_fees_requested"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="applicant_name_folded",
            field=models.CharField(blank=True, editable=False, max_length=210),
        ),
        migrations.AddField(
            model_name="event",
            name="internal_note",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(fold_names, migrations.RunPython.noop, elidable=True),
    ]
