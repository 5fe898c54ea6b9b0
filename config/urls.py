from django.contrib import admin
from django.urls import include, path

from config import api_tokens, pages
from labelling import public_views

urlpatterns = [
    path("", public_views.home, name="home"),
    path("", include("labelling.public_urls")),
    path("accessibilite/", pages.accessibility_statement, name="accessibility"),
    path("compte/", include("config.auth_urls")),
    path("api/v1/", include("config.api_urls")),
    path("compte/jeton-api/", api_tokens.token_page, name="api_token"),
    path("", include("labelling.urls")),
    path("", include("labelling.activity.urls")),
    path("", include("workflows.urls")),
    path("", include("workflows.onboarding.urls")),
    path("", include("workflows.funding.urls")),
    path("", include("workflows.dashboard.urls")),
    path("", include("workflows.renewal.urls")),
    path("", include("documents.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
