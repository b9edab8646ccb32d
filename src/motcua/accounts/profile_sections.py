"""Sections that other apps add to the person's profile page (the channels notices go out on,
from notifications), registered in their AppConfig.ready as dossier page panels are, so that
accounts imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

# The section's context for this person, or None when it has nothing to show them.
SectionContext = Callable[[HttpRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    template_name: str
    context: SectionContext
    order: int


_SECTIONS: dict[str, Section] = {}


def register_section(template_name: str, context_function: SectionContext, order: int) -> None:
    _SECTIONS[template_name] = Section(template_name, context_function, order)


def render_sections(request: HttpRequest) -> list[str]:
    """The registered sections with something to show, rendered, lower `order` first."""
    rendered = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.template_name)):
        context = section.context(request)
        if context is not None:
            rendered.append(render_to_string(section.template_name, context, request=request))
    return rendered
