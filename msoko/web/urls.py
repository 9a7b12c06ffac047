from django.contrib.auth import views as auth_views
from django.urls import path

from msoko.web.views import catalog, directions, home, organisations

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
    path("directions/<int:number>/", directions.direction_page, name="direction"),
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/<str:code>/", organisations.organisation_card, name="organisation"),
    path("catalog/", catalog.catalog_browser, name="catalog"),
    path("catalog/indicators/<str:code>/", catalog.indicator_detail, name="indicator"),
]
