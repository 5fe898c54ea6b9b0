"""Sign-in by e-mail and password or with ProConnect (config/proconnect.py), and password reset
by e-mail, on DSFR pages (throttled and explained in French: config/auth.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from config import auth, proconnect

urlpatterns = [
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("deconnexion/", auth.LogoutView.as_view(), name="logout"),
    path(
        "proconnect/connexion/",
        proconnect.ProConnectLoginView.as_view(),
        name="proconnect_login",
    ),
    path(
        "proconnect/retour/",
        proconnect.ProConnectCallbackView.as_view(),
        name="proconnect_callback",
    ),
    path("mot-de-passe/oubli/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
