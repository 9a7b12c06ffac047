"""Request and response shapes of the API (pydantic models via django-ninja)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema


class Error(Schema):
    detail: str = Field(description="Сообщение для пользователя (по-русски).")


class ValidationErrorOut(Schema):
    detail: str
    errors: list[dict[str, Any]]


class ClusterRef(Schema):
    year: str = Field(description="Учебный год, например 2024/25.")
    cluster: str = Field(description="Код кластера.")


class OrganisationOut(Schema):
    code: str
    short_name: str
    full_name: str
    kind: str
    settlement: str
    is_small: bool
    is_remote: bool
    municipality: str = Field(description="Код муниципалитета.")
    address: str
    head_name: str
    phone: str
    email: str
    website: str
    active_from: int | None
    active_to: int | None
    clusters: list[ClusterRef]


class ClusterOut(Schema):
    id: int
    code: str
    name: str
    description: str
    municipality: str
    year: str | None = Field(description="Год, за который перечислены школы кластера.")
    members: list[str] = Field(description="Коды организаций кластера в этом году.")


class GoalOut(Schema):
    code: str
    text: str


class DirectionOut(Schema):
    number: int
    code: str
    name: str
    short_name: str
    mechanism_number: int
    mechanism: str
    is_variant: bool
    goals: list[GoalOut]


class TargetOut(Schema):
    year: int
    norm: float | None
    target: float | None


class IndicatorOut(Schema):
    code: str
    name: str
    direction_number: int
    criterion: str
    kind: str
    numerator: str
    denominator: str
    multiplier: float
    unit: str
    higher_is_better: bool
    aggregation: str
    block: str
    not_for_rating: bool
    source: str
    periodicity: str
    targets: list[TargetOut]


class DataElementOut(Schema):
    code: str
    name: str
    value_type: str
    unit: str
    source: str
    description: str


class IndicatorValueOut(Schema):
    group: str | None = Field(description="Организация, кластер, муниципалитет или регион (код).")
    year: int
    numerator: float | None
    denominator: float | None
    value: float | None
    organisations: int = Field(description="Сколько организаций со значением вошло в итог.")


class LineageOut(Schema):
    batch: int | None
    row: int | None
    note: str


class DataValueOut(Schema):
    data_element: str
    organisation: str
    period: str
    year: str
    category: str
    value: float | None
    source: LineageOut
    entered_by: str | None
    entered_at: datetime.datetime | None


class DataValueIn(Schema):
    """One DHIS2 data value; identifiers pass through the code mapping."""

    model_config = {"extra": "allow"}

    dataElement: str
    period: str | None = None
    orgUnit: str | None = None
    categoryOptionCombo: str | None = None
    attributeOptionCombo: str | None = None
    value: str | float | bool | None = None
    comment: str | None = None
    deleted: bool | None = None


class DataValueSetIn(Schema):
    model_config = {"extra": "allow"}

    dataSet: str | None = None
    period: str | None = None
    orgUnit: str | None = None
    attributeOptionCombo: str | None = None
    dataValues: list[DataValueIn]


class DataValueOutDhis2(Schema):
    dataElement: str
    period: str
    orgUnit: str
    categoryOptionCombo: str
    value: str
    storedBy: str
    lastUpdated: str | None
    comment: str | None = None


class DataValueSetOut(Schema):
    dataValues: list[DataValueOutDhis2]


class ImportCount(Schema):
    imported: int
    updated: int
    ignored: int
    deleted: int


class Conflict(Schema):
    object: str
    value: str


class ImportSummaryOut(Schema):
    responseType: Literal["ImportSummary"]
    status: Literal["SUCCESS", "WARNING", "ERROR"]
    description: str
    dryRun: bool
    importCount: ImportCount
    conflicts: list[Conflict]


class ImportOut(Schema):
    id: int
    kind: str
    file_name: str
    checksum: str
    status: str
    status_display: str
    academic_year: str | None
    rows_total: int
    rows_loaded: int
    values_written: int
    progress: int = Field(description="Выполнено, %.")
    errors_count: int
    warnings_count: int
    replaces: int | None
    created_by: str | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


class ImportReportOut(Schema):
    id: int
    status: str
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


class ImportConflictOut(Schema):
    detail: str
    conflicts: list[int] = Field(description="Загрузки, которые будут заменены.")


class AnalysisRunOut(Schema):
    id: int
    kind: str
    municipality: str | None
    years: list[int]
    settings: dict[str, Any]
    inputs: dict[str, Any]
    status: str
    progress: int
    stage: str
    warnings: list[Any]
    summary: dict[str, Any]
    error: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None


class AnalysisResultsOut(Schema):
    run: int
    shnor: list[dict[str, Any]]
    statuses: list[dict[str, Any]]
    objectivity: list[dict[str, Any]]
    risks: list[dict[str, Any]]
    status_changes: list[dict[str, Any]]


class RecommendationOut(Schema):
    id: int
    municipality: str
    direction_number: int | None
    academic_year: str | None
    addressee_level: str
    organisation: str | None
    addressee_note: str
    finding_kind: str
    title: str
    text: str
    deadline: datetime.date | None
    status: str
    report: str
    created_at: datetime.datetime


class RecommendationStatusIn(Schema):
    status: Literal["approved", "sent", "accepted", "reported"]
    report: str = ""


class MeasureOut(Schema):
    id: int
    municipality: str
    roadmap: int | None
    number: str
    section: str
    content: str
    direction_number: int | None
    cycle_position: str
    deadline_text: str
    due_date: datetime.date | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    status: str
    responsible_text: str
    expected_result: str
    result_url: str


class MeasureStatusIn(Schema):
    status: Literal["planned", "in_progress", "done", "overdue", "cancelled"]
    result_url: str = ""


class DecisionOut(Schema):
    id: int
    municipality: str
    kind: str
    number: str
    date: datetime.date
    content: str
    direction_number: int | None
    deadline: datetime.date | None
    status: str
    executed_on: datetime.date | None
    execution_report: str
    document_url: str
    recommendations: list[int]
    measures: list[int]
    organisations: list[str]


class DecisionExecutedIn(Schema):
    on: datetime.date
    report: str = ""


class DecisionCancelIn(Schema):
    reason: str


ObjectId = Annotated[int, Field(ge=1, le=2**31 - 1)]
DirectionNumber = Annotated[int | None, Field(ge=1, le=8, description="Номер направления (1–8); пусто — общие вопросы.")]


class RecommendationIn(Schema):
    municipality: str | None = Field(None, description="Код муниципалитета; можно не указывать, если он один.")
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1)
    addressee_level: Literal["municipality", "organisation", "teachers", "methodical"] = "organisation"
    organisation: str | None = Field(None, description="Код организации-адресата.")
    addressee_note: str = Field("", max_length=300)
    direction_number: DirectionNumber = None
    academic_year: str | None = Field(None, description="Учебный год, например 2024/25.")
    deadline: datetime.date | None = None


class MeasureIn(Schema):
    municipality: str | None = Field(None, description="Код муниципалитета; можно не указывать, если он один.")
    content: str = Field(min_length=1)
    direction_number: DirectionNumber = None
    roadmap: ObjectId | None = Field(None, description="Дорожная карта того же муниципалитета.")
    number: str = Field("", max_length=30)
    due_date: datetime.date | None = None
    responsible_text: str = Field("", max_length=500)
    expected_result: str = ""


class DecisionIn(Schema):
    municipality: str | None = Field(None, description="Код муниципалитета; можно не указывать, если он один.")
    kind: Literal["order", "board", "council", "working_group", "letter", "protocol"]
    date: datetime.date
    content: str = Field(min_length=1)
    number: str = Field("", max_length=50)
    direction_number: DirectionNumber = None
    deadline: datetime.date | None = None
    document_url: str = Field("", max_length=200, pattern=r"^(https?://\S+)?$")
    recommendations: list[ObjectId] = Field(default_factory=list, description="Рекомендации, которые решение исполняет.")
    measures: list[ObjectId] = Field(default_factory=list, description="Мероприятия, связанные с решением.")
    organisations: list[str] = Field(default_factory=list, description="Коды организаций, которых касается решение.")


class CampaignFieldOut(Schema):
    code: str
    label: str
    type: str = Field(description="count, number, bool, presence или score.")
    max_score: float | None
    with_link: bool
    data_element: str | None = Field(description="Элемент данных, куда записывается принятое значение.")


class CampaignRuleOut(Schema):
    name: str
    left: str
    operator: str
    right: str
    message: str


class CampaignOut(Schema):
    id: int
    title: str
    instructions: str
    kind: str = Field(description="self — заполняет организация; audit — экспертиза управления.")
    status: str
    status_display: str
    academic_year: str
    period: str
    deadline: datetime.date
    fields: list[CampaignFieldOut]
    rules: list[CampaignRuleOut]


class FormSummaryOut(Schema):
    id: int
    campaign: int
    organisation: str
    status: str
    status_display: str
    version: int
    filled: int = Field(description="Сколько вопросов с ответом.")
    total: int
    overdue: bool


class AnswerOut(Schema):
    code: str
    label: str
    type: str
    value: float | None
    link: str


class FormEventOut(Schema):
    action: str
    status: str
    comment: str
    actor: str | None
    at: datetime.datetime


class FormOut(Schema):
    id: int
    campaign: int
    campaign_title: str
    organisation: str
    status: str
    status_display: str
    version: int = Field(description="Версия формы: передайте её при сохранении (оптимистичная блокировка).")
    can_edit: bool = Field(description="Может ли пользователь сейчас заполнять форму.")
    can_review: bool = Field(description="Может ли пользователь принять или вернуть форму.")
    updated_at: datetime.datetime
    submitted_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    answers: list[AnswerOut]
    events: list[FormEventOut]


class FormSaveIn(Schema):
    version: int = Field(description="Версия формы, которую видел пользователь.")
    answers: dict[str, str | float | bool | None] = Field(
        default_factory=dict, description="Код вопроса → ответ (число, да/нет, есть/нет); вопросы без ответа не меняются.",
    )
    links: dict[str, str] = Field(default_factory=dict, description="Код вопроса → ссылка (для экспертизы).")


class FormAcceptIn(Schema):
    version: int


class FormReturnIn(Schema):
    version: int | None = None
    comment: str = Field(pattern=r"\S", description="Что нужно исправить (обязательно).")


class FormReopenIn(Schema):
    comment: str = Field(pattern=r"\S", description="Почему форму нужно изменить (обязательно).")
