"""Every change that moves a figure refreshes its dossier's counters, in the same transaction."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from motcua.dossiers.models import Attachment, Dossier, Rating, ResultDocument
from motcua.dossiers.signals import status_changed
from motcua.stats import aggregates


def on_status_changed(sender, dossier: Dossier, **kwargs) -> None:
    aggregates.refresh_dossier(dossier.pk)


def on_dossier_part_saved(sender, instance, **kwargs) -> None:
    """A rating, a result or a file changes what the dossier counts for."""
    aggregates.refresh_dossier(instance.dossier_id, registered_only=True)


def on_dossier_deleted(sender, instance: Dossier, **kwargs) -> None:
    aggregates.refresh_dossier(instance.pk)


def on_payment_settled(sender, payment, **kwargs) -> None:
    aggregates.refresh_dossier(payment.dossier_id)


def connect() -> None:
    status_changed.connect(on_status_changed, dispatch_uid="stats.status_changed")
    for model in (Rating, ResultDocument, Attachment):
        uid = f"stats.{model._meta.model_name}"
        post_save.connect(on_dossier_part_saved, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(on_dossier_part_saved, sender=model, dispatch_uid=f"{uid}.deleted")
    post_delete.connect(on_dossier_deleted, sender=Dossier, dispatch_uid="stats.dossier.deleted")
    if apps.is_installed("motcua.payments"):
        from motcua.payments.signals import payment_settled

        payment_settled.connect(on_payment_settled, dispatch_uid="stats.payment_settled")
