from django.urls import path

from msoko.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("request/", views.request_report, name="request"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/download/", views.download, name="download"),
    path("public/<str:code>/", views.public, name="public"),
    path("<slug:kind>/", views.show, name="show"),
    path("<slug:kind>/xlsx/", views.xlsx, name="xlsx"),
]
