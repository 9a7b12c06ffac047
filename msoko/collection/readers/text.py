"""CSV files: encoding (UTF-8, UTF-8 with BOM, Windows-1251) and delimiter (`;`, `,`, tab) detection."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from msoko.collection.readers.errors import ReadError

DELIMITERS = {";": "точка с запятой", ",": "запятая", "\t": "табуляция"}


@dataclass
class DecodedText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig" or "cp1251"
    delimiter: str


def _looks_like_koi8(text: str) -> bool:
    """KOI8-R decoded as cp1251 turns lowercase Russian into uppercase: a text of capitals."""
    letters = [c for c in text[:200_000] if "А" <= c <= "я" or c in "Ёё"]
    if len(letters) < 20:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper / len(letters) > 0.7


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of a CSV file and its encoding; ReadError for anything but UTF-8 / cp1251."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff") or b"\x00" in data[:4096]:
        raise ReadError(
            f"Файл «{name}»: кодировка UTF-16 или двоичные данные не поддерживаются. "
            "Сохраните CSV в кодировке UTF-8 или Windows-1251."
        )
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError as cp1251_error:
        # The line is where the bytes fit neither encoding (a cp1251 header is not UTF-8 at all).
        line = data[: max(utf8_error.start, cp1251_error.start)].count(b"\n") + 1
        raise ReadError(
            f"Файл «{name}», строка {line}: кодировка не распознана (ожидается UTF-8 или Windows-1251).",
            row=line,
        ) from None
    if _looks_like_koi8(text):
        raise ReadError(
            f"Файл «{name}»: кодировка не распознана — текст похож на KOI8-R или другую кодировку. "
            "Сохраните CSV в кодировке UTF-8 или Windows-1251."
        )
    return text, "cp1251"


def detect_delimiter(text: str, name: str) -> str:
    """The delimiter that splits the header line into the most fields (quotes respected)."""
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not first_line.strip():
        raise ReadError(f"Файл «{name}», строка 1: нет строки заголовков (первая строка пуста).", row=1)
    best, best_count = "", 1
    for delimiter in DELIMITERS:
        fields = next(csv.reader(io.StringIO(first_line, newline=""), delimiter=delimiter))
        if len(fields) > best_count:
            best, best_count = delimiter, len(fields)
    if not best:
        raise ReadError(
            f"Файл «{name}», строка 1: не удалось определить разделитель столбцов "
            "(ожидается точка с запятой, запятая или табуляция)."
        , row=1)
    return best


def decode_csv(data: bytes, name: str) -> DecodedText:
    text, encoding = decode(data, name)
    if encoding == "utf-8-sig":
        text = text.lstrip("\ufeff")
    return DecodedText(text=text, encoding=encoding, delimiter=detect_delimiter(text, name))
