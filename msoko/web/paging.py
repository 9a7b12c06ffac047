"""Pagination of list pages: one helper and one pager partial (`web/_pager.html`) for every list."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def paginate(request, items, per_page: int = PAGE_SIZE) -> Page:
    """The page of `items` named by ?page= (out-of-range numbers give the last page, junk the first).

    `page.query` keeps the other GET parameters (filters, year) for the pager's links, so moving
    between pages never loses a filter.
    """
    return with_query(request, Paginator(items, per_page).get_page(request.GET.get("page")))


def with_query(request, page: Page) -> Page:
    """Attach the request's other GET parameters to a page made elsewhere (for `web/_pager.html`)."""
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()
    return page
