from django.urls import path

from workflows.funding import views

app_name = "funding"

urlpatterns = [
    path("financements/", views.queue, name="queue"),
    path("financements/ouvrir-l-annee/", views.open_year, name="open_year"),
    path("financements/decisions.<str:fmt>", views.export_decisions, name="export_decisions"),
    path("financements/versements.<str:fmt>", views.export_payments, name="export_payments"),
    path("financements/taux/", views.rates, name="rates"),
    path("financements/enveloppes/", views.envelopes, name="envelopes"),
    path("financements/<uuid:file_id>/", views.detail, name="detail"),
    path("financements/<uuid:file_id>/ajuster/", views.adjust, name="adjust"),
    path("financements/<uuid:file_id>/recalculer/", views.recompute, name="recompute"),
    path("financements/<uuid:file_id>/proposer/", views.propose, name="propose"),
    path("financements/<uuid:file_id>/renvoyer/", views.send_back, name="return"),
    path("financements/<uuid:file_id>/depassement/", views.override, name="override"),
    path("financements/<uuid:file_id>/signer/", views.sign, name="sign"),
    path("financements/<uuid:file_id>/engagements/", views.engage, name="engage"),
    path("financements/<uuid:file_id>/classer/", views.close, name="close"),
    path(
        "financements/<uuid:file_id>/versements/<uuid:payment_id>/ordonnancer/",
        views.order_payment,
        name="order",
    ),
    path(
        "financements/<uuid:file_id>/versements/<uuid:payment_id>/payer/",
        views.pay,
        name="pay",
    ),
    path("mes-financements/", views.porteur_list, name="porteur_list"),
    path("aide/financement/", views.help_page, name="help"),
]
