from django.urls import path

from msoko.collection.views import campaigns, imports

app_name = "collection"

urlpatterns = [
    path("", imports.index, name="index"),
    path("upload/", imports.upload, name="upload"),
    path("upload/<int:pk>/", imports.job_page, name="job"),
    path("upload/<int:pk>/mapping/", imports.job_mapping, name="job_mapping"),
    path("upload/<int:pk>/replace/", imports.job_replace, name="job_replace"),
    path("upload/<int:pk>/status/", imports.job_status, name="job_status"),
    path("history/", imports.history, name="history"),
    path("history/<int:pk>/", imports.batch_detail, name="batch"),
    path("history/<int:pk>/errors.xlsx", imports.batch_errors, name="batch_errors"),
    path("history/<int:pk>/restore/", imports.batch_restore, name="batch_restore"),
    path("values/<int:pk>/", imports.lineage, name="lineage"),
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/open/", campaigns.campaign_open, name="campaign_open"),
    path("campaigns/<int:pk>/answers.xlsx", campaigns.campaign_export, name="campaign_export"),
    path("forms/", campaigns.my_forms, name="my_forms"),
    path("forms/<int:pk>/", campaigns.form_page, name="form"),
    path("forms/<int:pk>/template.xlsx", campaigns.form_template, name="form_template"),
    path("forms/<int:pk>/upload/", campaigns.form_upload, name="form_upload"),
    path("forms/<int:pk>/review/", campaigns.form_review, name="form_review"),
]
