"""Checks made on an uploaded file before a parser reads it.

An xlsx file is a zip of XML parts. Everything here works on the zip directory and on streamed,
size-limited decompression, so a zip bomb, an XML entity trick or a sheet declaring billions of
cells is refused before calamine allocates anything for it.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from isal import isal_zlib  # ISA-L inflate: the same API as zlib, about twice as fast on sheet XML

from msoko.collection.readers.errors import ReadError

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls and password-protected (encrypted) OOXML

# Limits, generous for a 1 000 000-row ВПР export and far below what hurts the server.
MAX_UNCOMPRESSED_TOTAL = 4 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, for parts larger than RATIO_MIN_SIZE
RATIO_MIN_SIZE = 1024 * 1024
MAX_MEMBERS = 5000
MAX_ROWS = 1_048_576
MAX_COLUMNS = 1000
MAX_CELLS = 60_000_000

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")

_STATE = re.compile(rb"state=\"(hidden|veryHidden)\"")
# Where calamine places cells: a cell's own reference r="AB7" (or, without one, its row's r="7").
# The patterns start with a literal, so a sheet is scanned at memory speed. Cells in columns A–Z
# are looked at only when their row has 7 digits: they cannot make the rectangle too big unless the
# sheet is also wider than MAX_CELLS / MAX_ROWS columns, and then a second pass finds their rows.
_ROW_REF = re.compile(rb' r="(\d+)"')
_WIDE_CELL_COLUMN = re.compile(rb' r="([A-Z]{2,})\d')
_WIDE_CELL_ROW = re.compile(rb' r="[A-Z]{2,}(\d+)"')
_FAR_CELL_REF = re.compile(rb' r="[A-Z](\d{7,})"')
_NARROW_CELL_REF = re.compile(rb' r="[A-Z](\d+)"')
# Cells and rows without a reference are placed by counting; spotted cheaply, measured in a second pass.
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_UNREFERENCED_CELL = re.compile(rb'<c(?! r=")[\s>/]')
_UNREFERENCED_ROW = re.compile(rb'<row(?! r=")[\s>/]')
# A cell tag not in the plain form `<c r="B7"` (column up to AZ, row up to 1 039 999: a ВПР export of
# a million participants has rows 1 000 000 and 1 000 001).
_ODD_CELL = re.compile(rb'<c(?! r="A?[A-Z](?:[0-9]{1,6}+|10[0-3][0-9]{4})")[\s>/]')
# A reference written in a way no spreadsheet writer uses but XML allows (a tab or line break before
# the attribute, spaces around «=», single quotes, lower-case letters): the patterns above, which
# start with the literal ` r="`, would not see it, so such a sheet is measured with `_ANY_REF`.
_UNUSUAL_REF = re.compile(rb"r(?:(?<=[\t\n\r]r)\s*=|(?<=\sr)(?:\s+=|=\s|='|=\"[a-z]))")
_ANY_REF = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]*)([0-9]+)[\"']")
_UNIQUE_COUNT = re.compile(rb"uniqueCount=\"(\d+)\"")

ZIP_STORED, ZIP_DEFLATED = 0, 8
_TAG_TAIL = 4096  # the last tag of a chunk, carried over to the next, is at most this long
INFLATE_CHUNK = 4 * 1024 * 1024


def _row_number(digits: bytes) -> int:
    """A row reference as a number; past 12 digits just «too far» (`int` refuses 4 300+ digits)."""
    return int(digits) if len(digits) <= 12 else 10**12


def column_index(letters: str) -> int:
    """1-based index of a column given by letters: A → 1, Z → 26, AA → 27."""
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index


def column_letters(index: int) -> str:
    """Column letters of a 1-based index: 1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class XlsxInfo:
    sheet_names: list[str] = field(default_factory=list)
    rows: int = 0
    columns: int = 0


def detect_format(path: Path, name: str | None = None) -> str:
    """'xlsx' or 'csv', checked against the file's first bytes; ReadError otherwise."""
    name = name or path.name
    suffix = Path(name).suffix.lower()
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise ReadError(f"Файл «{name}» не открывается: {exc.strerror}.") from None
    if not head:
        raise ReadError(f"Файл «{name}» пуст (0 байт).")
    if suffix == ".xlsx":
        if head.startswith(OLE_MAGIC):
            raise ReadError(
                f"Файл «{name}» защищён паролем или сохранён в старом формате .xls. "
                "Снимите пароль и сохраните файл как «Книга Excel (.xlsx)»."
            )
        if not head.startswith(XLSX_MAGIC):
            raise ReadError(
                f"Файл «{name}» имеет расширение .xlsx, но не является книгой Excel "
                "(возможно, это переименованный файл другого формата)."
            )
        return "xlsx"
    if suffix in {".csv", ".txt"}:
        if head.startswith(XLSX_MAGIC) or head.startswith(OLE_MAGIC):
            raise ReadError(
                f"Файл «{name}» имеет расширение {suffix}, но является двоичным файлом "
                "(возможно, это переименованная книга Excel: сохраните её как .xlsx)."
            )
        return "csv"
    if suffix == ".xls":
        raise ReadError(f"Файл «{name}»: старый формат .xls не поддерживается; сохраните его как .xlsx.")
    raise ReadError(
        f"Файл «{name}»: расширение «{suffix or 'без расширения'}» не поддерживается; "
        "загрузите книгу Excel (.xlsx) или текстовый файл CSV (.csv)."
    )


def _open_zip(path: Path, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ReadError(f"Файл «{name}» повреждён или обрезан: книга Excel не читается.") from None
    except OSError as exc:
        raise ReadError(f"Файл «{name}» не открывается: {exc.strerror}.") from None


def _check_directory(archive: zipfile.ZipFile, name: str) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ReadError(f"Файл «{name}»: слишком много частей в архиве книги ({len(members)}).")
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise ReadError(f"Файл «{name}» зашифрован; снимите пароль и сохраните книгу заново.")
        if info.compress_type not in (ZIP_STORED, ZIP_DEFLATED):
            raise ReadError(
                f"Файл «{name}»: часть «{info.filename}» сжата необычным способом (метод {info.compress_type}), "
                "которым Excel не пользуется. Откройте файл в Excel и сохраните его заново как .xlsx."
            )
        total += info.file_size
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ReadError(
                f"Файл «{name}» отклонён: часть «{info.filename}» сжата подозрительно сильно "
                f"(в {info.file_size // max(info.compress_size, 1)} раз) — похоже на «zip-бомбу»."
            )
    if total > MAX_UNCOMPRESSED_TOTAL:
        raise ReadError(
            f"Файл «{name}» отклонён: после распаковки он занял бы {total // 1024**2} МБ "
            f"(допустимо не более {MAX_UNCOMPRESSED_TOTAL // 1024**2} МБ)."
        )
    names = {info.filename for info in members}
    if "xl/workbook.xml" not in names:
        raise ReadError(f"Файл «{name}» не является книгой Excel: нет описания книги (xl/workbook.xml).")
    if any(n.startswith("xl/externalLinks/") for n in names):
        raise ReadError(
            f"Файл «{name}» содержит внешние ссылки на другие книги. Замените формулы значениями "
            "(«Специальная вставка → Значения») и удалите связи."
        )


def _inflate(raw: BinaryIO, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """The part's real content in chunks, refused as soon as it outgrows its declared size.

    `zipfile` stops at the size the directory declares, but calamine inflates the whole stream:
    a part declaring 64 KB whose deflate stream unpacks to gigabytes passes `zipfile` and then
    exhausts memory in the Rust reader (the process aborts). So the stream is inflated here, with
    bounded buffers, from the raw bytes.
    """
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise ReadError(f"Файл «{name}» повреждён или обрезан: книга Excel не читается.")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    produced = 0

    def too_big() -> ReadError:
        return ReadError(
            f"Файл «{name}» отклонён: часть «{info.filename}» распаковывается в больший объём, чем заявлено "
            f"в оглавлении архива ({info.file_size} байт) — похоже на «zip-бомбу»."
        )

    if info.compress_type == ZIP_STORED:
        if info.compress_size != info.file_size:
            raise too_big()
        while left > 0:
            chunk = raw.read(min(INFLATE_CHUNK, left))
            if not chunk:
                raise ReadError(f"Файл «{name}» повреждён или обрезан: книга Excel не читается.")
            left -= len(chunk)
            yield chunk
        return
    inflater = isal_zlib.decompressobj(-15)
    while left > 0 or inflater.unconsumed_tail:
        if inflater.unconsumed_tail:
            data = inflater.unconsumed_tail
        else:
            data = raw.read(min(64 * 1024, left))
            if not data:
                raise ReadError(f"Файл «{name}» повреждён или обрезан: книга Excel не читается.")
            left -= len(data)
        out = inflater.decompress(data, INFLATE_CHUNK)
        produced += len(out)
        if produced > info.file_size:
            raise too_big()
        if out:
            yield out
        if inflater.eof:
            break
    rest = inflater.flush()
    produced += len(rest)
    if produced > info.file_size:
        raise too_big()
    if rest:
        yield rest


def _check_part(raw: BinaryIO, info: zipfile.ZipInfo, name: str) -> None:
    """An XML part: no DTD (and so no entity definitions) before the root element; real size as declared;
    shared strings not declaring more entries than the part could hold (calamine reserves them up front)."""
    head = b""
    for chunk in _inflate(raw, info, name):
        if len(head) < 4096:
            head += chunk[: 4096 - len(head)]
    _check_head(head, info, name)


def _check_head(head: bytes, info: zipfile.ZipInfo, name: str) -> None:
    upper = head[:4096].upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise ReadError(
            f"Файл «{name}» отклонён: часть «{info.filename}» содержит объявления DTD/ENTITY, "
            "которые не встречаются в обычных книгах Excel."
        )
    if info.filename.endswith("sharedStrings.xml"):
        declared = _UNIQUE_COUNT.search(head)
        if declared and _row_number(declared.group(1)) > max(info.file_size // 4, 1000):
            raise ReadError(
                f"Файл «{name}» отклонён: список строк книги заявляет {_row_number(declared.group(1))} записей, "
                f"а занимает {info.file_size} байт — файл испорчен или подделан."
            )


def _scan_sheet(
    raw: BinaryIO, info_zip: zipfile.ZipInfo, name: str, sheet: str, info: XlsxInfo, *, table: bool = True
) -> None:
    """Stream the sheet XML once: dimension, (for a data table, `table`) formulas and merged header
    cells, and whether every cell is in the plain form that cannot be placed too far.

    Almost every writer puts each cell as `<c r="B7"`. With columns up to AZ and rows up to 1 039 999
    such cells span at most 1 039 999 × 52 < MAX_CELLS, so the sheet is safe without measuring where
    they are (row elements do not matter: calamine places a cell by its own reference when it has
    one). One search per chunk for a cell tag *not* in that form costs about a tenth of a second
    per 150 MB of XML; only a sheet where one turns up (a far or wide reference, a cell without a
    reference, a namespace prefix) is measured exactly, in a second pass (`_measure_sheet`).
    """
    tail = b""
    seen_dimension = False
    plain = True
    for chunk in _inflate(raw, info_zip, name):
        if not tail:
            _check_head(chunk, info_zip, name)
        data = tail + chunk
        if not seen_dimension:
            match = _DIMENSION.search(data)
            if match:
                seen_dimension = True
                _check_dimension(match, name, sheet, info)
        if table:
            _check_table_chunk(data, name, sheet)
        # Up to the last «<»: the tag cut by the chunk end is carried over and seen whole next time.
        cut = data.rfind(b"<")
        if plain and (_ODD_CELL.search(data, 0, cut) or (b":" in data and b":c" in data)):
            plain = False
        if cut >= 0 and len(data) - cut <= _TAG_TAIL:
            tail = data[cut:]
        else:  # no tag starts near the end; a cell tag of kilobytes is not plain
            plain = plain and not (cut >= 0 and data.startswith(b"<c", cut))
            tail = data[-256:]
    if not plain:
        _measure_sheet(raw, info_zip, name, sheet)


def _check_table_chunk(data: bytes, name: str, sheet: str) -> None:
    """Formulas and merged header cells, refused in a data table. The one-byte searches (memchr
    speed) skip the chunks that cannot hold an «f» or a «mergeCell» tag at all."""
    if b"f" in data and (b"<f>" in data or b"<f " in data or b":f>" in data or b":f " in data) \
            and _FORMULA.search(data):
        raise ReadError(
            f"Файл «{name}», лист «{sheet}»: в ячейках есть формулы. Замените их значениями "
            "(«Копировать → Специальная вставка → Значения») и загрузите файл снова."
        )
    for merge in _MERGE.finditer(data) if b"g" in data and b"mergeCell " in data else ():
        if _row_number(merge.group(2)) == 1:
            first, last = merge.group(1).decode(), merge.group(3).decode()
            raise ReadError(
                f"Файл «{name}», лист «{sheet}», строка 1: объединённые ячейки заголовка "
                f"({first}1:{last}{merge.group(4).decode()}). Каждому столбцу нужен свой заголовок "
                "в отдельной ячейке первой строки.",
                sheet=sheet, row=1, column=first,
            )


def _measure_sheet(raw: BinaryIO, info_zip: zipfile.ZipInfo, name: str, sheet: str) -> None:
    """Where the cells of a sheet not in the plain form really are: every reference, and for cells
    or rows without one, a count of what could be placed by counting."""
    tail = b""
    max_row, max_column = 0, 0
    unreferenced = unusual = False
    for chunk in _inflate(raw, info_zip, name):
        data = tail + chunk
        rows = _ROW_REF.findall(data) + _FAR_CELL_REF.findall(data)
        columns = set(_WIDE_CELL_COLUMN.findall(data))
        if columns:
            widest = max(columns, key=lambda letters: (len(letters), letters))
            max_column = max(max_column, column_index(widest.decode()) if len(widest) < 4 else MAX_COLUMNS + 1)
            rows += _WIDE_CELL_ROW.findall(data)
        max_row = max(max_row, max(map(_row_number, rows), default=0))
        _check_extent(name, sheet, max_row, max(max_column, 26 if max_row else 0))
        if not unreferenced:  # up to the last «<»: a tag cut by the chunk end is seen whole next time
            unreferenced = _has_unreferenced(data[: data.rfind(b"<")])
        unusual = unusual or bool(_UNUSUAL_REF.search(data))
        tail = data[-256:]
    if unusual:
        max_row, max_column = _measure_any_refs(raw, info_zip, name, sheet, max_row, max_column)
    if unreferenced:
        _check_counted_extent(raw, info_zip, name, sheet, max_row, max_column)
    if max_column > MAX_CELLS // MAX_ROWS:
        # A wide sheet: cells of columns A–Z may claim rows beyond their row elements.
        tail = b""
        for chunk in _inflate(raw, info_zip, name):
            data = tail + chunk
            max_row = max(max_row, max(map(_row_number, _NARROW_CELL_REF.findall(data)), default=0))
            tail = data[-256:]
        _check_extent(name, sheet, max_row, max_column)


def _measure_any_refs(raw: BinaryIO, info_zip: zipfile.ZipInfo, name: str, sheet: str, max_row: int,
                      max_column: int) -> tuple[int, int]:
    """The farthest row and column of every reference, however its attribute is written."""
    tail = b""
    for chunk in _inflate(raw, info_zip, name):
        data = tail + chunk
        for letters, digits in _ANY_REF.findall(data):
            max_row = max(max_row, _row_number(digits))
            if letters:
                max_column = max(max_column, column_index(letters.upper().decode()) if len(letters) < 4
                                 else MAX_COLUMNS + 1)
        _check_extent(name, sheet, max_row, max(max_column, 26 if max_row else 0))
        tail = data[-256:]
    return max_row, max_column


def _has_unreferenced(data: bytes) -> bool:
    """Whether some cell or row may lack its r="…" (a false alarm only costs a second pass)."""
    return bool(_UNREFERENCED_CELL.search(data) or _UNREFERENCED_ROW.search(data)
                or b":c " in data or b":c>" in data)


def _check_counted_extent(raw: BinaryIO, info_zip: zipfile.ZipInfo, name: str, sheet: str, max_row: int,
                          max_column: int) -> None:
    """Bound the rectangle when cells or rows are placed by counting: every row element and every
    cell of the longest row may add one."""
    rows, widest, rest = 0, 0, b""
    for chunk in _inflate(raw, info_zip, name):
        parts = _ROW_END.split(rest + chunk)
        rest = parts.pop()
        rows += len(parts)
        widest = max(widest, max((len(_CELL_TAG.findall(part)) for part in parts), default=0))
        if len(rest) > INFLATE_CHUNK:  # one enormous row: count what is there so far
            widest = max(widest, len(_CELL_TAG.findall(rest)))
            _check_extent(name, sheet, max_row + rows, max_column + widest)
    widest = max(widest, len(_CELL_TAG.findall(rest)))
    _check_extent(name, sheet, max_row + rows + 1, max(max_column, 26) + widest)


def _check_extent(name: str, sheet: str, rows: int, columns: int) -> None:
    """Cells placed far away make calamine allocate the whole rectangle up to them."""
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise ReadError(
            f"Файл «{name}», лист «{sheet}»: ячейки листа расположены слишком широко "
            f"(до строки {rows} и столбца {column_letters(min(columns, 16384))}; допустимо не более {MAX_ROWS} строк, "
            f"{MAX_COLUMNS} столбцов и {f'{MAX_CELLS:_}'.replace('_', ' ')} ячеек)."
        )


def _check_dimension(match: re.Match, name: str, sheet: str, info: XlsxInfo) -> None:
    last_col = match.group(3) or match.group(1)
    last_row = match.group(4) or match.group(2)
    columns = column_index(last_col.decode())
    rows = _row_number(last_row)
    info.rows, info.columns = rows, columns
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise ReadError(
            f"Файл «{name}», лист «{sheet}»: заявленный размер листа слишком велик "
            f"({rows} строк × {columns} столбцов; допустимо не более {MAX_COLUMNS} столбцов "
            f"и {MAX_CELLS:,} ячеек).".replace(",", " ")
        )


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str, bool]]:
    """(sheet name, part path, hidden) in workbook order."""
    workbook = archive.read("xl/workbook.xml")
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        rels = b""
    targets = dict(re.findall(rb"Id=\"([^\"]+)\"[^>]*?Target=\"([^\"]+)\"", rels))
    targets.update({k: v for v, k in re.findall(rb"Target=\"([^\"]+)\"[^>]*?Id=\"([^\"]+)\"", rels)})
    parts = []
    for tag in re.finditer(rb"<(?:\w+:)?sheet\s[^>]*>", workbook):
        text = tag.group(0)
        sheet_name = re.search(rb"name=\"([^\"]*)\"", text)
        rid = re.search(rb"r:id=\"([^\"]+)\"|\w+:id=\"([^\"]+)\"", text)
        target = targets.get(rid.group(1) or rid.group(2)) if rid else None
        if target is None:
            path = ""
        else:
            target_s = target.decode()
            path = target_s.lstrip("/") if target_s.startswith("/") else "xl/" + target_s
        label = _unescape(sheet_name.group(1).decode("utf-8")) if sheet_name else "?"
        parts.append((label, path, bool(_STATE.search(text))))
    return parts


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def check_xlsx(path: Path, name: str | None = None) -> XlsxInfo:
    """Refuse an xlsx that is unsafe or not a plain one-sheet table; return what was learnt."""
    return _check_workbook(Path(path), name, table=True)


def check_xlsx_safety(path: Path, name: str | None = None) -> XlsxInfo:
    """Refuse only what is unsafe to hand to calamine (bombs, entities, far cells, encryption…);
    several sheets, formulas and merged cells are allowed. For readers taking the first sheet of
    any workbook (`msoko shnor --input`)."""
    return _check_workbook(Path(path), name, table=False)


def _check_workbook(path: Path, name: str | None, *, table: bool) -> XlsxInfo:
    name = name or path.name
    info = XlsxInfo()
    with _open_zip(path, name) as archive, open(path, "rb") as raw:
        _check_directory(archive, name)
        try:
            sheets = _sheet_parts(archive)
            info.sheet_names = [s[0] for s in sheets]
            visible = [s for s in sheets if not s[2]]
            if not sheets:
                raise ReadError(f"Файл «{name}»: в книге нет листов.")
            if table and len(sheets) > 1:
                listed = ", ".join(f"«{s[0]}»" for s in sheets)
                hidden = " (в том числе скрытые)" if len(visible) < len(sheets) else ""
                raise ReadError(
                    f"Файл «{name}»: в книге {len(sheets)} листа{hidden}: {listed}. "
                    "Оставьте один лист с таблицей данных."
                )
            names = set(archive.namelist())
            for sheet_name, part, _ in sheets:
                if part not in names:
                    raise ReadError(f"Файл «{name}» повреждён: не найден лист «{sheet_name}».")
            parts = {part for _, part, _ in sheets}
            for member in archive.infolist():
                if member.filename.endswith((".xml", ".rels", ".vml")) and member.filename not in parts:
                    _check_part(raw, member, name)
            for sheet_name, part, _ in sheets:
                _scan_sheet(raw, archive.getinfo(part), name, sheet_name, info, table=table)
        except zipfile.BadZipFile:
            raise ReadError(f"Файл «{name}» повреждён или обрезан: книга Excel не читается.") from None
        except (zipfile.LargeZipFile, EOFError, OSError, RuntimeError, NotImplementedError, zlib.error, isal_zlib.error):
            raise ReadError(f"Файл «{name}» повреждён, обрезан или защищён: книга Excel не читается.") from None
    return info
