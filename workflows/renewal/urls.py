from django.urls import path

from workflows.renewal import views

app_name = "renewal"

urlpatterns = [
    path("revues/", views.review_list, name="list"),
    path("revues/export.<str:fmt>", views.review_export, name="export"),
    path("revues/<uuid:review_id>/", views.review_detail, name="detail"),
    path("revues/<uuid:review_id>/declaration/<str:section>/", views.edit_section, name="edit"),
    path("revues/<uuid:review_id>/rien-a-changer/", views.Confirm.as_view(), name="confirm"),
    path("revues/<uuid:review_id>/deposer/", views.Submit.as_view(), name="submit"),
    path("revues/<uuid:review_id>/corrections/", views.Comply.as_view(), name="comply"),
    path("revues/<uuid:review_id>/prendre/", views.Assign.as_view(), name="assign"),
    path("revues/<uuid:review_id>/renouveler/", views.Renew.as_view(), name="renew"),
    path("revues/<uuid:review_id>/mise-en-demeure/", views.Notice.as_view(), name="notice"),
    path("revues/<uuid:review_id>/suspendre/", views.Suspend.as_view(), name="suspend"),
    path(
        "revues/<uuid:review_id>/abrogation/",
        views.ProposeAbrogation.as_view(),
        name="propose_abrogation",
    ),
    path(
        "revues/<uuid:review_id>/abrogation/signer/",
        views.SignAbrogation.as_view(),
        name="sign_abrogation",
    ),
    path(
        "revues/<uuid:review_id>/abrogation/renvoyer/",
        views.ReturnAbrogation.as_view(),
        name="return_abrogation",
    ),
    path("revues/<uuid:review_id>/message/", views.post_message, name="message"),
]
