from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("verifier/", views.verify_form, name="verify_form"),
    path("verifier/<str:code>/", views.verify_document, name="verify"),
    path("documents/<uuid:document_id>/telecharger/", views.download, name="download"),
    path("documents/<uuid:document_id>/etat/", views.status_fragment, name="status"),
    path("documents/<uuid:document_id>/relancer/", views.retry, name="retry"),
    path("documents/<uuid:document_id>/regenerer/", views.regenerate, name="regenerate"),
    path("documents/lots/<uuid:batch_id>/", views.batch_detail, name="batch"),
    path("documents/lots/<uuid:batch_id>/etat/", views.batch_fragment, name="batch_status"),
    path("lieux/<uuid:place_id>/documents/", views.place_documents, name="place_documents"),
    path(
        "pieces/<uuid:document_id>/telecharger/",
        views.download_supporting,
        name="download_supporting",
    ),
]
