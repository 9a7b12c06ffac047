"""List pages paginate: 50 rows a page, one pager with Russian labels that keeps the filters."""

from __future__ import annotations

from django.test import RequestFactory

from msoko.collection.models import ImportBatch
from msoko.registry.models import Organisation
from msoko.web.paging import PAGE_SIZE, paginate


def _page(query: str, items=range(120)):
    return paginate(RequestFactory().get("/list/" + query), list(items))


def test_paginate_gives_fifty_rows_a_page_and_the_rest_on_the_last():
    assert PAGE_SIZE == 50
    first, last = _page(""), _page("?page=3")
    assert list(first.object_list) == list(range(50))
    assert list(last.object_list) == list(range(100, 120))
    assert first.paginator.num_pages == 3


def test_paginate_forgives_wrong_page_numbers():
    assert _page("?page=99").number == 3  # beyond the end → the last page
    assert _page("?page=abc").number == 1  # junk → the first


def test_pager_links_keep_every_filter_but_the_page():
    page = _page("?kind=school&q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0&page=2")
    assert page.query == "kind=school&q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0"


def _schools(world, count: int) -> None:
    Organisation.objects.bulk_create(
        Organisation(municipality=world.municipality, code=f"S-{n:03d}", short_name=f"Школа {n:03d}",
                     full_name=f"Школа № {n:03d}", kind=Organisation.Kind.SCHOOL)
        for n in range(count)
    )


def test_organisation_list_shows_fifty_and_links_the_next_page_with_the_filter(client_for, world):
    _schools(world, 60)  # + school A, school B = 62 schools, and the kindergarten
    client = client_for("department")
    first = client.get("/organisations/?kind=school").content.decode()
    assert first.count('<td><a href="/organisations/') == 50
    assert "Страница 1 из 2 (всего 62)" in first
    assert "?kind=school&amp;page=2" in first
    second = client.get("/organisations/?kind=school&page=2").content.decode()
    assert second.count('<td><a href="/organisations/') == 12
    assert "Ёлочка" not in second  # the kind filter survives the move to page 2


def test_a_short_list_has_no_pager(client_for, world):
    page = client_for("department").get("/organisations/").content.decode()
    assert "Страница" not in page


def test_import_history_paginates(client_for, world):
    ImportBatch.objects.bulk_create(
        ImportBatch(kind="vpr", file_name=f"vpr-{n}.xlsx", checksum=f"{n:064d}") for n in range(55)
    )
    client = client_for("department")
    first = client.get("/data/history/").content.decode()
    assert "Страница 1 из 2 (всего 55)" in first
    assert "vpr-54.xlsx" in first and "vpr-4.xlsx" not in first  # newest first
    second = client.get("/data/history/?page=2").content.decode()
    assert "vpr-4.xlsx" in second and "vpr-54.xlsx" not in second


def test_audit_list_uses_the_same_pager(client_for, world):
    from msoko.core import audit

    for n in range(55):
        audit.record(None, "test.event", object_type="тест", object_id=str(n), summary=f"событие {n}")
    page = client_for("department").get("/audit/?action=test.event").content.decode()
    assert "Страница 1 из" in page and "page=2" in page
