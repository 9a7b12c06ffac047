from django.urls import path

from msoko.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/<str:kind>/", views.start, name="start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("shnor/", views.shnor, name="shnor"),
    path("shnor/<int:pk>/", views.shnor, name="shnor_run"),
    path("shnor/compare/", views.compare, name="compare"),
    path("objectivity/", views.objectivity, name="objectivity"),
    path("objectivity/<int:pk>/", views.objectivity, name="objectivity_run"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/<int:pk>/", views.monitoring, name="monitoring_run"),
]
