"""Template access to the official forms that apply to a dossier, for the dossier page."""

from django import template

from motcua.backoffice import paperwork
from motcua.dossiers.models import Dossier

register = template.Library()


@register.simple_tag
def applicable_forms(dossier: Dossier) -> list[paperwork.Form]:
    """The forms to offer as links: the page's view stays unaware of the paperwork."""
    return paperwork.applicable_forms(dossier)
