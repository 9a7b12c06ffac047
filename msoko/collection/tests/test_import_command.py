"""`msoko import KIND FILE`: every documented sample imports, twice = «изменений нет», bad input exits non-zero."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from msoko.collection.models import DataValue, ImportBatch
from msoko.registry.importers import import_clusters, import_organisations

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "formats" / "samples"
KINDS = ["vpr", "gia", "olympiad", "oo1", "values", "preschool", "survey"]


@pytest.fixture
def registry(world):
    from msoko.catalog.services import load_default_catalog

    load_default_catalog()
    import_organisations(SAMPLES / "organisations.xlsx", world.municipality)
    import_clusters(SAMPLES / "clusters.csv", world.municipality)
    return world


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_each_sample_imports_and_the_second_time_nothing_changes(registry, kind, suffix, capsys):
    call_command("import", kind, str(SAMPLES / f"{kind}.{suffix}"), "--year", "2024/25", "--no-progress")
    assert "загружен (загрузка №" in capsys.readouterr().out
    values = DataValue.objects.count()
    assert values > 0
    call_command("import", kind, str(SAMPLES / f"{kind}.{suffix}"), "--no-progress")
    assert "изменений нет" in capsys.readouterr().out
    assert DataValue.objects.count() == values


def test_sample_vpr_values_match_hand_count(registry):
    call_command("import", "vpr", str(SAMPLES / "vpr.xlsx"), "--no-progress")
    school = DataValue.objects.filter(organisation__code="OO-0001")
    # OO-0001: math P-1001 «5» (journal 4, raised), P-1002 «3» (journal 3); russian P-1001 «5», P-1002 «3»
    assert school.get(data_element__code="vpr_participants", category="").value == 4
    assert school.get(data_element__code="vpr_mark5", category="ru-4").value == 1
    assert school.get(data_element__code="vpr_raised", category="ma-4").value == 1
    assert school.get(data_element__code="vpr_confirmed", category="").value == 1


def test_bad_file_exits_with_the_russian_message_and_stores_nothing(registry, tmp_path):
    bad = tmp_path / "vpr.csv"
    bad.write_text((SAMPLES / "vpr.csv").read_text(encoding="utf-8").replace(";20;5;4", ";20;7;4"), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import", "vpr", str(bad), "--no-progress")
    assert "строка 2, столбец «Отметка» (№ 24): значение 7 вне допустимого диапазона (2–5)" in str(caught.value)
    assert DataValue.objects.count() == 0
    assert ImportBatch.objects.get().status == "failed"


def test_replacement_needs_yes(registry, tmp_path):
    call_command("import", "oo1", str(SAMPLES / "oo1.csv"), "--no-progress")
    fixed = tmp_path / "oo1-fixed.csv"
    fixed.write_text((SAMPLES / "oo1.csv").read_text(encoding="utf-8").replace("812", "815"), encoding="utf-8")
    with pytest.raises(CommandError, match="--yes"):
        call_command("import", "oo1", str(fixed), "--no-progress")
    call_command("import", "oo1", str(fixed), "--no-progress", "--yes")
    assert DataValue.objects.get(organisation__code="OO-0001", data_element__code="students_total").value == 815


def test_shell_command_fails_without_traceback(tmp_path):
    bad = tmp_path / "renamed.xlsx"
    bad.write_text("Код ОО;Значение\n", encoding="utf-8")
    env = dict(os.environ, MSOKO_DATA_DIR=str(tmp_path / "data"))
    env.pop("MSOKO_DATABASE_URL", None)  # a throw-away SQLite database in tmp_path
    subprocess.run([sys.executable, "-m", "msoko.cli", "migrate", "-v0"], env=env, check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-m", "msoko.cli", "import", "vpr", str(bad), "--no-progress"], env=env,
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert "не является книгой Excel" in done.stderr
    assert "Traceback" not in done.stderr
