"""Writes of the DHIS2 code mapping (one transaction, one audit entry each)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from msoko.api.models import CodeMapping
from msoko.core import audit


class MappingError(ValueError):
    """A mapping that cannot be saved; the message is in Russian."""


def set_mapping(kind: str, code: str, external: str, *, note: str = "", actor: Any = None) -> CodeMapping:
    """Map msoko `code` of `kind` to `external` (replacing the previous mapping of that code)."""
    if kind not in CodeMapping.Kind.values:
        raise MappingError(f"Неизвестный вид сопоставления «{kind}»; допустимы: {', '.join(CodeMapping.Kind.values)}.")
    external = external.strip()
    if not external:
        raise MappingError("Укажите идентификатор во внешней системе.")
    with transaction.atomic():
        taken = CodeMapping.objects.filter(kind=kind, external=external).exclude(code=code).first()
        if taken is not None:
            raise MappingError(f"Идентификатор «{external}» уже сопоставлен коду «{taken.code}» ({taken.get_kind_display()}).")
        mapping = CodeMapping.objects.filter(kind=kind, code=code).first()
        before = None if mapping is None else {"external": mapping.external}
        if mapping is None:
            mapping = CodeMapping(kind=kind, code=code)
        mapping.external, mapping.note = external, note
        mapping.save()
        audit.record(actor, "api.mapping.set", mapping, before=before, after={"kind": kind, "code": code, "external": external})
    return mapping


def remove_mapping(kind: str, code: str, *, actor: Any = None) -> bool:
    with transaction.atomic():
        mapping = CodeMapping.objects.filter(kind=kind, code=code).first()
        if mapping is None:
            return False
        audit.record(actor, "api.mapping.remove", mapping, before={"kind": kind, "code": code, "external": mapping.external})
        mapping.delete()
    return True
