"""Form widgets for long lists.

Django renders every option of a select through its template engine, about a millisecond per option
with the label lookups; a region's 2,000 organisations or people in a form made the page slow (1.3 s
for the recommendations page). `LongSelect` renders the same HTML — name, id, attributes, selected
options — with string joins, so long lists cost a few milliseconds.
"""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def _selected_values(value) -> set[str]:
    if value is None:
        return set()
    values = value if isinstance(value, list | tuple | set) else [value]
    return {str(v) for v in values if v is not None}


def _attributes(attrs: dict) -> str:
    """Attributes in their order, as Django's attrs.html writes them (True → bare name, False/None → left out)."""
    parts = []
    for key, value in attrs.items():
        if value is True:
            parts.append(f" {conditional_escape(key)}")
        elif value is not False and value is not None:
            parts.append(f' {conditional_escape(key)}="{conditional_escape(value)}"')
    return mark_safe("".join(parts))


class LongSelect(forms.Select):
    """A select that renders long option lists quickly (same markup as `forms.Select`)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        chosen = _selected_values(self.format_value(value))
        options = []
        for option_value, label in self.choices:
            key = "" if option_value is None else str(option_value)
            selected = " selected" if key in chosen else ""
            options.append(f'<option value="{conditional_escape(key)}"{selected}>{conditional_escape(label)}</option>')
        return format_html('<select name="{}"{}>{}</select>', name, _attributes(final), mark_safe("\n".join(options)))


class LongSelectMultiple(LongSelect, forms.SelectMultiple):
    allow_multiple_selected = True
