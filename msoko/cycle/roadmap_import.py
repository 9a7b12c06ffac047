"""Reading a roadmap table (№ / мероприятие / сроки / ответственный / результат) from xlsx or docx.

Shapes handled (seeds 001 and 004):

* a header row found by synonyms (first 15 rows of each sheet or table), optionally followed by
  a row of column numbers «1 2 3 4 5»;
* section rows — one text spread over the row (merged cells) or only in the first column, e.g.
  «2. Система оценки качества подготовки обучающихся»; the direction is recognised from the
  section title (see `DIRECTION_KEYWORDS`) unless the caller fixes it;
* an optional stage column («Цели», «Показатели», … «Анализ эффективности принятых мер») as in
  seed 004, giving the cycle position; an empty stage cell continues the stage above;
* continuation rows (a page break inside a cell): no number, no deadline, no responsible person —
  the text is appended to the previous measure.

Nothing is written here: `read_roadmap` returns drafts or raises `RoadmapFileError` listing every
problem with file, sheet/table, row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from msoko.core.text import search_key
from msoko.cycle.deadlines import ParsedDeadline, parse_deadline
from msoko.cycle.errors import CycleError

COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("№", "n п/п", "номер", "n"),
    "stage": ("этап", "позиция цикла", "структура управленческого цикла", "компонент управленческого цикла"),
    "content": ("мероприятие", "мероприятия", "содержание", "действия", "наименование мероприятия", "меры"),
    "deadline": ("сроки", "срок", "дата"),
    "responsible": ("ответственный", "ответственные", "исполнитель", "исполнители"),
    "result": ("результат", "ожидаемый результат", "планируемый результат", "результаты"),
}
COLUMN_NAMES = {
    "number": "№", "stage": "этап", "content": "мероприятие", "deadline": "сроки",
    "responsible": "ответственный", "result": "результат",
}
STAGES: tuple[tuple[str, str], ...] = (
    ("анализ эффективности", "effectiveness"),
    ("цел", "goals"),
    ("показател", "indicators"),
    ("метод", "methods"),
    ("мониторинг", "monitoring"),
    ("анализ", "analysis"),
    ("адресн", "recommendations"),
    ("меры", "measures"),
    ("мероприят", "measures"),
    ("управленческ", "decisions"),
)
DIRECTION_KEYWORDS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, ("оценки качества подготовки обучающихся",)),
    (2, ("низкими результатами", "низкими образовательными результатами", "неблагоприятных социальных")),
    (3, ("способностей и талантов",)),
    (4, ("самоопределени", "профессиональной ориентации")),
    (5, ("эффективности руководителей",)),
    (6, ("профессионального развития педагог", "дополнительного профессионального образования педагог")),
    (7, ("воспитания",)),
    (8, ("дошкольного образования",)),
)
NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?$")
DOCUMENT_KINDS = (
    "приказ", "аналитическая справка", "протокол", "положение", "план", "программа", "методические рекомендации",
    "отчет", "доклад", "письмо", "дорожная карта", "мониторинг", "свидетельство",
)


class RoadmapFileError(CycleError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class MeasureDraft:
    number: str
    content: str
    section: str = ""
    direction_number: int | None = None
    cycle_position: str = ""
    deadline_text: str = ""
    deadline: ParsedDeadline = field(default_factory=lambda: ParsedDeadline("none"))
    responsible_text: str = ""
    expected_result: str = ""
    result_document_kind: str = ""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"<[^>]+>", " ", str(value))
    return " ".join(text.split())


def direction_of(title: str) -> int | None:
    key = search_key(title)
    for number, stems in DIRECTION_KEYWORDS:
        if any(stem in key for stem in stems):
            return number
    return None


def _stage_of(text: str) -> str | None:
    key = search_key(text)
    for stem, code in STAGES:
        if key.startswith(stem):
            return code
    return None


def _document_kind(result: str) -> str:
    key = search_key(result)
    for kind in DOCUMENT_KINDS:
        if kind in key.replace("ё", "е"):
            return kind
    return ""


def _header(row: list[object]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        key = search_key(_text(cell))
        if not key:
            continue
        for name, synonyms in COLUMNS.items():
            if name in found:
                continue
            if key.startswith("№") and name == "number" or any(key == s or key.startswith(s + " ") or key.startswith(s + "(") for s in synonyms):
                found[name] = index
                break
    if "content" in found and ({"deadline", "responsible"} & found.keys()):
        return found
    return None


def _rows_to_drafts(
    rows: list[list[object]], where: str, direction_number: int | None, errors: list[str]
) -> list[MeasureDraft]:
    header_at, columns = None, None
    for i, row in enumerate(rows[:15]):
        columns = _header(row)
        if columns:
            header_at = i
            break
    if columns is None:
        errors.append(
            f"{where}: не найдена строка заголовков (нужны столбцы «мероприятие» и «сроки» или «ответственный»)."
        )
        return []
    drafts: list[MeasureDraft] = []
    section, section_direction, stage = "", direction_number, ""
    auto = 0

    def cell(row: list[object], name: str) -> object:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    for i in range(header_at + 1, len(rows)):
        row = rows[i]
        line = f"{where}, строка {i + 1}"
        texts = [_text(v) for v in row]
        filled = [t for t in texts if t]
        if not filled:
            continue
        if all(t.isdigit() for t in filled) and [int(t) for t in filled] == list(range(1, len(filled) + 1)):
            continue  # the «1 2 3 4 5» row under the header
        number = _text(cell(row, "number"))
        content = _text(cell(row, "content"))
        deadline_raw = cell(row, "deadline")
        responsible = _text(cell(row, "responsible"))
        result = _text(cell(row, "result"))
        stage_text = _text(cell(row, "stage"))
        no_terms = not _text(deadline_raw) and not responsible and not result
        merged = len(filled) > 1 and len(set(filled)) == 1
        first_only = len(filled) == 1 and texts[0] == filled[0] and 0 not in (columns.get("content"), columns.get("stage"))
        if (merged or (first_only and no_terms)) and not NUMBER.match(filled[0]):
            section = filled[0]
            section_direction = direction_number or direction_of(section)
            stage = ""
            continue
        if not any((number, content, _text(deadline_raw), responsible, result, stage_text)):
            if drafts:  # text only outside the known columns: a spill-over of the result cell
                drafts[-1].expected_result = f"{drafts[-1].expected_result} {' '.join(filled)}".strip()
            continue
        if stage_text:
            code = _stage_of(stage_text)
            if code is None:
                errors.append(f"{line}, столбец «{COLUMN_NAMES['stage']}»: неизвестный этап цикла «{stage_text}».")
                continue
            stage = code
            if not content and not _text(deadline_raw) and not responsible:
                continue
        if not number and content and not _text(deadline_raw) and not responsible and drafts and "number" in columns:
            drafts[-1].content = f"{drafts[-1].content} {content}".strip()
            if result:
                drafts[-1].expected_result = f"{drafts[-1].expected_result} {result}".strip()
            continue
        if not number and not content and not _text(deadline_raw) and not responsible and result and drafts:
            drafts[-1].expected_result = f"{drafts[-1].expected_result} {result}".strip()
            continue
        if not content:
            errors.append(f"{line}, столбец «{COLUMN_NAMES['content']}»: не заполнено содержание мероприятия.")
            continue
        try:
            deadline = parse_deadline(deadline_raw)
        except ValueError as exc:
            errors.append(f"{line}, столбец «{COLUMN_NAMES['deadline']}»: {exc}.")
            continue
        auto += 1
        drafts.append(
            MeasureDraft(
                number=number.rstrip(".") or str(auto),
                content=content,
                section=section,
                direction_number=section_direction,
                cycle_position=stage,
                deadline_text=_text(deadline_raw) if not hasattr(deadline_raw, "isoformat") else deadline_raw.strftime("%d.%m.%Y"),
                deadline=deadline,
                responsible_text=responsible,
                expected_result=result,
                result_document_kind=_document_kind(result),
            )
        )
    return drafts


def _xlsx_tables(path: Path) -> list[tuple[str, list[list[object]]]]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    return [
        (f"лист «{name}»", workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
        for name in workbook.sheet_names
    ]


def _docx_tables(path: Path) -> list[tuple[str, list[list[object]]]]:
    from docx import Document

    document = Document(str(path))
    return [
        (f"таблица {n}", [[c.text for c in row.cells] for row in table.rows])
        for n, table in enumerate(document.tables, start=1)
    ]


def read_roadmap(path: Path, display_name: str | None = None, direction_number: int | None = None) -> list[MeasureDraft]:
    """Read every roadmap table of an xlsx or docx file; raise RoadmapFileError with all problems."""
    path = Path(path)
    name = display_name or path.name
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".xlsx":
            tables = _xlsx_tables(path)
        elif suffix == ".docx":
            tables = _docx_tables(path)
        else:
            raise RoadmapFileError([f"Файл «{name}»: дорожная карта загружается из файлов .xlsx или .docx."])
    except RoadmapFileError:
        raise
    except Exception as exc:  # a damaged or mislabelled file
        raise RoadmapFileError([f"Файл «{name}»: не удалось прочитать ({exc.__class__.__name__})."]) from None
    errors: list[str] = []
    drafts: list[MeasureDraft] = []
    tried = []
    for where, rows in tables:
        local: list[str] = []
        found = _rows_to_drafts(rows, f"Файл «{name}», {where}", direction_number, local)
        if local and not found and all("не найдена строка заголовков" in e for e in local):
            tried.append(local[0])
            continue
        errors.extend(local)
        drafts.extend(found)
    if not drafts and not errors:
        errors = tried or [f"Файл «{name}»: таблица дорожной карты не найдена."]
    if errors:
        raise RoadmapFileError(errors)
    return drafts
