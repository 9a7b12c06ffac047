"""Checking an uploaded file before anything reads or stores it: size, extension and content.

Every upload view or API endpoint calls `check_upload(file)` first (in a form's ``clean_<field>``
or before calling a service). A refused file raises `UploadError`, a ``ValidationError`` with a
Russian message naming the file, so a form shows it next to the field and nothing is stored.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from pathlib import PurePath
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError

TABLE_EXTENSIONS = frozenset({"xlsx", "xlsm", "xls", "ods", "csv"})
DOCUMENT_EXTENSIONS = frozenset({"pdf", "docx", "doc", "odt", "xlsx", "xls", "ods", "jpg", "jpeg", "png"})
DEFAULT_EXTENSIONS = TABLE_EXTENSIONS | DOCUMENT_EXTENSIONS

ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# What a file of each extension starts with; csv is checked as text instead.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "xlsx": ZIP,
    "xlsm": ZIP,
    "docx": ZIP,
    "ods": ZIP,
    "odt": ZIP,
    "xls": OLE,
    "doc": OLE,
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
TEXT_ENCODINGS = ("utf-8-sig", "cp1251")
SNIFF_BYTES = 8192


class UploadedFileLike(Protocol):
    name: str
    size: int | None

    def read(self, size: int = -1) -> bytes: ...

    def seek(self, offset: int, whence: int = 0) -> int: ...


class UploadError(ValidationError):
    """An uploaded file msoko refuses; the message is for the user, in Russian."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="upload")
        self.text = message

    def __str__(self) -> str:
        return self.text


def max_upload_bytes() -> int:
    return int(getattr(settings, "MSOKO_MAX_UPLOAD_MB", 200)) * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def check_upload(
    file: UploadedFileLike,
    allowed: Iterable[str] = DEFAULT_EXTENSIONS,
    *,
    max_bytes: int | None = None,
) -> str:
    """Refuse a file that is empty, too big, of a disallowed extension or not what it claims.

    Returns the file's lower-case extension. The file's read position is left at the start.
    """
    name = PurePath(file.name or "").name or "без имени"
    allowed_set = {ext.lower().lstrip(".") for ext in allowed}
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in allowed_set:
        listed = ", ".join(sorted(allowed_set))
        raise UploadError(
            f"Файл «{name}»: тип файла «.{extension}» не принимается; допустимы: {listed}."
            if extension
            else f"Файл «{name}»: у файла нет расширения; допустимы: {listed}."
        )
    size = file.size
    if size is None:
        size = file.seek(0, 2)
    if size == 0:
        raise UploadError(f"Файл «{name}» пуст.")
    if size > limit:
        raise UploadError(
            f"Файл «{name}» слишком большой: {_megabytes(size)} МБ при допустимых {_megabytes(limit)} МБ."
        )
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    if not _content_matches(extension, head):
        if SIGNATURES.get(extension) == ZIP and head.startswith(OLE):
            raise UploadError(
                f"Файл «{name}» защищён паролем или сохранён в старом формате; снимите пароль и сохраните "
                f"его заново как «.{extension}»."
            )
        if extension == "csv":
            raise UploadError(
                f"Файл «{name}»: содержимое не соответствует расширению «.csv» — это не текст в кодировке "
                "UTF-8 или Windows-1251 (двоичные данные, UTF-16 или другая кодировка); сохраните CSV в UTF-8."
            )
        raise UploadError(
            f"Файл «{name}»: содержимое не соответствует расширению «.{extension}» "
            "(файл повреждён или переименован)."
        )
    return extension


def _content_matches(extension: str, head: bytes) -> bool:
    signatures = SIGNATURES.get(extension)
    if signatures is not None:
        return head.startswith(signatures)
    if extension == "csv":
        if b"\x00" in head:
            return False
        for encoding in TEXT_ENCODINGS:
            try:
                # final=False: the sample may end inside a multi-byte character.
                codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            except UnicodeDecodeError:
                continue
            return True
        return False
    return True
