"""Issue 10, rough edges: the signataire's « à signer » list; « labellisé » only from the
label's date of effect (badges, counts, export)."""

import datetime

import pytest
from django.urls import reverse

from labelling.models import Place
from labelling.models.network import LabelStatus
from tests.factories import InstructeurFactory, LabelledPlaceFactory, SignataireFactory, commune
from tests.workflows import factories as wf

pytestmark = pytest.mark.django_db


def test_the_signataire_home_lists_what_is_to_sign(client):
    app = wf.in_decision()
    signataire = SignataireFactory(departement_id=app.departement_id)
    client.force_login(signataire)
    html = client.get(reverse("home")).content.decode()
    assert "À signer" in html
    assert reverse("workflows:decision", args=[app.pk]) in html
    assert app.reference in html and "proposition de labellisation" in html
    # another département's signataire sees nothing of it
    client.force_login(SignataireFactory(departement_id="05"))
    html = client.get(reverse("home")).content.decode()
    assert "Aucune décision n&#x27;attend votre signature." in html
    assert app.reference not in html
    # an instructor has no such list
    client.force_login(InstructeurFactory(departement_id=app.departement_id))
    assert "À signer" not in client.get(reverse("home")).content.decode()


def test_labelled_only_from_the_date_of_effect(client):
    later = datetime.date.today() + datetime.timedelta(days=40)
    LabelledPlaceFactory(commune=commune("63003"), label_effective_on=later, name="Lieu à venir")
    LabelledPlaceFactory(
        commune=commune("63003"), label_effective_on=datetime.date(2020, 1, 1), name="Lieu ouvert"
    )
    place = Place.objects.get(name="Lieu à venir")
    assert place.label_status == LabelStatus.LABELLED and place.label_upcoming
    assert place.status_label == f"Labellisé, effet le {later:%d/%m/%Y}"
    client.force_login(InstructeurFactory(departement_id="63"))
    html = client.get(reverse("home")).content.decode()
    assert f"Labellisé, effet le {later:%d/%m/%Y}" in html
    assert "(et 1 dont le label prendra effet plus tard)" in html


def test_a_signed_file_before_its_date_of_effect_says_so(client):
    app = wf.signed()
    app.refresh_from_db()
    assert app.effective_on > datetime.date.today()
    client.force_login(app.created_by)
    html = client.get(reverse("workflows:application_detail", args=[app.pk])).content.decode()
    assert f"Labellisé, effet le {app.effective_on:%d/%m/%Y}" in html


def test_the_convention_upload_reports_every_fault_at_once(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    app = wf.in_conventions()
    client.force_login(app.created_by)
    tracking = app.convention_trackings.first()
    later = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        reverse("workflows:convention_upload", args=[app.pk, tracking.operator_id]),
        {"signed_on": later, "file": SimpleUploadedFile("convention.pdf", b"pas un PDF")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "La date de signature ne peut être dans le futur." in html
    assert "Le fichier « convention.pdf »" in html
    assert 'aria-describedby="id_signed_on-messages"' in html
    assert 'aria-describedby="id_file-messages"' in html
