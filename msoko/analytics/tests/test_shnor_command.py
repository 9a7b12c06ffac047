"""`msoko shnor` on the sample spreadsheet, without the database."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "analytics" / "samples" / "shnor_input.csv"


def test_the_sample_gives_the_expected_lists(tmp_path, capsys):
    call_command("shnor", "--input", str(SAMPLE), "--out", str(tmp_path))
    document = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert document["settings"]["normalisation"] == "minmax"
    assert sorted(document["years"]) == ["2022", "2023", "2024"]
    # the sample was built so that 0102 (town) and 0201 (village) are weak every year and 0201,
    # 0105 work in hard conditions every year; 0207 opened in 2024
    assert {"0102", "0201"} <= set(document["stable_low"])
    assert "0201" in document["overlay"]
    assert document["insufficient_data"] == ["0207"]
    assert document["social_status"]["0207"] == "недостаточно данных"
    for year in document["years"].values():
        for row in year["results"].values():
            assert row["rank"] >= 1
    # each cluster-year with 6 or 7 schools flags ceil(0.25 × N) = 2 schools
    for year in document["years"].values():
        assert sum(r["low"] for r in year["results"].values()) == 4
    assert (tmp_path / "result.xlsx").stat().st_size > 0
    out = capsys.readouterr().out
    assert "Устойчиво низкие результаты" in out


def test_options_are_passed_to_the_settings(tmp_path):
    call_command(
        "shnor", "--input", str(SAMPLE), "--out", str(tmp_path), "--normalisation", "mean_ratio",
        "--share", "0.5", "--window", "2", "--group-by", "none",
    )  # fmt: skip
    settings = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))["settings"]
    assert (settings["normalisation"], settings["share"], settings["window"], settings["group_by"]) == (
        "mean_ratio",
        0.5,
        2,
        "none",
    )


def test_bad_input_exits_with_code_2_and_a_russian_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "org_code;org_name;cluster;year;block;indicator;value;higher_is_better\n"
        "01;СОШ;Город;2023;results;vpr;много;0\n",
        encoding="utf-8",
    )
    msoko = Path(sys.executable).with_name("msoko")
    completed = subprocess.run(
        [str(msoko), "shnor", "--input", str(bad), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env={"MSOKO_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert completed.returncode == 2
    assert "строка 2, столбец «value»: значение «много» не является числом" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not (tmp_path / "out" / "result.json").exists()


def test_bad_share_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        call_command("shnor", "--input", str(SAMPLE), "--out", str(tmp_path), "--share", "2")
    assert caught.value.code == 2
    assert "Параметр share" in capsys.readouterr().err
