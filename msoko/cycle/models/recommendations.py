"""Addressed recommendations, the rule base that drafts them, and the bank of successful practices."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from msoko.core.text import search_key


class AddresseeLevel(models.TextChoices):
    MUNICIPALITY = "municipality", "муниципалитет"
    ORGANISATION = "organisation", "образовательная организация"
    TEACHERS = "teachers", "группа педагогов"
    METHODICAL = "methodical", "методическое объединение"


class FindingKind(models.TextChoices):
    SHNOR = "shnor", "школа с низкими образовательными результатами (ШНОР)"
    SHNOR_STABLE = "shnor_stable", "устойчиво низкие результаты (три года подряд)"
    SHNSU = "shnsu", "школа в неблагоприятных социальных условиях (ШНСУ)"
    SCHOOL_TYPE = "school_type", "тип школы с низкими результатами"
    RISK_ZONE = "risk_zone", "зона риска"
    OBJECTIVITY = "objectivity", "признаки необъективности результатов"
    DEFICIT = "deficit", "дефицит по направлению"


class RecommendationRule(models.Model):
    """Finding kind → recommendation template for one addressee level (editable by specialists)."""

    finding_kind = models.CharField("вид вывода анализа", max_length=20, choices=FindingKind.choices)
    addressee_level = models.CharField("уровень адресата", max_length=20, choices=AddresseeLevel.choices)
    direction_number = models.PositiveSmallIntegerField("направление", null=True, blank=True)
    title = models.CharField("заголовок", max_length=300)
    template = models.TextField("текст рекомендации", help_text="Можно использовать {организация}, {год}, {показатель}.")
    is_active = models.BooleanField("действует", default=True)
    order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField("источник", max_length=200, blank=True)

    class Meta:
        verbose_name = "правило рекомендаций"
        verbose_name_plural = "правила рекомендаций"
        ordering = ["finding_kind", "addressee_level", "order"]

    def __str__(self) -> str:
        return f"{self.get_finding_kind_display()} → {self.get_addressee_level_display()}: {self.title}"


class Practice(models.Model):
    """An entry of the bank of successful practices (банк лучших практик, seed 000 §13–14, 001 §8.4)."""

    class Source(models.TextChoices):
        RESILIENT = "resilient", "резильентная школа"
        LEFT_SHNOR = "left_shnor", "школа, вышедшая из списка ШНОР"
        OTHER = "other", "иное"

    municipality = models.ForeignKey("registry.Municipality", verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="practices")
    title = models.CharField("название", max_length=300)
    description = models.TextField("описание", blank=True)
    organisation = models.ForeignKey("registry.Organisation", verbose_name="организация", null=True, blank=True, on_delete=models.SET_NULL, related_name="practices")
    direction_numbers = models.JSONField("направления", default=list, blank=True)
    source = models.CharField("источник", max_length=12, choices=Source.choices, default=Source.OTHER)
    document_url = models.URLField("документ (ссылка)", blank=True)
    document = models.FileField("документ", upload_to="cycle/practices/", blank=True)
    year = models.ForeignKey("registry.AcademicYear", verbose_name="учебный год", null=True, blank=True, on_delete=models.SET_NULL)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = "практика"
        verbose_name_plural = "банк лучших практик"
        ordering = ["title"]

    def save(self, *args, **kwargs):
        org = self.organisation.short_name if self.organisation_id and self.organisation else ""
        self.search_text = search_key(f"{self.title} {self.description} {org}")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.title

    @property
    def addressed_organisation(self):
        """The organisation that answers this recommendation (None when addressed to the municipality)."""
        return None if self.addressee_level == AddresseeLevel.MUNICIPALITY else self.organisation


class Recommendation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        APPROVED = "approved", "утверждена"
        SENT = "sent", "направлена"
        ACCEPTED = "accepted", "принята к исполнению"
        REPORTED = "reported", "исполнена, отчёт представлен"

    municipality = models.ForeignKey("registry.Municipality", verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="recommendations")
    direction_number = models.PositiveSmallIntegerField("направление", null=True, blank=True)
    academic_year = models.ForeignKey("registry.AcademicYear", verbose_name="учебный год", null=True, blank=True, on_delete=models.PROTECT)
    addressee_level = models.CharField("уровень адресата", max_length=20, choices=AddresseeLevel.choices)
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name="организация", null=True, blank=True, on_delete=models.PROTECT,
        related_name="recommendations", help_text="Адресат; для рекомендаций муниципалитету — организация, о которой идёт речь.",
    )
    addressee_note = models.CharField("адресат (уточнение)", max_length=300, blank=True)
    finding_kind = models.CharField("вид вывода", max_length=20, choices=FindingKind.choices, blank=True)
    rule = models.ForeignKey(RecommendationRule, null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField("заголовок", max_length=300)
    text = models.TextField("текст")
    evidence = models.JSONField("основание (данные анализа)", default=dict, blank=True)
    practices = models.ManyToManyField(Practice, verbose_name="практики", blank=True, related_name="recommendations")
    deadline = models.DateField("срок", null=True, blank=True)
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.DRAFT)
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    report = models.TextField("отчёт организации", blank=True)
    report_file = models.FileField("отчёт (файл)", upload_to="cycle/reports/", blank=True)
    agenda_item = models.ForeignKey("cycle.AgendaItem", verbose_name="вопрос заседания", null=True, blank=True, on_delete=models.SET_NULL, related_name="recommendations")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "адресная рекомендация"
        verbose_name_plural = "адресные рекомендации"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def addressed_organisation(self):
        """The organisation that answers this recommendation (None when addressed to the municipality)."""
        return None if self.addressee_level == AddresseeLevel.MUNICIPALITY else self.organisation
