"""Back-office records: the apology and new appointment date for a dossier running late."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class Apology(models.Model):
    """Form 04: the agency apologises and sets a new date, once per dossier, signed by a leader."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="apology")
    reason = models.TextField(_("reason for the delay"))
    original_due_date = models.DateField(_("original appointment date"))
    new_due_date = models.DateField(_("new appointment date"))
    # Empty when the system drafted it, seeing the dossier would be late.
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("apology and new date")
        verbose_name_plural = _("apologies and new dates")

    def __str__(self) -> str:
        return f"{self.dossier} → {self.new_due_date:%d/%m/%Y}"
