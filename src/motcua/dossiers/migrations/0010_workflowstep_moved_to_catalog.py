# A procedure's workflow steps describe the procedure: the model moves to the catalog app
# (catalog 0003), which keeps using this table. Only the migration state changes here.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0009_attachment_stored_under_generated_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="WorkflowStep")],
            database_operations=[],
        ),
    ]
