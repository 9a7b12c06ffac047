"""The meeting protocol as an editable DOCX (Word styles Title / Heading / Table Grid)."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt

from msoko.cycle.models import Meeting, Membership

VOTE_WORDS = {"for": "за", "against": "против", "abstained": "воздержался"}


def _presiding_signature(meeting: Meeting, present: list[Membership]) -> tuple[str, str]:
    chair = next((m for m in present if m.role == Membership.Role.CHAIR), None)
    if chair:
        return "Председатель", chair.person.full_name
    deputy = next((m for m in present if m.role == Membership.Role.DEPUTY), None)
    if deputy:
        return "Председательствующий (заместитель председателя)", deputy.person.full_name
    return "Председательствующий", ""


def build_protocol(meeting: Meeting) -> bytes:
    """Render the protocol of a held meeting: attendance, quorum, agenda, votes, decisions, signatures."""
    body = meeting.body
    members = list(body.members_on(meeting.date))
    marks = dict(meeting.attendance.values_list("membership_id", "present"))
    present = [m for m in members if marks.get(m.pk)]
    absent = [m for m in members if not marks.get(m.pk)]

    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(12)
    doc.add_heading(f"ПРОТОКОЛ № {meeting.number}", level=0)
    doc.add_paragraph(f"заседания: {body.name}")
    doc.add_paragraph(f"Дата: {meeting.date:%d.%m.%Y}" + (f". Место: {meeting.place}" if meeting.place else ""))

    doc.add_heading("Присутствовали", level=1)
    doc.add_paragraph(f"Присутствуют {len(present)} из {len(members)} членов.")
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = "ФИО"
    table.rows[0].cells[1].text = "Роль"
    for m in present:
        cells = table.add_row().cells
        cells[0].text = m.person.full_name
        cells[1].text = m.get_role_display()
    if absent:
        doc.add_paragraph("Отсутствовали: " + ", ".join(m.person.full_name for m in absent) + ".")
    has_quorum = 2 * len(present) >= len(members) > 0
    doc.add_paragraph("Кворум имеется." if has_quorum else "Кворума нет: заседание неправомочно.")

    agenda = list(meeting.agenda.all())
    doc.add_heading("Повестка дня", level=1)
    for item in agenda:
        doc.add_paragraph(f"{item.number}. {item.title}", style="List Number")

    for item in agenda:
        doc.add_heading(f"{item.number}. {item.title}", level=2)
        if item.speaker:
            doc.add_paragraph(f"Слушали: {item.speaker}.")
        if item.document_url or item.document_file:
            doc.add_paragraph(f"Материалы: {item.document_url or item.document_file.name}.")
        vote = getattr(item, "vote", None)
        if vote is None:
            doc.add_paragraph("Принято к сведению." if item.decision_kind == "information" else "Голосование не проводилось.")
            continue
        grid = doc.add_table(rows=2, cols=3)
        grid.style = "Table Grid"
        for i, (label, value) in enumerate((("За", vote.votes_for), ("Против", vote.votes_against), ("Воздержались", vote.abstained))):
            grid.rows[0].cells[i].text = label
            grid.rows[1].cells[i].text = str(value)
        ballots = list(vote.ballots.select_related("membership__person"))
        if ballots:
            doc.add_paragraph(
                "Поимённо: " + "; ".join(f"{b.membership.person.full_name} — {VOTE_WORDS[b.choice]}" for b in ballots) + "."
            )
        doc.add_paragraph(f"Итог: {vote.reason}")
        if vote.adopted:
            kind = "Рекомендовать" if item.decision_kind == "recommendation" else "Решили"
            doc.add_paragraph(f"{kind}: {item.decision_text or item.title}")

    doc.add_heading("Подписи", level=1)
    role, name = _presiding_signature(meeting, present)
    secretary = next((m for m in present if m.role == Membership.Role.SECRETARY), None)
    signatures = doc.add_table(rows=2, cols=3)
    for row, (label, who) in zip(
        signatures.rows, ((role, name), ("Секретарь", secretary.person.full_name if secretary else "")), strict=True
    ):
        row.cells[0].text = label
        row.cells[1].text = "____________________"
        row.cells[2].text = who
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
