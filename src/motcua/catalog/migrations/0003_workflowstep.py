# The procedure's workflow steps, moved here from the dossiers app (dossiers 0010) without
# touching the database: the model keeps the table dossiers_workflowstep and its rows. The
# content type moves with it, so permissions granted on the steps still hold.

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def adopt_content_type(apps, schema_editor):
    _move_content_type(apps, schema_editor, "dossiers", "catalog")


def return_content_type(apps, schema_editor):
    _move_content_type(apps, schema_editor, "catalog", "dossiers")


def _move_content_type(apps, schema_editor, source, target):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    if not content_types.filter(app_label=target, model="workflowstep").exists():
        content_types.filter(app_label=source, model="workflowstep").update(app_label=target)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("catalog", "0002_procedure_payment_first"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("dossiers", "0010_workflowstep_moved_to_catalog"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WorkflowStep",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "position",
                            models.PositiveSmallIntegerField(default=0, verbose_name="order"),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("process", "Processing by the specialist"),
                                    ("consult", "Opinion of another agency (inter-agency)"),
                                    ("review", "Review by the head of division"),
                                    ("approve", "Approval and signature by the leader"),
                                    ("return", "Returning the result"),
                                ],
                                max_length=8,
                                verbose_name="step",
                            ),
                        ),
                        (
                            "share",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(0),
                                    django.core.validators.MaxValueValidator(100),
                                ],
                                verbose_name="share of the processing time (%)",
                            ),
                        ),
                        (
                            "consulted_agency",
                            models.ForeignKey(
                                blank=True,
                                help_text="For an inter-agency step: the agency whose opinion is needed.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="agencies.agency",
                                verbose_name="agency consulted",
                            ),
                        ),
                        (
                            "procedure",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="workflow_steps",
                                to="catalog.procedure",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "workflow step",
                        "verbose_name_plural": "workflow steps",
                        "db_table": "dossiers_workflowstep",
                        "ordering": ["procedure", "position", "pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(adopt_content_type, return_content_type, elidable=True),
    ]
