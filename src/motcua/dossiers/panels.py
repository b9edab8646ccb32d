"""The panels of the applicant's dossier page that other apps contribute.

The dossier page shows what the dossiers app knows (the receipt, the supplement asked for, the
history) and, between the receipt and the supplement, the panels registered here: the fees
and their payment (payments), the signed result (dossiers itself), the apology for a delay
(backoffice). Each app registers its panel in its AppConfig.ready, the way workflow guards are
registered, so the dossiers app imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from motcua.dossiers.models import Dossier

# The panel's context for this dossier and reader, or None when it has nothing to show.
PanelContext = Callable[[HttpRequest, Dossier], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: PanelContext
    order: int


_PANELS: dict[str, Panel] = {}


def register_panel(template_name: str, context_function: PanelContext, order: int) -> None:
    """Show `template_name` on the applicant's dossier page, lower `order` first.

    The template gets `dossier` and what `context_function(request, dossier)` returns; a panel
    whose function returns None is left out. Registering a template again replaces it.
    """
    _PANELS[template_name] = Panel(template_name, context_function, order)


def unregister_panel(template_name: str) -> None:
    _PANELS.pop(template_name, None)


def render_panels(request: HttpRequest, dossier: Dossier) -> list[str]:
    """The registered panels that have something to show for `dossier`, rendered in order."""
    rendered = []
    for panel in sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.template_name)):
        context = panel.context(request, dossier)
        if context is not None:
            context = {"dossier": dossier, **context}
            rendered.append(render_to_string(panel.template_name, context, request=request))
    return rendered
