"""`msoko catalog …` management command."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from msoko.catalog.models import CatalogVersion, Indicator

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("catalog", *args, stdout=out)
    return out.getvalue()


def test_export_json_writes_the_documented_keys(tmp_path):
    run("load-default")
    out = tmp_path / "catalog.json"
    run("export", "--format", "json", "--out", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["version"] == "msoko-2026.1"
    assert len(doc["directions"]) == 8
    total = 0
    for direction in doc["directions"]:
        assert {"number", "name", "mechanism", "goals", "indicators"} <= set(direction)
        assert len(direction["indicators"]) >= 5
        for indicator in direction["indicators"]:
            assert {"code", "name", "formula", "unit", "higher_is_better", "source", "seed_ref"} <= set(indicator)
            assert isinstance(indicator["higher_is_better"], bool)
            assert indicator["seed_ref"] and indicator["formula"]
        total += len(direction["indicators"])
    assert total >= 80


def test_import_reads_what_export_wrote_into_a_fresh_database(tmp_path):
    run("load-default")
    out = tmp_path / "catalog.json"
    run("export", "--format", "json", "--out", str(out))
    CatalogVersion.objects.all().delete()
    message = run("import", str(out))
    assert "Загружена версия каталога «msoko-2026.1»" in message
    again = tmp_path / "again.json"
    run("export", "--format", "json", "--out", str(again))
    assert json.loads(again.read_text(encoding="utf-8")) == json.loads(out.read_text(encoding="utf-8"))


def test_export_of_a_named_version_and_yaml_format(tmp_path):
    run("load-default")
    out = tmp_path / "catalog.yaml"
    run("export", "--format", "yaml", "--out", str(out), "--version", "msoko-2026.1")
    assert "Файл" in run("check", str(out))
    with pytest.raises(CommandError, match="«нет-такой» не найдена"):
        run("export", "--out", str(out), "--version", "нет-такой")


def test_loading_the_default_twice_says_nothing_changed():
    run("load-default")
    assert "ничего не изменено" in run("load-default")


def test_check_names_the_offending_indicator_and_writes_nothing(tmp_path):
    run("load-default")
    out = tmp_path / "catalog.json"
    run("export", "--out", str(out))
    CatalogVersion.objects.all().delete()
    doc = json.loads(out.read_text(encoding="utf-8"))
    doc["version"] = "испорченный"
    doc["directions"][0]["indicators"][0]["numerator"] = "vpr_mark_two"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("check", str(bad))
    assert "«1.01»" in str(caught.value) and "vpr_mark_two" in str(caught.value) and "bad.json" in str(caught.value)
    with pytest.raises(CommandError):
        run("import", str(bad))
    assert Indicator.objects.count() == 0


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="не найден"):
        run("import", str(tmp_path / "нет.json"))
