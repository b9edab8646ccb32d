"""The small template language of result documents: placeholders and a few filters, nothing else.

An administrator writes a result's wording with the form's answers as placeholders
(``{{ ho_ten_chong }}``, ``{{ ngay_sinh|ngay_thang_nam }}``). It is Django's syntax, but refused
as soon as it asks for more than a name and a few harmless filters: no tags (so no ``{% load %}``,
no includes, no loops), no attribute access (``{{ a.b }}``), no filter that marks text safe.
The administrator's own text is escaped like the answers, so what they type is printed, never
read as HTML (WeasyPrint would fetch an image's address). The values come as plain strings.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection, Mapping

from django.core.exceptions import ValidationError
from django.template import Context, Engine, Library, TemplateSyntaxError
from django.template.base import FilterExpression, Lexer, TokenType, VariableNode
from django.template.defaultfilters import register as default_filters
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = Library()


def in_words(day: datetime.date) -> str:
    """A date as a Vietnamese document writes it: "ngày 05 tháng 02 năm 2026", "ngày 17 tháng 12
    năm 2026" (Decree 30/2020: a zero before days under 10 and before months 1 and 2)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@register.filter(name="ngay_thang_nam")
def date_in_words(value: str) -> str:
    """A date printed dd/mm/yyyy, written out in words; anything else unchanged."""
    try:
        return in_words(datetime.datetime.strptime(str(value), "%d/%m/%Y").date())
    except ValueError:
        return value


ALLOWED_FILTERS = {
    "upper": default_filters.filters["upper"],
    "lower": default_filters.filters["lower"],
    "title": default_filters.filters["title"],
    "capfirst": default_filters.filters["capfirst"],
    "default": default_filters.filters["default"],
    "ngay_thang_nam": date_in_words,
}
# Django's parser knows every built-in filter; the check below lets only these through.
ENGINE = Engine(builtins=[__name__], autoescape=True, string_if_invalid="")
_TAG_NAME = re.compile(r"^\s*(\S*)")


def check(source: str, names: Collection[str], internal: Collection[str] = ()) -> None:
    """Refuse a wording that uses more than placeholders of `names` and the allowed filters.

    `internal` are the form's names that exist but never appear on a result.
    """
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            tag = _TAG_NAME.match(token.contents).group(1)
            raise ValidationError(
                _("Tags such as %(tag)s are not allowed; only placeholders like {{ ho_ten }}.")
                % {"tag": "{% " + tag + " %}"},
                code="tag",
            )
    for node in _compile(source).nodelist:
        if isinstance(node, VariableNode):
            _check_expression(node.filter_expression, names, internal)


def _check_expression(
    expression: FilterExpression, names: Collection[str], internal: Collection[str]
) -> None:
    shown = "{{ " + expression.token + " }}"
    lookups = getattr(expression.var, "lookups", None)
    if lookups is not None:
        if len(lookups) != 1:
            raise ValidationError(
                _("%(text)s is not allowed: a placeholder is one name, like {{ ho_ten }}.")
                % {"text": shown},
                code="attribute",
            )
        _check_name(lookups[0], names, internal)
    for function, arguments in expression.filters:
        name = next((n for n, f in ALLOWED_FILTERS.items() if f is function), None)
        if name is None:
            raise ValidationError(
                _("The filter in %(text)s is not allowed; use one of %(names)s.")
                % {"text": shown, "names": ", ".join(ALLOWED_FILTERS)},
                code="filter",
            )
        if any(is_lookup for is_lookup, _argument in arguments):
            raise ValidationError(
                _('The filter argument in %(text)s must be a text in quotes, like "…".')
                % {"text": shown},
                code="argument",
            )


def _check_name(name: str, names: Collection[str], internal: Collection[str]) -> None:
    if name in internal:
        raise ValidationError(
            _(
                "The field %(name)s is internal (contact details, number of copies…) and is "
                "never printed on a result."
            )
            % {"name": name},
            code="internal",
        )
    if name not in names:
        raise ValidationError(
            _("{{ %(name)s }} is not a field of the form; the placeholders are: %(names)s.")
            % {"name": name, "names": ", ".join(sorted(names))},
            code="unknown",
        )


def _compile(source: str):
    """The wording compiled with its own text escaped (placeholders and comments kept)."""
    parts = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT:
            parts.append(escape(token.contents))
        elif token.token_type == TokenType.VAR:
            parts.append("{{ " + token.contents + " }}")
    try:
        return ENGINE.from_string("".join(parts))
    except TemplateSyntaxError as error:
        raise ValidationError(
            _("The wording cannot be read: %(error)s") % {"error": error}, code="syntax"
        ) from error


def render(source: str, values: Mapping[str, str]) -> SafeString:
    """A checked wording filled with `values`, as HTML: each line a paragraph (a document
    indents every line of a list of particulars alike), a blank line a space between groups."""
    text = _compile(source).render(Context(dict(values), autoescape=True))
    groups = [group.strip("\n") for group in re.split(r"\n[ \t]*\n", text.replace("\r", ""))]
    return mark_safe(
        "".join(
            '<div class="group">'
            + "".join(f"<p>{line}</p>" for line in group.split("\n"))
            + "</div>"
            for group in groups
            if group.strip()
        )
    )
