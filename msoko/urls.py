from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "msoko — администрирование"
admin.site.site_title = "msoko"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("audit/", include("msoko.core.urls")),
    path("cycle/", include("msoko.cycle.urls")),
    path("public/", include("msoko.cycle.public_urls")),
    path("analysis/", include("msoko.analytics.urls")),
    path("reports/", include("msoko.reports.urls")),
    path("api/v1/", include("msoko.api.urls")),
    path("data/", include("msoko.collection.urls")),
    path("", include("msoko.web.urls")),
]
