from django.urls import path

from msoko.core import views

app_name = "core"

urlpatterns = [
    path("", views.audit_list, name="audit"),
]
