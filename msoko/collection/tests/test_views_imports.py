"""Upload pages: preview with mapping, the import with its progress, replacement, history, lineage."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from msoko.collection.models import DataValue, ImportBatch, ImportProfile, UploadJob
from msoko.collection.tests.files import VPR_HEADER, vpr_row, write_xlsx
from msoko.collection.tests.test_formats import FULL

ODD_HEADER = ["Шифр ОО" if h == "Код ОО" else h for h in VPR_HEADER]  # an unknown synonym for «Код ОО»


@pytest.fixture(autouse=True)
def inline_imports(settings):
    settings.MSOKO_IMPORT_INLINE = True


def xlsx_upload(tmp_path, name, rows) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, write_xlsx(tmp_path / name, rows).read_bytes())


def upload(client, file, **extra):
    response = client.post("/data/upload/", {"file": file, **extra})
    assert response.status_code == 302, response.content.decode()[:500]
    return UploadJob.objects.latest("pk")


def mapping_post(job, preview_headers, **changes):
    headers = [h for h in preview_headers if h]
    keys = [changes.get(h, "") for h in headers]
    return {"kind": job.kind, "header": headers, "key": keys}


def test_schools_and_council_cannot_reach_uploads(client_for):
    for persona in ("school_a", "council"):
        client = client_for(persona)
        assert client.get("/data/upload/").status_code == 403
        assert client.get("/data/history/").status_code == 403
    assert client_for("school_a").get("/data/").status_code == 302  # a school lands on «Мои формы»


def test_preview_shows_kind_mapping_and_located_errors_then_the_fixed_mapping_imports(world, client_for, tmp_path):
    client = client_for("department")
    rows = [ODD_HEADER, vpr_row("OO-A", "P1", FULL, 5, 4), vpr_row("OO-B", "P2", [0] * 12, 2, 3)]
    job = upload(client, xlsx_upload(tmp_path, "vpr.xlsx", rows), kind="vpr")
    page = client.get(f"/data/upload/{job.pk}/").content.decode()
    assert "Сопоставление столбцов" in page and "Шифр ОО" in page
    assert "нет обязательного столбца «Код ОО»" in page
    assert DataValue.objects.count() == 0  # a preview stores nothing

    job.refresh_from_db()
    from msoko.collection.services import preview_file
    from msoko.collection.uploads import job_path

    preview = preview_file(job_path(job), "vpr", name=job.file_name)
    mapping = dict(preview.mapping, **{"Шифр ОО": "org_code"})
    data = {"kind": "vpr", "header": list(mapping), "key": list(mapping.values()), "profile_name": "Район",
            "action": "import"}
    response = client.post(f"/data/upload/{job.pk}/mapping/", data)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == UploadJob.Status.DONE, job.message
    assert job.batch.status == ImportBatch.Status.DONE and job.percent == 100
    assert ImportProfile.objects.get(kind="vpr", name="Район").mapping["Шифр ОО"] == "org_code"
    status = client.get(f"/data/upload/{job.pk}/status/").json()
    assert (status["status"], status["finished"], status["percent"]) == ("done", True, 100)
    assert DataValue.objects.get(organisation__code="OO-A", data_element__code="vpr_participants", category="ma-4").value == 1


def test_bad_file_ends_failed_with_a_downloadable_error_report(world, client_for, tmp_path):
    client = client_for("department")
    rows = [VPR_HEADER, vpr_row("OO-A", "P1", FULL, 7, 4), vpr_row("NOPE", "P2", FULL, 5, 4)]
    job = upload(client, xlsx_upload(tmp_path, "bad.xlsx", rows))
    page = client.get(f"/data/upload/{job.pk}/").content.decode()
    assert "<td>bad.xlsx</td>" in page and "NOPE" in page  # located in the preview, before any import
    client.post(f"/data/upload/{job.pk}/mapping/", {"kind": "vpr", "action": "import"})
    job.refresh_from_db()
    assert job.status == UploadJob.Status.FAILED and job.batch.status == ImportBatch.Status.FAILED
    page = client.get(f"/data/upload/{job.pk}/").content.decode()
    assert "NOPE" in page
    report = client.get(f"/data/history/{job.batch.pk}/errors.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    found = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    assert any(r[1] == "bad.xlsx" and r[3] == 3 and "NOPE" in r[5] for r in found), found
    assert DataValue.objects.count() == 0


def test_corrected_file_asks_before_replacing_and_the_old_import_is_restorable(world, client_for, tmp_path):
    client = client_for("department")
    first = upload(client, xlsx_upload(tmp_path, "v1.xlsx", [VPR_HEADER, vpr_row("OO-A", "P1", FULL, 5, 4)]))
    client.post(f"/data/upload/{first.pk}/mapping/", {"kind": "vpr", "action": "import"})
    second = upload(client, xlsx_upload(tmp_path, "v2.xlsx", [VPR_HEADER, vpr_row("OO-A", "P1", FULL, 5, 5),
                                                              vpr_row("OO-A", "P2", FULL, 5, 5)]))
    client.post(f"/data/upload/{second.pk}/mapping/", {"kind": "vpr", "action": "import"})
    second.refresh_from_db()
    old = UploadJob.objects.get(pk=first.pk).batch
    assert second.status == UploadJob.Status.CONFIRM and second.conflicts[0]["pk"] == old.pk
    page = client.get(f"/data/upload/{second.pk}/").content.decode()
    assert "Будет заменено" in page and "v1.xlsx" in page and "Заменить" in page
    client.post(f"/data/upload/{second.pk}/replace/")
    second.refresh_from_db()
    old.refresh_from_db()
    assert second.status == UploadJob.Status.DONE and old.status == ImportBatch.Status.REPLACED
    participants = {"organisation__code": "OO-A", "data_element__code": "vpr_participants", "category": "ma-4"}
    assert DataValue.objects.get(**participants).value == 2
    assert "Восстановить" in client.get(f"/data/history/{old.pk}/").content.decode()
    assert client_for("methodist").post(f"/data/history/{old.pk}/restore/").status_code == 403
    client.post(f"/data/history/{old.pk}/restore/")
    old.refresh_from_db()
    assert old.status == ImportBatch.Status.DONE and DataValue.objects.get(**participants).value == 1
    history = client.get("/data/history/").content.decode()
    assert "v1.xlsx" in history and "v2.xlsx" in history and "заменено" in history


def test_lineage_page_names_file_checksum_and_row_and_a_school_sees_only_its_own(world, client_for, tmp_path):
    client = client_for("department")
    job = upload(client, xlsx_upload(tmp_path, "vpr.xlsx", [VPR_HEADER, vpr_row("OO-A", "P1", FULL, 5, 4),
                                                            vpr_row("OO-B", "P2", FULL, 5, 4)]))
    client.post(f"/data/upload/{job.pk}/mapping/", {"kind": "vpr", "action": "import"})
    batch = UploadJob.objects.get(pk=job.pk).batch
    value = DataValue.objects.get(organisation__code="OO-A", data_element__code="vpr_participants", category="ma-4")
    page = client.get(f"/data/values/{value.pk}/").content.decode()
    assert "vpr.xlsx" in page and batch.checksum in page and f"№{batch.pk}" in page
    assert client_for("school_a").get(f"/data/values/{value.pk}/").status_code == 200
    other = DataValue.objects.filter(organisation__code="OO-B").first()
    assert client_for("school_a").get(f"/data/values/{other.pk}/").status_code == 404


def test_upload_of_a_renamed_file_is_refused_before_anything_is_stored(world, client_for):
    client = client_for("department")
    fake = SimpleUploadedFile("vpr.xlsx", "Учебный год;Код ОО\n2024/25;OO-A\n".encode())
    page = client.post("/data/upload/", {"file": fake}, follow=True).content.decode()
    assert "содержимое не соответствует расширению" in page
    assert not UploadJob.objects.exists()
