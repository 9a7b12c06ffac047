"""Included by the project as ``path("api/v1/", include("msoko.api.urls"))``."""

from msoko.api.api import api

urlpatterns = api.urls[0]
app_name = api.urls_namespace
