"""Region → municipality → organisation, clusters, academic years, people and their roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from msoko.core.text import search_key


class Region(models.Model):
    code = models.CharField("код", max_length=20, unique=True)
    name = models.CharField("название", max_length=200)

    class Meta:
        verbose_name = "регион"
        verbose_name_plural = "регионы"

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(Region, verbose_name="регион", on_delete=models.PROTECT, related_name="municipalities")
    code = models.CharField("код", max_length=20, unique=True)
    name = models.CharField("название", max_length=200)
    variant_directions = models.JSONField(
        "включённые вариативные направления", default=list, blank=True,
        help_text="Коды вариативных направлений из каталога, которые использует муниципалитет.",
    )

    class Meta:
        verbose_name = "муниципалитет"
        verbose_name_plural = "муниципалитеты"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AcademicYear(models.Model):
    """A school year such as «2024/25» (1 September – 31 August)."""

    start_year = models.PositiveSmallIntegerField("год начала", unique=True)
    is_current = models.BooleanField("текущий", default=False)
    catalog_version = models.ForeignKey(
        "catalog.CatalogVersion", verbose_name="версия каталога", null=True, blank=True,
        on_delete=models.PROTECT, related_name="years",
    )

    class Meta:
        verbose_name = "учебный год"
        verbose_name_plural = "учебные годы"
        ordering = ["start_year"]

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label


class Period(models.Model):
    """A reporting period (DHIS2 sense): the whole academic year or a part of it."""

    class Kind(models.TextChoices):
        YEAR = "year", "учебный год"
        HALF = "half", "полугодие"
        QUARTER = "quarter", "четверть"
        MONTH = "month", "месяц"

    code = models.CharField("код", max_length=20, unique=True)
    name = models.CharField("название", max_length=100)
    kind = models.CharField("вид", max_length=10, choices=Kind.choices, default=Kind.YEAR)
    academic_year = models.ForeignKey(AcademicYear, verbose_name="учебный год", on_delete=models.CASCADE, related_name="periods")
    start = models.DateField("начало")
    end = models.DateField("окончание")

    class Meta:
        verbose_name = "период"
        verbose_name_plural = "периоды"
        ordering = ["start", "kind"]

    def __str__(self) -> str:
        return self.name


class Cluster(models.Model):
    """A configurable group of comparable schools (e.g. городские, сельские, малокомплектные)."""

    municipality = models.ForeignKey(Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="clusters")
    code = models.CharField("код", max_length=40)
    name = models.CharField("название", max_length=200)
    description = models.TextField("описание", blank=True)

    class Meta:
        verbose_name = "кластер"
        verbose_name_plural = "кластеры"
        unique_together = [("municipality", "code")]
        ordering = ["municipality", "code"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", "школа"
        PRESCHOOL = "preschool", "ДОО"
        ADDITIONAL = "additional", "УДО"
        OTHER = "other", "иная"

    class Settlement(models.TextChoices):
        URBAN = "urban", "город"
        RURAL = "rural", "село"

    municipality = models.ForeignKey(Municipality, verbose_name="муниципалитет", on_delete=models.PROTECT, related_name="organisations")
    code = models.CharField("код", max_length=40, unique=True)
    short_name = models.CharField("краткое название", max_length=200)
    full_name = models.CharField("полное название", max_length=500)
    kind = models.CharField("тип", max_length=12, choices=Kind.choices, default=Kind.SCHOOL, db_index=True)
    settlement = models.CharField("тип поселения", max_length=6, choices=Settlement.choices, default=Settlement.URBAN)
    is_small = models.BooleanField("малокомплектная", default=False)
    is_remote = models.BooleanField("удалённая", default=False)
    address = models.CharField("адрес", max_length=300, blank=True)
    head_name = models.CharField("руководитель", max_length=200, blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("эл. почта", blank=True)
    website = models.URLField("сайт", blank=True)
    active_from = models.PositiveSmallIntegerField("действует с (год начала уч. года)", null=True, blank=True)
    active_to = models.PositiveSmallIntegerField("действует по (год начала уч. года)", null=True, blank=True)
    name_key = models.CharField(max_length=500, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        ordering = ["name_key"]

    def save(self, *args, **kwargs):
        self.name_key = search_key(f"{self.short_name} {self.full_name} {self.code}")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.short_name

    def active_in(self, start_year: int) -> bool:
        return (self.active_from is None or self.active_from <= start_year) and (
            self.active_to is None or start_year <= self.active_to
        )


class ClusterMembership(models.Model):
    """A school belongs to one cluster per academic year."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cluster_memberships")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE)

    class Meta:
        verbose_name = "принадлежность к кластеру"
        verbose_name_plural = "принадлежность к кластерам"
        unique_together = [("organisation", "academic_year")]


class Person(models.Model):
    full_name = models.CharField("ФИО", max_length=200)
    position = models.CharField("должность", max_length=200, blank=True)
    organisation = models.ForeignKey(Organisation, verbose_name="место работы", null=True, blank=True, on_delete=models.SET_NULL)
    email = models.EmailField("эл. почта", blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person")
    name_key = models.CharField(max_length=200, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "человек"
        verbose_name_plural = "люди"
        ordering = ["name_key"]

    def save(self, *args, **kwargs):
        self.name_key = search_key(self.full_name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.full_name


class Role(models.TextChoices):
    REGION = "region", "специалист регионального уровня"
    DEPARTMENT = "department", "специалист управления образования"
    METHODIST = "methodist", "методист"
    COORDINATOR = "coordinator", "координатор направления"
    EXECUTOR = "executor", "ответственный исполнитель направления"
    OPERATOR = "operator", "муниципальный оператор"
    ORG_ADMIN = "org_admin", "администратор организации"
    COUNCIL = "council", "член координационного совета"
    PUBLIC = "public", "только просмотр"


class RoleAssignment(models.Model):
    """What a person may do and where: a region, a municipality, an organisation or a direction."""

    person = models.ForeignKey(Person, verbose_name="человек", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("роль", max_length=20, choices=Role.choices)
    region = models.ForeignKey(Region, verbose_name="регион", null=True, blank=True, on_delete=models.CASCADE)
    municipality = models.ForeignKey(Municipality, verbose_name="муниципалитет", null=True, blank=True, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, verbose_name="организация", null=True, blank=True, on_delete=models.CASCADE)
    direction_number = models.PositiveSmallIntegerField("направление", null=True, blank=True)

    class Meta:
        verbose_name = "назначение роли"
        verbose_name_plural = "назначения ролей"

    def __str__(self) -> str:
        where = self.organisation or self.municipality or self.region or ""
        direction = f", направление {self.direction_number}" if self.direction_number else ""
        return f"{self.person}: {self.get_role_display()} ({where}{direction})"
