from django.urls import path

from workflows.onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("lieux/<uuid:place_id>/inviter-le-porteur/", views.invite, name="invite"),
    path("rattachements/", views.invitation_list, name="list"),
    path(
        "rattachements/export.<str:fmt>",
        views.invitation_export,
        name="export",
    ),
    path("rattachements/<uuid:invitation_id>/", views.invitation_detail, name="detail"),
    path("rattachements/<uuid:invitation_id>/confirmer/", views.confirm, name="confirm"),
    path("rattachements/<uuid:invitation_id>/refuser/", views.refuse, name="refuse"),
    path("rattachements/<uuid:invitation_id>/annuler/", views.revoke, name="revoke"),
    path("invitation/<str:token>/", views.accept, name="accept"),
    path("invitation/<str:token>/changer-de-compte/", views.leave, name="leave"),
]
