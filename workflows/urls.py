from django.urls import path

from workflows import views

app_name = "workflows"

D = "dossiers/<uuid:application_id>/"

urlpatterns = [
    path("aide/etapes/", views.help_stages, name="help_stages"),
    path("candidatures/", views.porteur_applications, name="porteur_applications"),
    path("candidatures/nouvelle/", views.application_start, name="application_start"),
    path(
        "candidatures/<uuid:application_id>/etapes/<slug:step>/",
        views.draft_step,
        name="draft_step",
    ),
    path(
        "candidatures/<uuid:application_id>/pieces/",
        views.draft_upload,
        name="draft_upload",
    ),
    path("candidatures/<uuid:application_id>/depot/", views.draft_submit, name="draft_submit"),
    path("avis/", views.operator_opinions, name="operator_opinions"),
    path("avis/<uuid:opinion_id>/", views.operator_opinion, name="operator_opinion"),
    path("instruction/", views.queue, name="queue"),
    path("instruction/export.<str:fmt>", views.queue_export, name="queue_export"),
    path("instruction/prendre/", views.queue_take, name="queue_take"),
    path(D, views.application_detail, name="application_detail"),
    path(D + "completude/", views.completeness, name="completeness"),
    path(D + "criteres/", views.review, name="review"),
    path(D + "criteres/terminer/", views.finish_review, name="finish_review"),
    path(D + "avis/", views.opinion_request, name="opinion_request"),
    path(D + "avis/clore/", views.close_opinions, name="close_opinions"),
    path(D + "avis/<uuid:opinion_id>/", views.opinion_answer, name="opinion_answer"),
    path(
        D + "conventions/<slug:operator_code>/depot/",
        views.convention_upload,
        name="convention_upload",
    ),
    path(
        D + "conventions/<slug:operator_code>/etat/",
        views.convention_status,
        name="convention_status",
    ),
    path(D + "conventions/terminer/", views.finish_conventions, name="finish_conventions"),
    path(D + "proposition/", views.proposal, name="proposal"),
    path(D + "decision/", views.decision, name="decision"),
    path(D + "decision/renvoi/", views.return_proposal, name="return_proposal"),
    path(D + "retrait/", views.withdraw, name="withdraw"),
    path(D + "cloture/", views.close, name="close"),
    path(D + "reouverture/", views.reopen, name="reopen"),
    path(D + "correction/", views.correct, name="correct"),
    path(D + "notes/", views.add_note, name="add_note"),
    path(D + "messages/", views.post_message, name="post_message"),
    path(D + "prendre/", views.take, name="take"),
    path(D + "attribuer/", views.assign, name="assign"),
]
