"""Editing the catalog in the Django admin."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from msoko.catalog import services
from msoko.catalog.admin import IndicatorForm
from msoko.catalog.models import Indicator
from msoko.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return services.load_default_catalog().version


def form_data(indicator: Indicator, **changes) -> dict:
    data = {
        f.name: getattr(indicator, f.attname)
        for f in Indicator._meta.concrete_fields
        if f.editable and f.name != "id"
    }
    data["org_kinds"] = '["school"]'
    data.update(changes)
    return data


def test_the_form_refuses_a_formula_with_an_unknown_data_element(version):
    indicator = Indicator.objects.get(version=version, code="1.01")
    form = IndicatorForm(data=form_data(indicator, numerator="vpr_mark_two"), instance=indicator)
    assert not form.is_valid()
    assert "vpr_mark_two" in str(form.errors["numerator"])


def test_the_admin_lists_searches_and_audits_changes(version, client):
    admin = get_user_model().objects.create_superuser("admin", "a@example.org", "пароль-надёжный-1")
    client.force_login(admin)
    response = client.get("/admin/catalog/indicator/", {"q": "впр"})
    assert response.status_code == 200
    assert "Доля участников ВПР, получивших отметку «2»" in response.content.decode()

    indicator = Indicator.objects.get(version=version, code="1.01")
    before = AuditEntry.objects.count()
    response = client.post(
        f"/admin/catalog/indicator/{indicator.pk}/change/",
        {**form_data(indicator, name="Доля «двоек» ВПР"), "targets-TOTAL_FORMS": "0", "targets-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    indicator.refresh_from_db()
    assert indicator.name == "Доля «двоек» ВПР"
    assert AuditEntry.objects.count() == before + 1


def test_direction_page_shows_its_goals_inline(version, client):
    admin = get_user_model().objects.create_superuser("admin", "a@example.org", "пароль-надёжный-1")
    client.force_login(admin)
    direction = version.directions.get(number=2)
    response = client.get(f"/admin/catalog/direction/{direction.pk}/change/")
    assert response.status_code == 200
    assert "Выявление школ с низкими образовательными результатами" in response.content.decode()
