"""Hostile files against every importer: each is refused with a clear Russian message, nothing is
stored, no batch is left in force, and time and memory stay bounded.

The corpus is built by the tests themselves: zip bombs (an honest one whose directory declares
2 GB, and a lying one declaring 64 KB for a sheet that inflates to 2 GB), a workbook of 6 000 parts,
XML entity tricks (billion laughs, an external entity pointing at /etc/passwd), an enormous declared
dimension, cells placed at XFD1048576 or far below their row, a shared-string table declaring two billion entries, formulas,
external links, an unusual compression method, wrong encodings, a truncated workbook, binary junk,
an empty file, a PDF renamed to .xlsx and a password-protected (OLE container) workbook.

Memory is bounded in two ways: Python allocations of a whole import are traced (tracemalloc), and
the reader — where calamine, in Rust, allocates what a sheet declares — runs over every workbook of
the corpus in a subprocess limited to 1 GB of address space, where an over-allocation would abort.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from msoko.catalog.models import DataElement
from msoko.collection.formats import KINDS
from msoko.collection.models import (
    DataValue,
    GiaResult,
    ImportBatch,
    ImportedValue,
    OlympiadResult,
    SurveyAggregate,
    VprResult,
)
from msoko.collection.services import import_file
from msoko.collection.tests.files import VPR_HEADER, vpr_row, write_xlsx
from msoko.core.models import AuditEntry
from msoko.registry.models import AcademicYear, Period

FULL = [1, 1, 2, 1, 2, 1, 1, 2, 2, 2, 2, 3]
ROWS = [VPR_HEADER, vpr_row("OO-A", "P1", FULL, 5, 4), vpr_row("OO-B", "P2", FULL, 5, 5)]
SHEET = "xl/worksheets/sheet1.xml"
SHEET_PREFIX = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
)
SHEET_SUFFIX = b"</t></is></c></row></sheetData></worksheet>"
BOMB_BLOCK = 4 * 1024 * 1024
BOMB_BLOCKS = 512  # 2 GB of spaces inside one cell
SECONDS = 10.0
PYTHON_PEAK_BYTES = 64 * 1024 * 1024
ADDRESS_SPACE = 1024**3


# -- building hostile workbooks -------------------------------------------------------------------

def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip written byte by byte: (name, stored bytes, crc, declared size, method) — sizes may lie."""
    out, central = bytearray(), bytearray()
    for name, stored, crc, size, method in members:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, 0, 0x21, crc, len(stored), size,
                           len(encoded), 0) + encoded + stored
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, method, 0, 0x21, crc, len(stored),
                               size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


@cache
def base_parts() -> tuple[tuple[str, bytes], ...]:
    """The parts of a genuine one-sheet ВПР workbook written by xlsxwriter."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(Path(folder) / "base.xlsx", ROWS)
        with zipfile.ZipFile(path) as archive:
            return tuple((info.filename, archive.read(info.filename)) for info in archive.infolist())


def workbook(replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
             raw: dict[str, tuple[bytes, int, int, int]] | None = None) -> bytes:
    """The base workbook with parts replaced or added; `raw` parts are given already compressed."""
    members = []
    parts = dict(base_parts())
    parts.update(add or {})
    for name, data in parts.items():
        if raw and name in raw:
            stored, crc, size, method = raw[name]
            members.append((name, stored, crc, size, method))
            continue
        data = (replace or {}).get(name, data)
        members.append((name, _deflate(data), zlib.crc32(data), len(data), 8))
    return raw_zip(members)


@cache
def bomb_stream() -> tuple[bytes, int, int]:
    """A deflate stream of a sheet whose one cell holds 2 GB of spaces: (stream, crc, real size).

    A full flush resets the compressor, so the compressed block of 4 MB of spaces is the same every
    time and is simply repeated — building the bomb costs a second, not the 2 GB.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    fill = b" " * BOMB_BLOCK
    head = compressor.compress(SHEET_PREFIX) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(fill) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(SHEET_SUFFIX) + compressor.flush()
    crc = zlib.crc32(SHEET_PREFIX)
    for _ in range(BOMB_BLOCKS):
        crc = zlib.crc32(fill, crc)
    crc = zlib.crc32(SHEET_SUFFIX, crc)
    return head + block * BOMB_BLOCKS + tail, crc, len(SHEET_PREFIX) + BOMB_BLOCK * BOMB_BLOCKS + len(SHEET_SUFFIX)


def _sheet() -> bytes:
    return dict(base_parts())[SHEET]


def honest_zip_bomb() -> bytes:
    stream, crc, size = bomb_stream()
    return workbook(raw={SHEET: (stream, crc, size, 8)})


def lying_zip_bomb() -> bytes:
    """The directory declares 64 KB (with the right CRC for them): zipfile is satisfied, calamine is not."""
    stream, _, _ = bomb_stream()
    declared = 64 * 1024
    first = SHEET_PREFIX + b" " * (declared - len(SHEET_PREFIX))
    return workbook(raw={SHEET: (stream, zlib.crc32(first), declared, 8)})


def many_parts() -> bytes:
    return workbook(add={f"xl/media/image{i}.png": b"x" for i in range(6000)})


def billion_laughs() -> bytes:
    strings = dict(base_parts())["xl/sharedStrings.xml"]
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    evil = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'.encode() + strings.split(b"?>", 1)[1].replace(
        b"<t>P1</t>", b"<t>&lol9;</t>"
    )
    return workbook(replace={"xl/sharedStrings.xml": evil})


def external_entity() -> bytes:
    sheet = _sheet()
    evil = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + sheet.split(b"?>", 1)[1]
    evil = evil.replace(b"<sheetData>", b'<sheetData><row r="100"><c r="A100" t="inlineStr"><is><t>&xxe;</t></is></c></row>', 1)
    return workbook(replace={SHEET: evil})


def enormous_dimension() -> bytes:
    sheet = _sheet()
    start = sheet.index(b"<dimension ref=")
    end = sheet.index(b"/>", start) + 2
    return workbook(replace={SHEET: sheet[:start] + b'<dimension ref="A1:XFD1048576"/>' + sheet[end:]})


def far_cell() -> bytes:
    """No dimension at all, but one cell at XFD1048576: calamine would allocate 17 billion cells."""
    sheet = _sheet()
    start = sheet.index(b"<dimension ref=")
    end = sheet.index(b"/>", start) + 2
    sheet = sheet[:start] + sheet[end:]
    return workbook(replace={SHEET: sheet.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')})


def cell_below_its_row() -> bytes:
    """Cells placed by their own reference, not their row: A999999 inside row 2, beside BZ2 —
    a rectangle of 999 999 × 78 cells that the row elements alone do not reveal."""
    sheet = _sheet().replace(b"</row></sheetData>", b'<c r="BZ2"><v>1</v></c><c r="A999999"><v>1</v></c></row></sheetData>')
    return workbook(replace={SHEET: sheet})


def cells_without_references() -> bytes:
    """20 000 cells without r="…" in one row and a row numbered 1 000 000: calamine places them by
    counting, a rectangle of 20 billion cells from a 6 KB file."""
    cells = b"<c><v>1</v></c>" * 20000
    sheet = _sheet().replace(b"</sheetData>", b'<row r="3">' + cells + b'</row><row r="1000000"><c><v>1</v></c></row></sheetData>')
    return workbook(replace={SHEET: sheet})


def shared_strings_count() -> bytes:
    strings = dict(base_parts())["xl/sharedStrings.xml"]
    import re

    forged = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="2000000000"', strings)
    return workbook(replace={"xl/sharedStrings.xml": forged})


def formula_cells() -> bytes:
    sheet = _sheet().replace(b'<c r="T2"', b'<c r="T2"><f>SUM(H2:S2)</f></c><c r="ZZ1"', 1)
    return workbook(replace={SHEET: sheet})


def external_link() -> bytes:
    return workbook(add={"xl/externalLinks/externalLink1.xml": b'<externalLink><externalBook r:id="rId1"/></externalLink>'})


def bzip2_part() -> bytes:
    import bz2

    data = _sheet()
    return workbook(raw={SHEET: (bz2.compress(data), zlib.crc32(data), len(data), 12)})


def truncated() -> bytes:
    whole = workbook()
    return whole[: len(whole) // 2]


def ole_container() -> bytes:
    """What Excel writes for a password-protected workbook: an OLE compound file, not a zip."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHH", 0x3E, 3, 0xFFFE)
    return header + b"\x00" * (512 - len(header)) + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 4096


def junk() -> bytes:
    import random

    generator = random.Random(7)
    return bytes(generator.randrange(256) for _ in range(64 * 1024))


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def csv_text(encoding: str) -> bytes:
    lines = [";".join(str(v) for v in row) for row in ROWS]
    return "\n".join(lines).encode(encoding)


def shift_jis_in_cp1251() -> bytes:
    """A cp1251 header and rows, with a participant code in Shift-JIS (bytes cp1251 cannot decode)."""
    header = ";".join(VPR_HEADER).encode("cp1251")
    row = ";".join(str(v) for v in vpr_row("OO-A", "P1", FULL, 5, 4)).encode("cp1251")
    return header + b"\n" + row.replace(b"P1", "弌テスト".encode("shift_jis")) + b"\n"


# name → (file name, builder, what the message must say)
CORPUS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "zip bomb (2 GB declared)": ("bomb.xlsx", honest_zip_bomb, "похоже на «zip-бомбу»"),
    "zip bomb (size lies)": ("liar.xlsx", lying_zip_bomb, "распаковывается в больший объём, чем заявлено"),
    "6000 parts": ("parts.xlsx", many_parts, "слишком много частей в архиве книги (6"),
    "billion laughs": ("laughs.xlsx", billion_laughs, "содержит объявления DTD/ENTITY"),
    "external entity": ("xxe.xlsx", external_entity, "содержит объявления DTD/ENTITY"),
    "enormous dimension": ("dimension.xlsx", enormous_dimension, "заявленный размер листа слишком велик"),
    "cell at XFD1048576": ("far.xlsx", far_cell, "ячейки листа расположены слишком широко"),
    "cell below its row": ("below.xlsx", cell_below_its_row, "ячейки листа расположены слишком широко"),
    "cells without references": ("counted.xlsx", cells_without_references, "ячейки листа расположены слишком широко"),
    "2e9 shared strings": ("strings.xlsx", shared_strings_count, "список строк книги заявляет 2000000000 записей"),
    "formula cells": ("formula.xlsx", formula_cells, "в ячейках есть формулы"),
    "external link": ("links.xlsx", external_link, "содержит внешние ссылки"),
    "bzip2 part": ("bzip.xlsx", bzip2_part, "сжата необычным способом (метод 12)"),
    "truncated xlsx": ("cut.xlsx", truncated, "повреждён или обрезан"),
    "password-protected": ("secret.xlsx", ole_container, "защищён паролем"),
    "junk as xlsx": ("junk.xlsx", junk, "не является книгой Excel"),
    "junk as csv": ("junk.csv", junk, "двоичные данные не поддерживаются"),
    "empty xlsx": ("empty.xlsx", lambda: b"", "пуст (0 байт)"),
    "empty csv": ("empty.csv", lambda: b"", "пуст (0 байт)"),
    "pdf as xlsx": ("report.xlsx", pdf, "не является книгой Excel"),
    "utf-16 csv": ("utf16.csv", lambda: csv_text("utf-16"), "UTF-16"),
    "shift-jis in cp1251": ("sjis.csv", shift_jis_in_cp1251, "строка 2: кодировка не распознана"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    paths = {}
    for case, (file_name, build, _) in CORPUS.items():
        path = folder / file_name
        path.write_bytes(build())
        paths[case] = path
    return paths


# -- what an import may touch ---------------------------------------------------------------------

COUNTED = (DataValue, ImportedValue, VprResult, GiaResult, OlympiadResult, SurveyAggregate, DataElement,
           AcademicYear, Period, AuditEntry)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_the_bombs_are_real():
    """The corpus is what it claims: 2 GB behind a megabyte, and a directory that lies."""
    stream, _, size = bomb_stream()
    assert size > 2 * 1024**3 and len(stream) < 3 * 1024 * 1024
    with zipfile.ZipFile(__import__("io").BytesIO(lying_zip_bomb())) as archive:
        assert archive.getinfo(SHEET).file_size == 64 * 1024
        assert len(archive.read(SHEET)) == 64 * 1024  # zipfile alone is fooled: it stops where told
    inflater = zlib.decompressobj(-15)
    assert len(inflater.decompress(stream[: 64 * 1024], 10 * 1024 * 1024)) == 10 * 1024 * 1024


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", list(CORPUS))
def test_hostile_file_is_refused_with_a_clear_message_and_nothing_stored(world, corpus, kind, case):
    path = corpus[case]
    expected = CORPUS[case][2]
    before = counts()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = import_file(kind, path, year="2024/25")
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert result.status == "failed"
    assert result.message.startswith(f"Файл «{path.name}» не загружен: ошибок — 1. Данные не изменены.")
    assert expected in result.errors[0]["text"], result.errors[0]["text"]
    assert counts() == before
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows_total, batch.values_written) == (ImportBatch.Status.FAILED, 0, 0)
    assert expected in batch.errors[0]["text"]
    assert elapsed < SECONDS, f"{case}: {elapsed:.1f} s"
    assert peak < PYTHON_PEAK_BYTES, f"{case}: {peak / 1024**2:.0f} MB"


READER_SCRIPT = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from msoko.collection.readers import ReadError, read_table
out = {{}}
for path in sys.argv[1:]:
    started = time.perf_counter()
    try:
        read_table(path)
        out[path] = ["read", ""]
    except ReadError as exc:
        out[path] = ["refused", exc.message]
    out[path].append(time.perf_counter() - started)
print(json.dumps(out, ensure_ascii=False))
"""


def test_reader_refuses_every_hostile_workbook_within_1_gb_of_address_space(corpus, tmp_path):
    """calamine allocates in Rust, invisible to tracemalloc: under RLIMIT_AS an over-allocation aborts."""
    paths = [str(p) for p in corpus.values()]
    env = {**os.environ, "RUST_BACKTRACE": "0"}
    completed = subprocess.run(
        [sys.executable, "-c", READER_SCRIPT.format(limit=ADDRESS_SPACE), *paths],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    outcome = json.loads(completed.stdout)
    for case, path in corpus.items():
        status, message, seconds = outcome[str(path)]
        assert status == "refused", case
        assert CORPUS[case][2] in message, (case, message)
        assert seconds < SECONDS, (case, seconds)


def test_a_genuine_workbook_still_reads_under_the_same_limit(tmp_path):
    """The control: the limits refuse hostile files, not the ordinary one the corpus is built from."""
    path = tmp_path / "good.xlsx"
    path.write_bytes(workbook())
    completed = subprocess.run(
        [sys.executable, "-c", READER_SCRIPT.format(limit=ADDRESS_SPACE), str(path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert json.loads(completed.stdout)[str(path)][:2] == ["read", ""]


def test_genuine_workbook_imports(world, tmp_path):
    path = tmp_path / "good.xlsx"
    path.write_bytes(workbook())
    result = import_file("vpr", path, year="2024/25")
    assert result.status == "done", result.errors
    assert VprResult.objects.count() == 2


# -- the upload gate in front of the importers --------------------------------------------------------

UPLOAD_REFUSALS = {
    "password-protected": "защищён паролем или сохранён в старом формате",
    "junk as xlsx": "содержимое не соответствует расширению «.xlsx»",
    "pdf as xlsx": "содержимое не соответствует расширению «.xlsx»",
    "junk as csv": "это не текст в кодировке UTF-8 или Windows-1251",
    "utf-16 csv": "это не текст в кодировке UTF-8 или Windows-1251",
    "shift-jis in cp1251": "это не текст в кодировке UTF-8 или Windows-1251",
    "empty xlsx": "пуст",
    "empty csv": "пуст",
}


@pytest.mark.parametrize("case", list(CORPUS))
def test_upload_gate_refuses_what_it_can_see_and_passes_the_rest_to_the_reader(corpus, case, settings):
    """`check_upload` sees only the first bytes: it refuses disguised and empty files with a message;
    a well-formed zip (a bomb included) passes to the reader, which refuses it as tested above."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from msoko.core.uploads import TABLE_EXTENSIONS, UploadError, check_upload

    path = corpus[case]
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    if case in UPLOAD_REFUSALS:
        with pytest.raises(UploadError) as refused:
            check_upload(upload, TABLE_EXTENSIONS)
        assert UPLOAD_REFUSALS[case] in str(refused.value)
        assert f"«{path.name}»" in str(refused.value)
    else:
        assert check_upload(upload, TABLE_EXTENSIONS) == path.suffix.lstrip(".")
        assert upload.tell() == 0
