"""Stored values (DHIS2 data values) and the imports they came from."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """One uploaded file and what became of it: the lineage of every value it brought."""

    class Status(models.TextChoices):
        PENDING = "pending", "ожидает"
        RUNNING = "running", "выполняется"
        DONE = "done", "загружено"
        FAILED = "failed", "ошибки"
        REPLACED = "replaced", "заменено"
        UNCHANGED = "unchanged", "без изменений"

    kind = models.CharField("вид данных", max_length=20, db_index=True)
    file_name = models.CharField("файл", max_length=300)
    stored_file = models.CharField("сохранённый файл", max_length=500, blank=True)
    checksum = models.CharField("SHA-256", max_length=64, db_index=True)
    academic_year = models.ForeignKey("registry.AcademicYear", verbose_name="учебный год", null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField("строк", default=0)
    rows_loaded = models.PositiveIntegerField("загружено строк", default=0)
    values_written = models.PositiveIntegerField("значений", default=0)
    errors = models.JSONField("ошибки", default=list, blank=True)
    warnings = models.JSONField("предупреждения", default=list, blank=True)
    profile = models.JSONField("сопоставление столбцов", default=dict, blank=True)
    scope = models.JSONField("организации и процедура", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by")

    class Meta:
        verbose_name = "загрузка"
        verbose_name_plural = "загрузки"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class DataValue(models.Model):
    """One value of a data element for an organisation and period, with where it came from."""

    data_element = models.ForeignKey("catalog.DataElement", on_delete=models.PROTECT, related_name="values")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="data_values")
    period = models.ForeignKey("registry.Period", on_delete=models.PROTECT, related_name="data_values")
    category = models.CharField(
        "разрез", max_length=60, blank=True, default="",
        help_text="Дезагрегация (предмет-класс и т. п.); пусто — итог по организации.",
    )
    value = models.FloatField("значение", null=True, blank=True)
    source_import = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="values")
    source_row = models.PositiveIntegerField("строка источника", null=True, blank=True)
    source_note = models.CharField("источник", max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    entered_at = models.DateTimeField("внесено", auto_now=True)

    class Meta:
        verbose_name = "значение"
        verbose_name_plural = "значения"
        constraints = [
            models.UniqueConstraint(
                fields=["data_element", "organisation", "period", "category"], name="datavalue_unique_cell"
            )
        ]
        indexes = [
            # «which organisations have data for these elements in the year» (the рабочий стол and
            # cycle matrix), answered from the index alone; also every read by period and element
            models.Index(fields=["period", "data_element", "category", "organisation"], name="datavalue_period_element"),
            # the newest change of any value: the fingerprint of the stored indicator values
            models.Index(fields=["entered_at"], name="datavalue_entered_at"),
        ]


class ImportProfile(models.Model):
    """A saved column mapping (header text → canonical column) reused for files of one kind."""

    name = models.CharField("название", max_length=100)
    kind = models.CharField("вид данных", max_length=20)
    mapping = models.JSONField("сопоставление столбцов", default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "профиль загрузки"
        verbose_name_plural = "профили загрузки"
        unique_together = [("kind", "name")]
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class ActiveManager(models.Manager):
    """Rows of imports in force (not replaced, not failed)."""

    def get_queryset(self):
        return super().get_queryset().filter(batch__status=ImportBatch.Status.DONE)


class ImportedRow(models.Model):
    """Common fields of a stored participant row: where it came from."""

    # No database-level foreign keys on these million-row tables: PostgreSQL checks each one with a
    # trigger per row at commit (3 M parent look-ups for a 1 M-row file). The import writes only ids
    # it has just resolved in the same transaction, and CASCADE / PROTECT are Django's (the collector),
    # so they still hold.
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    source_row = models.PositiveIntegerField("строка источника")
    # No index of its own either: rows are read by year and organisation (the composite indexes) or
    # by import; an index on the organisation alone cost 14–16 % of the time to store a million rows.
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # No index of its own: every result table's composite index starts with the academic year.
    academic_year = models.ForeignKey(
        "registry.AcademicYear", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # Indexed only where it is looked up (ВсОШ: a talent's path by code); each index costs every
    # one of a million inserted rows.
    participant_code = models.CharField("код участника", max_length=60)

    objects = models.Manager()
    active = ActiveManager()

    class Meta:
        abstract = True


class VprResult(ImportedRow):
    class_name = models.CharField("класс", max_length=20, blank=True)
    grade = models.PositiveSmallIntegerField("параллель")
    subject_code = models.CharField("предмет (код)", max_length=10)
    subject = models.CharField("предмет", max_length=100)
    variant = models.CharField("вариант", max_length=20, blank=True)
    task_scores = models.JSONField("баллы за задания", default=list)
    primary_score = models.PositiveSmallIntegerField("первичный балл", null=True)
    mark = models.PositiveSmallIntegerField("отметка", null=True)
    journal_mark = models.PositiveSmallIntegerField("отметка по журналу", null=True)

    class Meta:
        verbose_name = "результат ВПР"
        verbose_name_plural = "результаты ВПР"
        indexes = [models.Index(fields=["academic_year", "organisation", "subject_code", "grade"])]


class GiaResult(ImportedRow):
    exam = models.CharField("экзамен", max_length=5)  # oge, ege, gve
    subject_code = models.CharField("предмет (код)", max_length=10)
    subject = models.CharField("предмет", max_length=100)
    primary_score = models.PositiveSmallIntegerField("первичный балл", null=True)
    test_score = models.PositiveSmallIntegerField("тестовый балл", null=True)
    mark = models.PositiveSmallIntegerField("отметка", null=True)
    min_score = models.PositiveSmallIntegerField("минимальный балл", null=True)
    high_score = models.PositiveSmallIntegerField("высокий балл", null=True)

    class Meta:
        verbose_name = "результат ГИА"
        verbose_name_plural = "результаты ГИА"
        indexes = [models.Index(fields=["academic_year", "organisation", "exam", "subject_code"])]


class OlympiadResult(ImportedRow):
    grade = models.PositiveSmallIntegerField("класс")
    subject_code = models.CharField("предмет (код)", max_length=40)
    subject = models.CharField("предмет", max_length=100)
    stage = models.CharField("этап", max_length=10)  # school, municipal, regional, final
    status = models.CharField("статус", max_length=12)  # participant, prize, winner
    score = models.FloatField("балл", null=True)
    max_score = models.FloatField("максимальный балл", null=True)

    class Meta:
        verbose_name = "результат ВсОШ"
        verbose_name_plural = "результаты ВсОШ"
        indexes = [
            models.Index(fields=["academic_year", "organisation", "stage"]),
            models.Index(fields=["participant_code"], name="olympiad_participant_code"),
        ]


class SurveyAggregate(models.Model):
    """Per organisation, respondent group and question of one survey import."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    academic_year = models.ForeignKey("registry.AcademicYear", on_delete=models.PROTECT, related_name="+")
    respondent = models.CharField("респонденты", max_length=10)  # parent, student, teacher
    question = models.TextField("вопрос")
    answers = models.PositiveIntegerField("ответов")
    mean = models.FloatField("среднее (шкала 1–5; для да/нет — доля «да»)", null=True)
    yes = models.PositiveIntegerField("ответов «да» (или 1)")

    objects = models.Manager()
    active = ActiveManager()

    class Meta:
        verbose_name = "итог вопроса анкеты"
        verbose_name_plural = "итоги вопросов анкет"


class ImportedValue(models.Model):
    """What an import wrote into DataValue, kept so a replaced import can be restored."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="imported_values")
    data_element = models.ForeignKey("catalog.DataElement", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey("registry.Period", on_delete=models.PROTECT, related_name="+")
    category = models.CharField("разрез", max_length=60, blank=True, default="")
    value = models.FloatField("значение", null=True)
    source_row = models.PositiveIntegerField("строка источника", null=True)

    class Meta:
        verbose_name = "значение из загрузки"
        verbose_name_plural = "значения из загрузок"


class UploadJob(models.Model):
    """One file uploaded on the web page: preview, confirmed mapping, then a background import."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "предпросмотр"
        QUEUED = "queued", "в очереди"
        RUNNING = "running", "выполняется"
        CONFIRM = "confirm", "нужно подтверждение замены"
        DONE = "done", "загружено"
        UNCHANGED = "unchanged", "без изменений"
        FAILED = "failed", "ошибки"

    file_name = models.CharField("файл", max_length=300)
    stored_file = models.CharField("сохранённый файл", max_length=500)
    kind = models.CharField("вид данных", max_length=20, blank=True)
    year = models.PositiveSmallIntegerField("год начала учебного года", null=True, blank=True)
    mapping = models.JSONField("сопоставление столбцов", default=dict, blank=True)
    confirm_replace = models.BooleanField("замена подтверждена", default=False)
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.PREVIEW)
    stage = models.CharField("этап", max_length=40, blank=True)
    done = models.PositiveIntegerField("выполнено", default=0)
    total = models.PositiveIntegerField("всего", default=0)
    message = models.TextField("итог", blank=True)
    conflicts = models.JSONField("заменяемые загрузки", default=list, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "загрузка с сайта"
        verbose_name_plural = "загрузки с сайта"
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if self.status in {self.Status.DONE, self.Status.UNCHANGED, self.Status.FAILED, self.Status.CONFIRM}:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status not in {self.Status.PREVIEW, self.Status.QUEUED, self.Status.RUNNING}


class Campaign(models.Model):
    """A data collection form sent to organisations (replaces Google Forms and protected tables)."""

    class Kind(models.TextChoices):
        SELF_REPORT = "self", "заполняет организация"
        EXPERT_AUDIT = "audit", "экспертиза (заполняют эксперты управления)"

    class Status(models.TextChoices):
        DRAFT = "draft", "готовится"
        OPEN = "open", "идёт сбор"
        CLOSED = "closed", "завершена"

    title = models.CharField("название", max_length=300)
    instructions = models.TextField("инструкция", blank=True)
    kind = models.CharField("вид", max_length=5, choices=Kind.choices, default=Kind.SELF_REPORT)
    status = models.CharField("статус", max_length=6, choices=Status.choices, default=Status.DRAFT)
    academic_year = models.ForeignKey("registry.AcademicYear", verbose_name="учебный год", on_delete=models.PROTECT)
    period = models.ForeignKey("registry.Period", verbose_name="период", on_delete=models.PROTECT)
    deadline = models.DateField("срок")
    organisations = models.ManyToManyField("registry.Organisation", verbose_name="организации", related_name="campaigns")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("создано", auto_now_add=True)

    class Meta:
        verbose_name = "кампания сбора данных"
        verbose_name_plural = "кампании сбора данных"
        ordering = ["-deadline", "-pk"]

    def __str__(self) -> str:
        return self.title


class CampaignField(models.Model):
    """One question of a campaign form: a catalog data element or a checklist item of an audit."""

    class Type(models.TextChoices):
        COUNT = "count", "целое число"
        NUMBER = "number", "число"
        BOOL = "bool", "да / нет"
        PRESENCE = "presence", "есть / нет"
        SCORE = "score", "балл"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="fields")
    order = models.PositiveSmallIntegerField("порядок")
    code = models.CharField("код", max_length=60)
    label = models.CharField("вопрос", max_length=400)
    type = models.CharField("тип ответа", max_length=8, choices=Type.choices, default=Type.COUNT)
    max_score = models.FloatField("максимальный балл", null=True, blank=True)
    with_link = models.BooleanField("нужна ссылка", default=False)
    data_element = models.ForeignKey(
        "catalog.DataElement", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Куда записывается принятое значение; пусто — пункт чек-листа без элемента данных.",
    )

    class Meta:
        verbose_name = "вопрос формы"
        verbose_name_plural = "вопросы формы"
        ordering = ["campaign", "order"]
        unique_together = [("campaign", "code")]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class ValidationRule(models.Model):
    """DHIS2-style rule checked on every save: left ⟨operator⟩ right over field codes."""

    class Operator(models.TextChoices):
        LE = "<=", "≤"
        EQ = "==", "="
        GE = ">=", "≥"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField("название правила", max_length=200)
    left = models.CharField("левая часть", max_length=300)
    operator = models.CharField("условие", max_length=2, choices=Operator.choices)
    right = models.CharField("правая часть", max_length=300)
    message = models.CharField("сообщение", max_length=400, blank=True)

    class Meta:
        verbose_name = "правило проверки"
        verbose_name_plural = "правила проверки"
        ordering = ["campaign", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.left} {self.get_operator_display()} {self.right}"


class Submission(models.Model):
    """One organisation's answers to a campaign, with its status and an optimistic-lock version."""

    class Status(models.TextChoices):
        NOT_STARTED = "new", "не начато"
        DRAFT = "draft", "черновик"
        SUBMITTED = "submitted", "отправлено"
        RETURNED = "returned", "возвращено на доработку"
        ACCEPTED = "accepted", "принято"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="submissions")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="submissions")
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.NOT_STARTED)
    version = models.PositiveIntegerField("версия", default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("изменено", auto_now=True)
    submitted_at = models.DateTimeField("отправлено", null=True, blank=True)
    accepted_at = models.DateTimeField("принято", null=True, blank=True)

    class Meta:
        verbose_name = "ответ организации"
        verbose_name_plural = "ответы организаций"
        ordering = ["campaign", "organisation__code"]
        unique_together = [("campaign", "organisation")]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.organisation.code} ({self.get_status_display()})"

    @property
    def editable(self) -> bool:
        return self.status in {self.Status.NOT_STARTED, self.Status.DRAFT, self.Status.RETURNED}


class SubmissionValue(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    field = models.ForeignKey(CampaignField, on_delete=models.CASCADE, related_name="+")
    value = models.FloatField("значение", null=True, blank=True)
    link = models.CharField("ссылка", max_length=500, blank=True)

    class Meta:
        verbose_name = "ответ на вопрос"
        verbose_name_plural = "ответы на вопросы"
        unique_together = [("submission", "field")]


class SubmissionEvent(models.Model):
    """The history of a submission: who saved, sent, returned (with the comment) or accepted it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("действие", max_length=20)
    status = models.CharField("статус после", max_length=10, choices=Submission.Status.choices)
    comment = models.TextField("комментарий", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "событие формы"
        verbose_name_plural = "события форм"
        ordering = ["submission", "at", "pk"]
