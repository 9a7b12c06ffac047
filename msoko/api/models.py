"""API tokens (one user, many named tokens, stored only as hashes) and DHIS2 code mappings."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A bearer token of one user; the key itself is shown once and stored as its SHA-256."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="пользователь", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("название", max_length=100, blank=True)
    key_hash = models.CharField("SHA-256 ключа", max_length=64, unique=True)
    prefix = models.CharField("начало ключа", max_length=12, help_text="Первые символы ключа, чтобы узнать токен в списке.")
    created = models.DateTimeField("создан", auto_now_add=True)
    last_used = models.DateTimeField("последнее использование", null=True, blank=True)
    revoked = models.DateTimeField("отозван", null=True, blank=True)

    class Meta:
        verbose_name = "токен API"
        verbose_name_plural = "токены API"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} — {self.name or self.prefix}"


class CodeMapping(models.Model):
    """One msoko code ↔ one identifier of an external system speaking DHIS2 dataValueSets.

    Without a mapping the msoko code is used as is (DHIS2 `idScheme=CODE`); the default
    category (the organisation total, category "") is DHIS2's «default» option combination.
    """

    class Kind(models.TextChoices):
        DATA_ELEMENT = "dataElement", "элемент данных"
        ORG_UNIT = "orgUnit", "организация"
        CATEGORY = "categoryOptionCombo", "разрез (categoryOptionCombo)"
        PERIOD = "period", "период"

    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    code = models.CharField("код в msoko", max_length=100, blank=True)
    external = models.CharField("идентификатор во внешней системе", max_length=100)
    note = models.CharField("пояснение", max_length=300, blank=True)

    class Meta:
        verbose_name = "сопоставление кодов DHIS2"
        verbose_name_plural = "сопоставления кодов DHIS2"
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="codemapping_unique_code"),
            models.UniqueConstraint(fields=["kind", "external"], name="codemapping_unique_external"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.code or '(итог)'} ↔ {self.external}"
