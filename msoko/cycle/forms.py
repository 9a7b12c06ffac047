"""Forms of the cycle pages: every input has a Russian label; the services validate the rules."""

from __future__ import annotations

from django import forms

from msoko.catalog.cycle import CYCLE_POSITIONS
from msoko.cycle.models import (
    AddresseeLevel,
    AgendaItem,
    Body,
    CycleDocument,
    Decision,
    EffectivenessAnalysis,
    Measure,
    Membership,
    Practice,
)
from msoko.registry.models import Organisation, Person
from msoko.web.widgets import LongSelect, LongSelectMultiple

DIRECTION_CHOICES = [(n, f"Направление {n}") for n in range(1, 9)]
POSITION_CHOICES = [(p.code, f"{p.number}. {p.name}") for p in CYCLE_POSITIONS]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def direction_field(required: bool = True, choices=None) -> forms.TypedChoiceField:
    options = list(choices or DIRECTION_CHOICES)
    if not required:
        options = [("", "— общие вопросы —"), *options]
    return forms.TypedChoiceField(label="Направление", choices=options, coerce=int, required=required, empty_value=None)


class DocumentForm(forms.Form):
    direction_number = direction_field()
    position = forms.ChoiceField(label="Позиция цикла", choices=POSITION_CHOICES)
    kind = forms.ChoiceField(label="Вид документа", choices=CycleDocument.Kind.choices, initial=CycleDocument.Kind.ANALYTICAL_NOTE)
    title = forms.CharField(label="Название документа", max_length=500)
    file = forms.FileField(label="Файл", required=False)
    url = forms.URLField(label="или ссылка на документ", required=False, max_length=500, assume_scheme="https")


class RoadmapImportForm(forms.Form):
    title = forms.CharField(label="Название дорожной карты", max_length=500)
    file = forms.FileField(label="Файл дорожной карты (.xlsx или .docx)")
    direction_number = direction_field(required=False)


class MeasureForm(forms.Form):
    direction_number = direction_field()
    number = forms.CharField(label="№", max_length=30, required=False)
    content = forms.CharField(label="Мероприятие", widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label="Срок", required=False, widget=DATE)
    responsible_text = forms.CharField(label="Ответственный", max_length=500, required=False)
    expected_result = forms.CharField(label="Ожидаемый результат", required=False)


class MeasureStatusForm(forms.Form):
    status = forms.ChoiceField(label="Новый статус", choices=Measure.Status.choices)
    result_url = forms.URLField(label="Ссылка на документ-результат", required=False, assume_scheme="https")
    result_file = forms.FileField(label="Документ-результат", required=False)


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label="Вид решения", choices=Decision.Kind.choices)
    number = forms.CharField(label="Номер", max_length=50, required=False)
    date = forms.DateField(label="Дата", widget=DATE)
    direction_number = direction_field(required=False)
    content = forms.CharField(label="Содержание решения", widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label="Срок исполнения", required=False, widget=DATE)
    responsible = forms.ModelMultipleChoiceField(label="Ответственные", queryset=Person.objects.none(), required=False,
                                                 widget=LongSelectMultiple)
    document_url = forms.URLField(label="Документ (ссылка)", required=False, assume_scheme="https")

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people if people is not None else Person.objects.none()


class DecisionCloseForm(forms.Form):
    on = forms.DateField(label="Дата исполнения", widget=DATE, required=False)
    text = forms.CharField(label="Отчёт об исполнении или причина отмены", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecommendationForm(forms.Form):
    direction_number = direction_field(required=False)
    addressee_level = forms.ChoiceField(label="Уровень адресата", choices=AddresseeLevel.choices, initial=AddresseeLevel.ORGANISATION)
    organisation = forms.ModelChoiceField(label="Организация", queryset=Organisation.objects.none(), required=False, widget=LongSelect)
    title = forms.CharField(label="Заголовок", max_length=300)
    text = forms.CharField(label="Текст рекомендации", widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label="Срок", required=False, widget=DATE)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class FindingsForm(forms.Form):
    """«Сформировать рекомендации»: drafts from the latest analysis runs' findings about one organisation."""

    organisation = forms.ModelChoiceField(label="Организация из выводов анализа", queryset=Organisation.objects.none(), widget=LongSelect)
    source = forms.ChoiceField(label="Выводы анализа", required=False, choices=[
        ("", "все виды анализа"), ("shnor", "ШНОР / ШНСУ"), ("objectivity", "объективность результатов"),
        ("monitoring", "мониторинг показателей (зоны риска)"),
    ])

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class ReportForm(forms.Form):
    report = forms.CharField(label="Что сделано по рекомендации", widget=forms.Textarea(attrs={"rows": 4}))
    report_file = forms.FileField(label="Отчёт (файл)", required=False)


class PracticeForm(forms.Form):
    title = forms.CharField(label="Название практики", max_length=300)
    description = forms.CharField(label="Описание", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    organisation = forms.ModelChoiceField(label="Организация", queryset=Organisation.objects.none(), required=False, widget=LongSelect)
    direction_numbers = forms.TypedMultipleChoiceField(label="Направления", choices=DIRECTION_CHOICES, coerce=int)
    source = forms.ChoiceField(label="Источник", choices=Practice.Source.choices)
    document_url = forms.URLField(label="Документ (ссылка)", required=False, assume_scheme="https")

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class EffectivenessForm(forms.Form):
    direction_number = direction_field()
    indicator_codes = forms.CharField(label="Коды показателей (через запятую)", max_length=500)
    target = forms.ModelMultipleChoiceField(label="Целевые организации", queryset=Organisation.objects.none(), widget=LongSelectMultiple)
    comparison = forms.ModelMultipleChoiceField(label="Группа сравнения", queryset=Organisation.objects.none(), required=False,
                                            widget=LongSelectMultiple)
    before_year = forms.IntegerField(label="Год «до» (начало учебного года)", min_value=2000, max_value=2100)
    after_year = forms.IntegerField(label="Год «после» (начало учебного года)", min_value=2000, max_value=2100)
    verdict = forms.ChoiceField(
        label="Вывод", required=False,
        choices=[("", "по расчёту (по оценкам эффекта)"), *EffectivenessAnalysis.Verdict.choices],
    )
    problem_statement = forms.CharField(label="Выявленная проблема", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measure = forms.ModelChoiceField(label="Мероприятие", queryset=Measure.objects.none(), required=False)
    decision = forms.ModelChoiceField(label="Управленческое решение", queryset=Decision.objects.none(), required=False)

    def __init__(self, *args, organisations=None, measures=None, decisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["target"].queryset = organisations
            self.fields["comparison"].queryset = organisations
        if measures is not None:
            self.fields["measure"].queryset = measures
        if decisions is not None:
            self.fields["decision"].queryset = decisions

    def codes(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["indicator_codes"].split(",") if c.strip()]


class BodyForm(forms.Form):
    kind = forms.ChoiceField(label="Вид органа", choices=Body.Kind.choices)
    name = forms.CharField(label="Название", max_length=300)
    established = forms.DateField(label="Дата создания", widget=DATE)


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(label="Человек", queryset=Person.objects.none(), widget=LongSelect)
    role = forms.ChoiceField(label="Роль", choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    date_from = forms.DateField(label="С", widget=DATE)
    date_to = forms.DateField(label="По", widget=DATE, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people


class MeetingForm(forms.Form):
    number = forms.CharField(label="Номер протокола", max_length=30)
    date = forms.DateField(label="Дата заседания", widget=DATE)
    place = forms.CharField(label="Место", max_length=300, required=False)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="Вопрос повестки", widget=forms.Textarea(attrs={"rows": 2}))
    speaker = forms.CharField(label="Докладчик", max_length=300, required=False)
    decision_kind = forms.ChoiceField(label="Вид решения", choices=[("", "по умолчанию для органа"), *AgendaItem.DecisionKind.choices], required=False)
    decision_text = forms.CharField(label="Проект решения", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    direction_number = direction_field(required=False)


class VoteCountsForm(forms.Form):
    votes_for = forms.IntegerField(label="За", min_value=0)
    votes_against = forms.IntegerField(label="Против", min_value=0, initial=0)
    abstained = forms.IntegerField(label="Воздержались", min_value=0, initial=0)
    presiding_vote = forms.ChoiceField(
        label="Голос председательствующего (при равенстве)", required=False,
        choices=[("", "—"), ("for", "за"), ("against", "против"), ("abstained", "воздержался")],
    )


class SignedProtocolForm(forms.Form):
    file = forms.FileField(label="Подписанный протокол (pdf, docx, jpg, png)")
