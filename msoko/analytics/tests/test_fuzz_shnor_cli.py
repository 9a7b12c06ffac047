"""Fuzzing `msoko shnor --input` with hypothesis: random long frames (missing columns, non-numeric
values, higher_is_better not 0/1, empty years, unknown blocks, repeated rows, odd encodings and
delimiters, csv or xlsx). The command either exits normally with a valid result.json (strict JSON:
no NaN or Infinity) or exits with code 2 and a Russian message naming the row and the column
(a few whole-file reasons name neither) — never an unexpected exception, which on the command line
would be a traceback. Examples run in-process through `call_command`; one hostile file also goes
through the real `msoko` executable to see the exit code and stderr as a user does.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from msoko.collection.tests.files import write_xlsx

COLUMNS = ["org_code", "org_name", "cluster", "year", "block", "indicator", "value", "higher_is_better"]
INDICATORS = {"vpr": ("results", "0"), "ege": ("results", "1"), "odn": ("social", "0")}
JUNK = ["", " ", "много", "-1", "1e308", "-1e308", "NaN", "inf", "-inf", "2", "да", "1,5", "０", "😀", "2023/24",
        "20233", "1.0", "0.0", "results", "social", "Results", "x" * 60]
WHOLE_FILE = ("в строке заголовков нет обязательных столбцов", "нет ни одной строки с данными", "пуст",
              "Во входной таблице нет столбцов", "… и ещё ошибок", "уменьшите параметр window",
              "двоичные данные или кодировка UTF-16", "кодировка не распознана")
PLACE = re.compile(r"строк[аи] \d+")
counter = itertools.count()


@st.composite
def long_frame(draw) -> list[list[str]]:
    schools = draw(st.integers(1, 8))
    full = ["2022", "2023", "2024"]  # the default window of three years
    years = draw(st.sampled_from([full, full, full, ["2022", "2023/24", "2024"], ["2023", "2024"], ["2024"]]))
    indicators = draw(st.lists(st.sampled_from(sorted(INDICATORS)), min_size=1, max_size=3, unique=True))
    rows = []
    for school in range(schools):
        cluster = draw(st.sampled_from(["Город", "Село"]))
        for year in years:
            for indicator in indicators:
                block, hib = INDICATORS[indicator]
                value = draw(st.one_of(st.floats(0, 100, allow_nan=False).map(lambda v: f"{v:.2f}"), st.just("")))
                rows.append([f"{school + 1:04d}", f"Школа {school + 1}", cluster, year, block, indicator, value, hib])
    for _ in range(draw(st.integers(0, 3))):  # cells replaced by junk
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(COLUMNS) - 1))
        rows[r][c] = draw(st.one_of(st.sampled_from(JUNK), st.text(max_size=8)))
    if draw(st.integers(0, 5)) == 0:
        rows.insert(draw(st.integers(0, len(rows))), [""] * len(COLUMNS))  # an empty row
    if draw(st.integers(0, 5)) == 0:
        rows.append(list(rows[0]))  # a repeated row
    header = list(COLUMNS)
    if draw(st.integers(0, 5)) == 0:  # a missing column
        drop = draw(st.integers(0, len(COLUMNS) - 1))
        header.pop(drop)
        rows = [r[:drop] + r[drop + 1:] for r in rows]
    if draw(st.integers(0, 5)) == 0:  # an extra column and shuffled header case
        header = [h.upper() if draw(st.booleans()) else h for h in header] + ["примечание"]
        rows = [[*r, "x"] for r in rows]
    return [header, *rows]


def write(folder: Path, table: list[list[str]], form: str, encoding: str, delimiter: str) -> Path:
    number = next(counter)
    if form == "xlsx":
        clean = [["".join(ch for ch in v if ord(ch) >= 32).lstrip("=") or None for v in row] for row in table]
        return write_xlsx(folder / f"in{number}.xlsx", clean)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(table)
    path = folder / f"in{number}.csv"
    try:
        path.write_bytes(buffer.getvalue().encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def reject_constant(name: str):
    raise ValueError(f"result.json is not strict JSON: {name}")


def run_shnor(path: Path, out: Path) -> tuple[int, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("shnor", "--input", str(path), "--out", str(out), stdout=stdout, stderr=stderr)
    except SystemExit as exit_:
        return int(exit_.code), stderr.getvalue()
    return 0, stdout.getvalue()


@settings(max_examples=50, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(table=long_frame(), form=st.sampled_from(["csv", "csv", "xlsx"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]), delimiter=st.sampled_from([";", ",", "\t"]))
def test_shnor_command_ends_with_a_result_or_a_located_message(tmp_path, table, form, encoding, delimiter):
    path = write(tmp_path, table, form, encoding, delimiter)
    out = tmp_path / f"out{next(counter)}"
    code, text = run_shnor(path, out)
    event(f"exit {code}")
    if code == 0:
        document = json.loads((out / "result.json").read_text(encoding="utf-8"), parse_constant=reject_constant)
        assert document["years"] and (out / "result.xlsx").stat().st_size > 0
        assert "Окно анализа" in text
        return
    assert code == 2, text
    assert text.startswith("Ошибка: "), text
    assert not (out / "result.json").exists()
    first = text.removeprefix("Ошибка: ").splitlines()[0]
    located = PLACE.search(first) and "столбец «" in first
    assert located or any(w in text for w in WHOLE_FILE), text


def test_an_unmutated_frame_gives_a_result(tmp_path):
    """The fuzzer's starting point succeeds, so the «exit 0» branch is really reached."""
    rows = [[f"{s:04d}", f"Школа {s}", "Город", year, block, indicator, f"{10 * s + i}", hib]
            for s in range(1, 6) for year in ("2022", "2023", "2024")
            for i, (indicator, (block, hib)) in enumerate(INDICATORS.items())]
    path = write(tmp_path, [COLUMNS, *rows], "csv", "utf-8", ";")
    code, text = run_shnor(path, tmp_path / "out")
    assert code == 0, text
    assert json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))["stable_low"]


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("cp1251-junk.csv", "org_code;org_name\n".encode("cp1251") + b"\x98\x9f;x\n", "строка 2: кодировка не распознана"),
    ("utf16.csv", ";".join(COLUMNS).encode("utf-16"), "двоичные данные или кодировка UTF-16"),
    ("renamed.xlsx", b"%PDF-1.4 not a workbook", "не является книгой Excel"),
    ("secret.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "защищён паролем"),
])
def test_hostile_inputs_exit_with_code_2_and_a_message(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    code, text = run_shnor(path, tmp_path / "out")
    assert code == 2 and expected in text, text


def test_a_workbook_bomb_through_the_real_command_exits_2_without_traceback(tmp_path):
    """calamine would abort the process on a sheet whose cells reach XFD1048576: refused first."""
    from msoko.collection.tests.test_hostile_files import far_cell

    path = tmp_path / "far.xlsx"
    path.write_bytes(far_cell())
    msoko = Path(sys.executable).with_name("msoko")
    completed = subprocess.run(
        [str(msoko), "shnor", "--input", str(path), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=60,
        env={"MSOKO_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", "RUST_BACKTRACE": "0"},
    )
    assert completed.returncode == 2, completed.stderr[-1000:]
    assert "ячейки листа расположены слишком широко" in completed.stderr
    assert "Traceback" not in completed.stderr
