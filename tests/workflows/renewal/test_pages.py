"""Each outcome of the review through the web pages, and who sees what."""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from labelling.directory import places_in_force
from labelling.models import LabelStatus
from tests.factories import (
    InstructeurFactory,
    OperateurUserFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
)
from tests.workflows.renewal.helpers import conform_place, msap_place, porteur_user_of
from workflows.renewal import services
from workflows.renewal.models import JournalEntry, Review, ReviewAction, ReviewState

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def opened(frozen):
    place = conform_place()
    services.open_campaign(year=2026, notify=False)
    return Review.objects.get(place=place)


def login(client, user):
    client.force_login(user)
    return client


def url(name, review, *args):
    return reverse(f"renewal:{name}", args=[review.pk, *args])


def test_porteur_confirms_nothing_changed_in_one_step(client, opened):
    porteur = porteur_user_of(opened.place)
    login(client, porteur)
    page = client.get(reverse("renewal:list"))
    assert opened.place.name in page.content.decode()
    assert "Comment se déroule la revue annuelle ?" in page.content.decode()
    page = client.get(url("detail", opened))
    assert "Rien à changer : confirmer" in page.content.decode()
    # The activity must be confirmed: the error is on the field, nothing changes.
    response = client.post(url("confirm", opened), {})
    assert response.status_code == 200
    assert "Confirmez l&#x27;activité de l&#x27;année" in response.content.decode()
    assert Review.objects.get().state == ReviewState.OPEN
    response = client.post(url("confirm", opened), {"activity_confirmed": "on"})
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.state == ReviewState.SUBMITTED
    assert review.unchanged is True and review.conform is True
    assert review.conformity_report.version_code == "france-services-2019"


def test_porteur_updates_the_hours_then_submits(client, opened):
    porteur = porteur_user_of(opened.place)
    login(client, porteur)
    page = client.get(url("edit", opened, "horaires"))
    assert page.status_code == 200
    assert "09:00-12:00, 13:30-17:00" in page.content.decode()  # pre-filled
    data = {day: "09:00-12:00, 13:30-17:30" for day in ("mo", "tu", "we", "th", "fr")}
    response = client.post(url("edit", opened, "horaires"), data)
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.declaration["opening_hours"]["mo"] == [["09:00", "12:00"], ["13:30", "17:30"]]
    # The place itself changes only when the review is renewed.
    assert opened.place.opening_intervals.filter(end_minute=17 * 60 + 30).count() == 0
    response = client.post(url("submit", opened), {"activity_confirmed": "on"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED and review.unchanged is False

    instructor = InstructeurFactory(departement=opened.place.departement)
    login(client, instructor)
    response = client.post(url("renew", opened), {"comment": "Tout est en ordre."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.RENEWED
    assert review.decided_by == instructor
    assert opened.place.opening_intervals.filter(end_minute=17 * 60 + 30).count() == 5
    entry = JournalEntry.objects.get(review=review, action=ReviewAction.RENEW)
    # The year's funding file opens (workflows.funding).
    from workflows.funding.models import FundingFile

    funding = FundingFile.objects.get(place=opened.place, year=2026)
    assert entry.data["financement"] == str(funding.pk)
    assert funding.cause == "renouvellement"


def test_mise_en_demeure_then_suspension_then_abrogation_signed_by_another(client, opened):
    porteur = porteur_user_of(opened.place)
    services.confirm_unchanged(user=porteur, review_id=opened.pk, activity_confirmed=True)
    instructor = InstructeurFactory(departement=opened.place.departement)
    login(client, instructor)

    # A deadline in the past is refused on its field, keeping what was typed.
    response = client.post(
        url("notice", opened), {"reasons": "Ouvrir le samedi.", "deadline": "2026-01-01"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "doit être une date à venir" in body and "Ouvrir le samedi." in body
    response = client.post(
        url("notice", opened), {"reasons": "Ouvrir le samedi.", "deadline": "2026-04-01"}
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.state == ReviewState.NOTICE
    assert review.documents.get().kind == "mise_en_demeure"

    response = client.post(url("suspend", opened), {"reasons": "Aucune correction."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.SUSPENDED
    assert not places_in_force().filter(pk=opened.place_id).exists()

    # The mise en demeure runs until 1 April: no abrogation before (CRPA L122-1).
    response = client.post(
        url("propose_abrogation", opened), {"reasons": "Toujours rien."}, follow=True
    )
    assert "abrogation se propose après cette date" in response.content.decode()
    review.refresh_from_db()
    assert review.state == ReviewState.SUSPENDED
    # The porteur presents its observations in its space.
    services.post_message(
        user=porteur, review_id=opened.pk, body="Nous ouvrirons le samedi en septembre."
    )
    with time_machine.travel(datetime.datetime(2026, 4, 2, 9, tzinfo=datetime.UTC), tick=False):
        login(client, instructor)  # two months later: a new session
        response = client.post(url("propose_abrogation", opened), {"reasons": "Toujours rien."})
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.state == ReviewState.TO_SIGN

        # The proposer never signs, even as a signataire.
        instructor.role = "signataire"
        instructor.save()
        page = client.get(url("detail", opened))
        assert "un autre signataire la signe" in page.content.decode()
        assert client.post(url("sign_abrogation", opened), {}).status_code == 403

        signataire = SignataireFactory(departement=opened.place.departement)
        login(client, signataire)
        response = client.post(url("sign_abrogation", opened), {})
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.state == ReviewState.ABROGATED
        opened.place.refresh_from_db()
        assert opened.place.label_status == LabelStatus.WITHDRAWN
        assert not places_in_force().filter(pk=opened.place_id).exists()
        assert review.documents.filter(kind="arrete_abrogation").exists()
        # Its history stays: the journal tells every step.
        actions = list(review.journal.values_list("action", flat=True))
        assert actions[-4:] == ["notice", "suspend", "propose_abrogation", "sign_abrogation"]


def test_suspended_label_is_restored_by_renewal(client, opened):
    porteur = porteur_user_of(opened.place)
    services.confirm_unchanged(user=porteur, review_id=opened.pk, activity_confirmed=True)
    instructor = InstructeurFactory(departement=opened.place.departement)
    services.suspend(user=instructor, review_id=opened.pk, reasons="Agents absents.")
    login(client, instructor)
    assert client.post(url("renew", opened), {}).status_code == 302
    opened.place.refresh_from_db()
    assert opened.place.label_status == LabelStatus.LABELLED
    assert places_in_force().filter(pk=opened.place_id).exists()


def test_the_review_shows_the_missing_months_and_closes_the_year(client, opened):
    from labelling.activity.services import ActivityError, save_month

    porteur = porteur_user_of(opened.place)
    save_month(
        user=porteur, place=opened.place, month=datetime.date(2025, 1, 1), figures={"caf": (5, 6)}
    )
    login(client, porteur)
    body = client.get(url("detail", opened)).content.decode()
    assert "Activité de l'année 2025" in body
    assert "Mois sans chiffres : février 2025, mars 2025" in body
    services.confirm_unchanged(user=porteur, review_id=opened.pk, activity_confirmed=True)
    # Figures can be corrected until the review closes…
    save_month(
        user=porteur, place=opened.place, month=datetime.date(2025, 2, 1), figures={"caf": (1, 1)}
    )
    services.renew(
        user=InstructeurFactory(departement=opened.place.departement), review_id=opened.pk
    )
    # … and no longer after.
    with pytest.raises(ActivityError, match="ne peuvent plus être corrigés"):
        save_month(
            user=porteur,
            place=opened.place,
            month=datetime.date(2025, 3, 1),
            figures={"caf": (1, 1)},
        )


def test_msap_place_is_reviewed_against_france_services(client, frozen):
    place = msap_place()
    services.open_campaign(year=2026, notify=False)
    review = Review.objects.get(place=place)
    assert review.label_version_code == "msap-2016"
    assert review.version_code == "france-services-2019"
    login(client, InstructeurFactory(departement=place.departement))
    body = client.get(url("detail", review)).content.decode()
    assert "Ce qui a changé entre les versions msap-2016 et france-services-2019" in body
    assert "Non conforme" in body
    assert "Critères qui ne sont plus remplis" in body
    assert "ajouté" in body


def test_scope_and_rights(client, opened):
    other_departement = InstructeurFactory(departement_id="05")
    login(client, other_departement)
    assert client.get(url("detail", opened)).status_code == 404
    login(client, PorteurUserFactory())
    assert client.get(url("detail", opened)).status_code == 404
    login(client, OperateurUserFactory())
    assert client.get(url("detail", opened)).status_code == 404
    # The porteur sees it but may not decide.
    login(client, porteur_user_of(opened.place))
    assert client.get(url("renew", opened)).status_code == 403
    # The national agency sees every review, in the queue and exports.
    login(client, UserFactory())
    assert client.get(url("detail", opened)).status_code == 200
    page = client.get(reverse("renewal:list"))
    assert opened.place.name in page.content.decode()
    export = client.get(reverse("renewal:export", args=["csv"]))
    assert export.status_code == 200
    assert opened.place.name in b"".join(export.streaming_content).decode("utf-8-sig")
    xlsx = client.get(reverse("renewal:export", args=["xlsx"]))
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
    xlsx.close()


def test_the_prefecture_decides_an_unanswered_review_after_its_deadline(client, opened):
    instructor = InstructeurFactory(departement=opened.place.departement)
    login(client, instructor)
    response = client.get(url("suspend", opened))
    assert response.status_code == 302  # not yet: back to the review with the reason
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=datetime.UTC)):
        login(client, instructor)  # a new session: the first one has expired meanwhile
        response = client.post(url("suspend", opened), {"reasons": "Pas de réponse."})
    assert response.status_code == 302
    assert Review.objects.get().state == ReviewState.SUSPENDED


def test_imported_place_without_porteur_asks_for_the_missing_parts(client, frozen):
    from tests.factories import LabelledPlaceFactory

    place = LabelledPlaceFactory(porteur=None)
    services.open_campaign(year=2026, notify=False)
    review = Review.objects.get(place=place)
    login(client, InstructeurFactory(departement=place.departement))
    body = client.get(url("detail", review)).content.decode()
    assert "La déclaration du lieu est incomplète" in body
    assert "porteur à rattacher" in body


def test_porteur_corrects_under_notice_and_asks_for_a_new_look(client, opened):
    porteur = porteur_user_of(opened.place)
    services.confirm_unchanged(user=porteur, review_id=opened.pk, activity_confirmed=True)
    instructor = InstructeurFactory(departement=opened.place.departement)
    services.issue_notice(
        user=instructor,
        review_id=opened.pk,
        reasons="Ouvrir le samedi matin.",
        deadline=datetime.date(2026, 4, 1),
    )
    login(client, porteur)
    body = client.get(url("detail", opened)).content.decode()
    assert "Mise en demeure : à corriger avant le 01/04/2026" in body
    assert "Signaler les corrections" in body
    data = {day: "09:00-12:00, 13:30-17:00" for day in ("mo", "tu", "we", "th", "fr")}
    data["sa"] = "09:00-12:00"
    assert client.post(url("edit", opened, "horaires"), data).status_code == 302
    response = client.post(url("comply", opened), {"comment": "Ouvert le samedi depuis mars."})
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.state == ReviewState.RECHECK
    assert review.declaration["opening_hours"]["sa"] == [["09:00", "12:00"]]


def test_the_signataire_returns_a_proposed_abrogation(client, opened):
    porteur = porteur_user_of(opened.place)
    services.confirm_unchanged(user=porteur, review_id=opened.pk, activity_confirmed=True)
    instructor = InstructeurFactory(departement=opened.place.departement)
    services.propose_abrogation(user=instructor, review_id=opened.pk, reasons="Fermé.")
    login(client, SignataireFactory(departement=opened.place.departement))
    response = client.post(url("return_abrogation", opened), {"reason": ""})
    assert response.status_code == 200
    assert "Dites pourquoi la proposition est renvoyée." in response.content.decode()
    response = client.post(url("return_abrogation", opened), {"reason": "Rouvert depuis."})
    assert response.status_code == 302
    assert Review.objects.get().state == ReviewState.RECHECK
    assert opened.place.label_status == LabelStatus.LABELLED


def test_a_form_posted_twice_acts_once(client, opened):
    porteur = porteur_user_of(opened.place)
    login(client, porteur)
    data = {"body": "Une question sur les horaires.", "request_key": str(uuid.uuid4())}
    client.post(url("message", opened), data)
    client.post(url("message", opened), data)
    assert opened.messages.count() == 1
    key = str(uuid.uuid4())
    first = client.post(url("confirm", opened), {"activity_confirmed": "on", "request_key": key})
    second = client.post(url("confirm", opened), {"activity_confirmed": "on", "request_key": key})
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert JournalEntry.objects.filter(action=ReviewAction.CONFIRM).count() == 1


def test_nothing_to_change_is_not_offered_for_an_incomplete_declaration(client, frozen):
    from tests.factories import LabelledPlaceFactory

    place = LabelledPlaceFactory()  # imported: hours, agents, operators unknown
    services.open_campaign(year=2026, notify=False)
    review = Review.objects.get(place=place)
    login(client, porteur_user_of(place))
    body = client.get(url("detail", review)).content.decode()
    assert "Rien à changer : confirmer" not in body
    assert "Mettre à jour la déclaration" in body
    assert "ses horaires d&#x27;ouverture" in body or "ses horaires d'ouverture" in body
    response = client.post(url("submit", review), {"activity_confirmed": "on"})
    assert response.status_code == 200
    assert "La déclaration est incomplète ou invalide" in response.content.decode()


def test_an_abrogation_frozen_under_its_former_kind_still_reads():
    from documents import contexts
    from documents.samples import sample_context

    snapshot = sample_context("arrete_abrogation").to_snapshot()
    assert snapshot["schema"] == "arrete_abrogation/1"
    snapshot["schema"] = "arrete_retrait/1"  # as stored before the rename
    assert isinstance(contexts.load_context(snapshot), contexts.ArreteAbrogation)


def test_a_section_saved_twice_is_recorded_once(client, opened):
    """« Enregistrer » of a section clicked twice: one journal entry, the second post sent where
    the first led."""
    from tests.access.test_every_form_has_a_key import key_of_form

    login(client, porteur_user_of(opened.place))
    page = client.get(url("edit", opened, "horaires"))
    data = {day: "09:00-12:00, 13:30-17:30" for day in ("mo", "tu", "we", "th", "fr")}
    data["request_key"] = key_of_form(page)
    first = client.post(url("edit", opened, "horaires"), data)
    second = client.post(url("edit", opened, "horaires"), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert JournalEntry.objects.filter(review=opened, action=ReviewAction.EDIT).count() == 1
