from django.urls import path

from workflows import views

app_name = "workflows"

D = "dossiers/<uuid:application_id>/"

urlpatterns = [
    path("aide/etapes/", views.help_stages, name="help_stages"),
    path("candidatures/", views.porteur_applications, name="porteur_applications"),
    path("candidatures/nouvelle/", views.application_start, name="application_start"),
    path(
        "candidatures/<uuid:application_id>/reprendre/",
        views.draft_resume,
        name="draft_resume",
    ),
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
    path(
        "candidatures/<uuid:application_id>/pieces/<int:document_id>/supprimer/",
        views.draft_piece_remove,
        name="draft_piece_remove",
    ),
    path(
        "candidatures/<uuid:application_id>/depot/",
        views.DraftSubmit.as_view(),
        name="draft_submit",
    ),
    path("avis/", views.operator_opinions, name="operator_opinions"),
    path("avis/<uuid:opinion_id>/", views.OperatorOpinion.as_view(), name="operator_opinion"),
    path("instruction/", views.queue, name="queue"),
    path("instruction/export.<str:fmt>", views.queue_export, name="queue_export"),
    path("instruction/prendre/", views.queue_take, name="queue_take"),
    path(D, views.application_detail, name="application_detail"),
    path(D + "completude/", views.Completeness.as_view(), name="completeness"),
    path(D + "criteres/", views.review, name="review"),
    path(D + "criteres/terminer/", views.FinishReview.as_view(), name="finish_review"),
    path(D + "avis/", views.OpinionRequest.as_view(), name="opinion_request"),
    path(D + "avis/clore/", views.CloseOpinions.as_view(), name="close_opinions"),
    path(D + "avis/<uuid:opinion_id>/", views.OpinionAnswer.as_view(), name="opinion_answer"),
    path(
        D + "conventions/<slug:operator_code>/depot/",
        views.ConventionUpload.as_view(),
        name="convention_upload",
    ),
    path(
        D + "conventions/<slug:operator_code>/etat/",
        views.ConventionStatus.as_view(),
        name="convention_status",
    ),
    path(
        D + "conventions/terminer/",
        views.FinishConventions.as_view(),
        name="finish_conventions",
    ),
    path(D + "proposition/", views.Proposal.as_view(), name="proposal"),
    path(D + "decision/", views.Decision.as_view(), name="decision"),
    path(D + "decision/renvoi/", views.ReturnProposal.as_view(), name="return_proposal"),
    path(D + "retrait/", views.Withdraw.as_view(), name="withdraw"),
    path(D + "cloture/", views.CloseFile.as_view(), name="close"),
    path(D + "reouverture/", views.Reopen.as_view(), name="reopen"),
    path(D + "correction/", views.Correct.as_view(), name="correct"),
    path(D + "notes/", views.AddNote.as_view(), name="add_note"),
    path(D + "messages/", views.PostMessage.as_view(), name="post_message"),
    path(D + "prendre/", views.Take.as_view(), name="take"),
    path(D + "attribuer/", views.Assign.as_view(), name="assign"),
]
