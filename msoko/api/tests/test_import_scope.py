"""File imports through the API write only rows of the user's own organisations.

A school token may not import at all (as in the interface, uploads are for staff); a municipal
user's file naming any organisation outside their municipality fails whole (the pipeline's
`allowed_organisations`): status «failed» with the rows named, nothing written — not even the rows
of their own schools.
"""

import pytest

from msoko.api.tests.test_api import CSV_HEADER, _upload
from msoko.collection.models import DataValue, ImportBatch


def vpr_n(org: str) -> float | None:
    row = DataValue.objects.filter(organisation__code=org, data_element__code="vpr_n", category="").first()
    return None if row is None else row.value


@pytest.mark.parametrize("persona", ["school_a", "other_school", "preschool"])
def test_a_school_token_cannot_import_even_its_own_rows(values, tokens, api_post, persona):
    rows = "2024/25;OO-A;vpr_n;77\n2024/25;OO-B;vpr_n;78\n2024/25;OO-C;vpr_n;79\n"
    response = _upload(api_post, tokens[persona], CSV_HEADER + rows, kind="values")
    assert response.status_code == 403 and "формы сбора" in response.json()["detail"]
    assert (vpr_n("OO-A"), vpr_n("OO-B"), vpr_n("OO-C")) == (40.0, 10.0, 50.0)
    assert not ImportBatch.objects.exists()


def test_a_file_mixing_own_and_foreign_organisations_writes_nothing(values, tokens, api_post, api_get):
    rows = "2024/25;OO-A;vpr_n;41\n2024/25;OO-C;vpr_n;51\n"
    response = _upload(api_post, tokens["department"], CSV_HEADER + rows, kind="values")
    assert response.status_code == 201 and response.json()["status"] == "failed"
    errors = api_get(tokens["department"], f"imports/{response.json()['id']}/report/").json()["errors"]
    assert [(e["row"], "«OO-C»" in e["message"]) for e in errors] == [(3, True)]
    assert (vpr_n("OO-A"), vpr_n("OO-C")) == (40.0, 50.0)
    assert ImportBatch.objects.get().values_written == 0


def test_the_region_imports_rows_of_both_municipalities(values, tokens, api_post):
    rows = "2024/25;OO-A;vpr_n;41\n2024/25;OO-C;vpr_n;51\n"
    response = _upload(api_post, tokens["region"], CSV_HEADER + rows, kind="values")
    assert response.status_code == 201 and response.json()["status"] == "done"
    assert (vpr_n("OO-A"), vpr_n("OO-C")) == (41.0, 51.0)
