"""Rendering of long <select> lists without one template per option.

Django renders each option of a Select widget through its own template; with a hundred
agencies that alone costs tens of milliseconds on every search page.
"""

from django import template
from django.forms import BoundField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def select(field: BoundField) -> SafeString:
    chosen = "" if field.value() is None else str(field.value())
    options = "".join(
        f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>'
        f"{escape(label)}</option>"
        for value, label in field.field.choices
    )
    return mark_safe(  # every value and label above is escaped
        f'<select name="{escape(field.html_name)}" id="{escape(field.id_for_label)}">'
        f"{options}</select>"
    )
