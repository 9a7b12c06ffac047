"""Checks made on an uploaded file before a parser reads it.

An xlsx file is a zip of XML parts. Everything here works on the zip directory and on streamed,
size-limited decompression, so a zip bomb, an XML entity trick or a sheet declaring billions of
cells is refused before calamine allocates anything for it.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

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


def _check_prolog(archive: zipfile.ZipFile, member: str, name: str) -> None:
    """DTDs (and so entity definitions) may only appear before the root element."""
    with archive.open(member) as handle:
        head = handle.read(4096)
    upper = head.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise ReadError(
            f"Файл «{name}» отклонён: часть «{member}» содержит объявления DTD/ENTITY, "
            "которые не встречаются в обычных книгах Excel."
        )


def _scan_sheet(archive: zipfile.ZipFile, member: str, name: str, sheet: str, info: XlsxInfo) -> None:
    """Stream the sheet XML once: dimension, formulas and merged cells in the header row."""
    chunk_size = 4 * 1024 * 1024
    tail = b""
    seen_dimension = False
    read_total = 0
    limit = archive.getinfo(member).file_size
    with archive.open(member) as handle:
        while True:
            chunk = handle.read(chunk_size)
            if not chunk:
                break
            read_total += len(chunk)
            if read_total > limit or read_total > MAX_UNCOMPRESSED_TOTAL:
                raise ReadError(f"Файл «{name}» отклонён: лист «{sheet}» распаковывается больше заявленного размера.")
            data = tail + chunk
            if not seen_dimension:
                match = _DIMENSION.search(data)
                if match:
                    seen_dimension = True
                    _check_dimension(match, name, sheet, info)
            if (b"<f>" in data or b"<f " in data or b":f>" in data or b":f " in data) and _FORMULA.search(data):
                raise ReadError(
                    f"Файл «{name}», лист «{sheet}»: в ячейках есть формулы. Замените их значениями "
                    "(«Копировать → Специальная вставка → Значения») и загрузите файл снова."
                )
            for merge in _MERGE.finditer(data) if b"mergeCell " in data else ():
                if int(merge.group(2)) == 1:
                    first, last = merge.group(1).decode(), merge.group(3).decode()
                    raise ReadError(
                        f"Файл «{name}», лист «{sheet}», строка 1: объединённые ячейки заголовка "
                        f"({first}1:{last}{merge.group(4).decode()}). Каждому столбцу нужен свой заголовок "
                        "в отдельной ячейке первой строки.",
                        sheet=sheet, row=1, column=first,
                    )
            tail = data[-256:]


def _check_dimension(match: re.Match, name: str, sheet: str, info: XlsxInfo) -> None:
    last_col = match.group(3) or match.group(1)
    last_row = match.group(4) or match.group(2)
    columns = column_index(last_col.decode())
    rows = int(last_row)
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
    name = name or path.name
    info = XlsxInfo()
    with _open_zip(path, name) as archive:
        _check_directory(archive, name)
        try:
            for member in archive.namelist():
                if member.endswith((".xml", ".rels", ".vml")):
                    _check_prolog(archive, member, name)
            sheets = _sheet_parts(archive)
            info.sheet_names = [s[0] for s in sheets]
            visible = [s for s in sheets if not s[2]]
            if not sheets:
                raise ReadError(f"Файл «{name}»: в книге нет листов.")
            if len(sheets) > 1:
                listed = ", ".join(f"«{s[0]}»" for s in sheets)
                hidden = " (в том числе скрытые)" if len(visible) < len(sheets) else ""
                raise ReadError(
                    f"Файл «{name}»: в книге {len(sheets)} листа{hidden}: {listed}. "
                    "Оставьте один лист с таблицей данных."
                )
            sheet_name, part, _ = sheets[0]
            if part not in archive.namelist():
                raise ReadError(f"Файл «{name}» повреждён: не найден лист «{sheet_name}».")
            _scan_sheet(archive, part, name, sheet_name, info)
        except zipfile.BadZipFile:
            raise ReadError(f"Файл «{name}» повреждён или обрезан: книга Excel не читается.") from None
        except (zipfile.LargeZipFile, EOFError, OSError, RuntimeError, NotImplementedError, zlib.error):
            raise ReadError(f"Файл «{name}» повреждён, обрезан или защищён: книга Excel не читается.") from None
    return info
