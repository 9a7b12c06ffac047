"""The cheap safety scan of a sheet (`readers/inspect.py`): plain cells pass in one search per
chunk; every other way of writing a cell is measured exactly, however the XML spells it.

Sheets are written byte by byte (the builders of `test_hostile_files`), so each case is the exact
XML a writer — or an attacker — could put in the file.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from msoko.collection.readers import ReadError, inspect, read_table
from msoko.collection.readers.inspect import ZIP_STORED, check_xlsx
from msoko.collection.tests.test_hostile_files import SHEET, _sheet, workbook

FAR = "слишком широко"


def _with_cells(tmp_path: Path, cells: bytes, name: str = "book.xlsx") -> Path:
    """The base ВПР workbook with `cells` appended to its last row."""
    path = tmp_path / name
    path.write_bytes(workbook(replace={SHEET: _sheet().replace(b"</row></sheetData>", cells + b"</row></sheetData>")}))
    return path


@pytest.mark.parametrize("cells", [
    b'<c r="AZ2"><v>1</v></c><c r="B999999"><v>1</v></c>',
    b'<c r="AZ2"><v>1</v></c><c r="B1039999"><v>1</v></c>',  # a million-participant export reaches 1 000 001
    b'<c r="BE2"><v>1</v></c><c r="B1048576"><v>1</v></c>',  # measured: 57 × 1 048 576 < 60 million
], ids=["six-digits", "seven-digits", "measured"])
def test_cells_within_the_limits_pass(tmp_path, cells):
    """1 039 999 × 52 cells is under the 60 million limit: plain references there are no threat."""
    check_xlsx(_with_cells(tmp_path, cells))


@pytest.mark.parametrize("cells", [
    b'<c r="A1048577"><v>1</v></c>',  # seven digits, beyond the last Excel row
    b'<c r="ALM2"><v>1</v></c>',  # column 1 001
    b'<c r="BZ2"><v>1</v></c><c r="B999999"><v>1</v></c>',  # 78 × 999 999
    b'<c r="BF2"><v>1</v></c><c r="B1048576"><v>1</v></c>',  # 58 × 1 048 576
], ids=["far-row", "far-column", "wide-and-deep", "just-over"])
def test_far_plain_references_are_refused(tmp_path, cells):
    with pytest.raises(ReadError, match=FAR):
        check_xlsx(_with_cells(tmp_path, cells))


@pytest.mark.parametrize("cells", [
    b'<c\tr="A5000000"><v>1</v></c>',
    b'<c r = "A5000000"><v>1</v></c>',
    b"<c r='A5000000'><v>1</v></c>",
    b'<c r="a5000000"><v>1</v></c>',
    b'<x:c r="A5000000"><v>1</v></x:c>',
    b'<c t="n" r="A5000000"><v>1</v></c>',
], ids=["tab", "spaces", "single-quotes", "lower-case", "prefixed", "r-not-first"])
def test_far_references_written_unusually_are_still_found(tmp_path, cells):
    with pytest.raises(ReadError, match="строки 5000000"):
        check_xlsx(_with_cells(tmp_path, cells))


def test_unusual_spelling_of_near_references_is_accepted(tmp_path):
    """Single quotes and a tab are valid XML; near cells written so are read as usual."""
    path = _with_cells(tmp_path, b"<c\tr='W2'><v>7</v></c>")
    check_xlsx(path)
    assert read_table(path).rows == 2


def test_a_row_number_of_thousands_of_digits_is_refused_not_crashed(tmp_path):
    """`int()` refuses 4 300+ digit strings with ValueError; the scan must answer with a ReadError."""
    with pytest.raises(ReadError, match=FAR):
        check_xlsx(_with_cells(tmp_path, b'<c r="A' + b"9" * 5000 + b'"><v>1</v></c>'))


def test_formula_found_whatever_chunk_it_is_in(tmp_path):
    """A formula deep in a sheet larger than one inflate chunk (≈ 700 KB of XML) is still refused."""
    filler = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(3, 40003))
    sheet = _sheet().replace(b"</sheetData>", filler + b'<row r="40003"><c r="A40003"><f>1+1</f></c></row></sheetData>')
    path = tmp_path / "formula.xlsx"
    path.write_bytes(workbook(replace={SHEET: sheet}))
    with pytest.raises(ReadError, match="формулы"):
        check_xlsx(path)


def test_a_cell_tag_cut_by_the_chunk_end_is_seen_whole(tmp_path, monkeypatch):
    """The sheet is stored (not deflated), so chunks end at exact multiples of INFLATE_CHUNK: the far
    cell's tag starts 300 bytes before the first boundary and its reference lies after it."""
    monkeypatch.setattr(inspect, "INFLATE_CHUNK", 4096)
    sheet = _sheet()
    start = sheet.index(b"</row></sheetData>")
    padding = b" " * (4096 - 300 - start)
    tag = b"<c" + b" " * 600 + b'r="A5000000"><v>1</v></c>'
    sheet = sheet[:start] + padding + tag + sheet[start:]
    assert sheet.index(b"<c" + b" " * 600) == 4096 - 300
    path = tmp_path / "cut.xlsx"
    path.write_bytes(workbook(raw={SHEET: (sheet, zlib.crc32(sheet), len(sheet), ZIP_STORED)}))
    with pytest.raises(ReadError, match="строки 5000000"):
        check_xlsx(path)


def test_a_corrupt_deflate_stream_is_a_damaged_file_not_a_crash(tmp_path):
    """The zip directory is intact but the sheet's compressed bytes are garbage: the inflater's own
    error (ISA-L) becomes the Russian «повреждён» message."""
    import zipfile

    assert read_table(_with_cells(tmp_path, b'<c r="A2"><v>1</v></c>')).rows > 0  # the same workbook reads when intact
    path = _with_cells(tmp_path, b'<c r="A2"><v>1</v></c>' * 200, "corrupt.xlsx")
    with zipfile.ZipFile(path) as archive:
        info = next(i for i in archive.infolist() if i.filename.startswith("xl/worksheets/"))
    assert info.compress_type == zipfile.ZIP_DEFLATED
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start:start + 16] = b"\xff" * 16  # an invalid deflate block header
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError, match="повреждён"):
        check_xlsx(path, "corrupt.xlsx")
