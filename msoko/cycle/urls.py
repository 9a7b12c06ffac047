"""Pages of the management cycle, under /cycle/ (included by the project's urls as namespace «cycle»)."""

from django.urls import path
from django.views.generic import RedirectView

from msoko.cycle.views import council, decisions, effectiveness, matrix, practices, recommendations, roadmap

app_name = "cycle"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cycle:matrix"), name="index"),
    path("matrix/", matrix.matrix_page, name="matrix"),
    path("documents/add/", matrix.add_document, name="document_add"),
    path("documents/<int:pk>/", matrix.download_document, name="document"),
    path("documents/<int:pk>/publish/", matrix.publish_document, name="document_publish"),
    path("documents/<int:pk>/delete/", matrix.delete_document, name="document_delete"),
    path("roadmap/", roadmap.roadmap_page, name="roadmap"),
    path("roadmap/import/", roadmap.import_roadmap, name="roadmap_import"),
    path("measures/new/", roadmap.create_measure, name="measure_create"),
    path("measures/<int:pk>/status/", roadmap.measure_status, name="measure_status"),
    path("measures/<int:pk>/document/", matrix.measure_document, name="measure_document"),
    path("decisions/", decisions.decisions_page, name="decisions"),
    path("decisions/new/", decisions.create_decision, name="decision_create"),
    path("decisions/<int:pk>/execute/", decisions.close_decision, {"action": "execute"}, name="decision_execute"),
    path("decisions/<int:pk>/cancel/", decisions.close_decision, {"action": "cancel"}, name="decision_cancel"),
    path("decisions/<int:pk>/document/", matrix.decision_document, name="decision_document"),
    path("recommendations/", recommendations.recommendation_list, name="recommendations"),
    path("recommendations/new/", recommendations.create_recommendation, name="recommendation_create"),
    path("recommendations/from-findings/", recommendations.draft_from_findings, name="recommendations_from_findings"),
    path("recommendations/<int:pk>/", recommendations.recommendation_detail, name="recommendation"),
    path("recommendations/<int:pk>/move/", recommendations.move_recommendation, name="recommendation_move"),
    path("recommendations/<int:pk>/report/", recommendations.report_file, name="recommendation_report"),
    path("practices/", practices.practice_bank, name="practices"),
    path("practices/new/", practices.add_practice, name="practice_create"),
    path("effectiveness/", effectiveness.effectiveness_page, name="effectiveness"),
    path("effectiveness/new/", effectiveness.create_analysis, name="effectiveness_create"),
    path("effectiveness/<int:pk>/next-goal/", effectiveness.next_goal, name="next_goal"),
    path("council/", council.council_page, name="council"),
    path("council/new/", council.create_body, name="body_create"),
    path("council/<int:pk>/", council.body_page, name="body"),
    path("council/<int:pk>/members/", council.add_member, name="member_add"),
    path("council/<int:pk>/meetings/", council.schedule_meeting, name="meeting_create"),
    path("meetings/<int:pk>/", council.meeting_page, name="meeting"),
    path("meetings/<int:pk>/agenda/", council.add_agenda_item, name="agenda_add"),
    path("meetings/<int:pk>/attendance/", council.record_attendance, name="attendance"),
    path("meetings/<int:pk>/items/<int:item_pk>/vote/", council.record_vote, name="vote"),
    path("meetings/<int:pk>/protocol/", council.generate_protocol, name="protocol_generate"),
    path("meetings/<int:pk>/protocol/download/", council.protocol_file, {"which": "draft"}, name="protocol"),
    path("meetings/<int:pk>/signed/", council.upload_signed, name="signed_upload"),
    path("meetings/<int:pk>/signed/download/", council.protocol_file, {"which": "signed"}, name="signed"),
]
