from django import template

from motcua.dossiers.models import Dossier
from motcua.payments import services

register = template.Library()


@register.filter
def vnd(amount: int) -> str:
    return services.vnd(amount)


@register.simple_tag
def dossier_payment(dossier: Dossier) -> services.DossierPayment:
    return services.summary(dossier)
