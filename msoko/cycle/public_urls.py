"""The public section «Механизмы управления качеством образования», under /public/ (namespace «public»)."""

from django.urls import path

from msoko.cycle.views import public

app_name = "public"

urlpatterns = [
    path("", public.index, name="index"),
    path("documents/<int:pk>/", public.download, name="document"),
    path("<str:code>/", public.municipality_page, name="municipality"),
]
