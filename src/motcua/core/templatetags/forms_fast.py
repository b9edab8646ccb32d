"""Rendering of long <select> lists without one template per option.

Django renders each option of a Select widget through its own template; with a hundred
agencies that alone costs tens of milliseconds on every search page.
"""

from django import template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def select(field: BoundField) -> str:
    chosen = "" if field.value() is None else str(field.value())
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, " selected" if str(value) == chosen else "", label)
            for value, label in field.field.choices
        ),
    )
    return format_html(
        '<select name="{}" id="{}">{}</select>', field.html_name, field.id_for_label, options
    )
