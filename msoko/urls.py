from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "msoko — администрирование"
admin.site.site_title = "msoko"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("cycle/", include("msoko.cycle.urls")),
    path("public/", include("msoko.cycle.public_urls")),
    path("analysis/", include("msoko.analytics.urls")),
    path("", include("msoko.web.urls")),
]
