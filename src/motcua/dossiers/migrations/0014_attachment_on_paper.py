from django.db import migrations, models

import motcua.dossiers.uploads


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0013_folded_name_and_internal_note")]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="received_on",
            field=models.DateField(blank=True, null=True, verbose_name="receipt date"),
        ),
        migrations.AddField(
            model_name="attachment",
            name="on_paper",
            field=models.BooleanField(default=False, verbose_name="received on paper, not scanned"),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="file",
            field=models.FileField(
                blank=True, upload_to=motcua.dossiers.uploads.stored_name, verbose_name="file"
            ),
        ),
    ]
