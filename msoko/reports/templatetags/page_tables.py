"""``{% xlsx_link %}``: the «Скачать xlsx» link of a page whose view is decorated with
`msoko.reports.page_tables.xlsx_export` — the same URL and filters plus ``format=xlsx``."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from msoko.reports.page_tables import FORMAT_PARAM

register = template.Library()


@register.simple_tag(takes_context=True)
def xlsx_link(context, label: str = "Скачать xlsx") -> str:
    request = context.get("request")
    if request is None:
        return ""
    query = request.GET.copy()
    query[FORMAT_PARAM] = "xlsx"
    return format_html('<a class="xlsx-link" href="?{}" download>{}</a>', query.urlencode(), label)
