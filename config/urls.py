from django.contrib import admin
from django.urls import include, path

from labelling import views as labelling_views

urlpatterns = [
    path("", labelling_views.home, name="home"),
    path("compte/", include("config.auth_urls")),
    path("", include("labelling.urls")),
    path("admin/", admin.site.urls),
]
