"""Onboarding the porteur of an imported place, through the pages (Django client): invite,
accept through the link (new account or existing one), confirm or refuse; expired, reused and
cancelled links; wrong SIRET; double clicks; scoping; the journal."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.db import DatabaseError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from labelling.models import Place, Porteur, Role, User
from labelling.models.network import LabelStatus
from tests.factories import (
    InstructeurFactory,
    PorteurFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
    commune,
)
from workflows.onboarding.models import Invitation, InvitationState, JournalEntry

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-assez-long-2026"


def siret_with_key(prefix13: str) -> str:
    """A SIRET whose Luhn key is right (`prefix13` + the key digit)."""
    for last in "0123456789":
        candidate = prefix13 + last
        total = 0
        for index, char in enumerate(reversed(candidate)):
            digit = int(char) * (2 if index % 2 else 1)
            total += digit - 9 if digit > 9 else digit
        if total % 10 == 0:
            return candidate
    raise AssertionError


NEW_SIRET = siret_with_key("2163001130001")
OTHER_SIRET = siret_with_key("2163000030001")


def imported_place(insee="63113", **kwargs) -> Place:
    return Place.objects.create(
        name=kwargs.pop("name", "France Services de Clermont"),
        commune=commune(insee),
        porteur=kwargs.pop("porteur", None),
        label_status=LabelStatus.LABELLED,
        label_effective_on=datetime.date(2020, 1, 1),
        email=kwargs.pop("email", "contact@fs-clermont.example.fr"),
        id_fs=kwargs.pop("id_fs", "fs-0001"),
        **kwargs,
    )


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """Each request runs its on-commit callbacks (the e-mails) as a real one would."""
    original = client.request

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(**kwargs)

    client.request = request
    return client


@pytest.fixture
def place():
    return imported_place()


@pytest.fixture
def instructor():
    return InstructeurFactory(email="instructeur63@example.fr")


def invite(client, user, place, email=None, key=None):
    client.force_login(user)
    page = client.get(reverse("onboarding:invite", args=[place.pk]))
    assert page.status_code == 200
    data = {"email": email or place.email}
    data["request_key"] = key or page.context["form"]["request_key"].value()
    response = client.post(reverse("onboarding:invite", args=[place.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return Invitation.objects.filter(place=place).order_by("-created_at").first()


def link_from_mail(message) -> str:
    match = re.search(r"http://[^\s]+/invitation/([0-9a-f]{64})/", message.body)
    assert match, message.body
    return reverse("onboarding:accept", args=[match.group(1)])


def new_account_data(**overrides):
    data = {
        "first_name": "Camille",
        "last_name": "Durand",
        "siret": NEW_SIRET,
        "porteur_name": "Commune de Clermont-Ferrand",
        "porteur_kind": "commune",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    data.update(overrides)
    return data


def test_invite_accept_confirm_through_the_pages(client, place, instructor, settings):
    settings.SITE_URL = "http://testserver"
    client.force_login(instructor)
    page = client.get(reverse("labelling:place_detail", args=[place.pk]))
    assert reverse("onboarding:invite", args=[place.pk]) in page.content.decode()
    client.logout()

    invitation = invite(client, instructor, place)
    assert invitation.state == InvitationState.SENT
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=13)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [place.email]
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    link = link_from_mail(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash  # only its hash is kept

    page = client.get(link)
    assert page.status_code == 200
    assert "France Services de Clermont" in page.content.decode()

    # A wrong SIRET: the project's validator says why, on the field; nothing changes.
    wrong = client.post(
        link, new_account_data(siret=NEW_SIRET[:-1] + str((int(NEW_SIRET[-1]) + 1) % 10))
    )
    assert wrong.status_code == 200
    assert "clé de contrôle" in wrong.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).state == InvitationState.SENT

    # Password rules and the unknown porteur's name.
    weak = client.post(
        link, new_account_data(password="court", password_again="court", porteur_name="")
    )
    body = weak.content.decode()
    assert "indiquez le nom du porteur" in body and "trop court" in body

    accepted = client.post(link, new_account_data())
    assert accepted.status_code == 302
    again = client.post(link, new_account_data())  # a double click
    assert again.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.TO_CONFIRM
    assert invitation.password_hash and PASSWORD not in invitation.password_hash
    assert list(invitation.journal.values_list("action", flat=True)) == ["invite", "accept"]
    assert not User.objects.filter(email=place.email).exists()  # nothing before confirmation
    assert "attend la confirmation" in client.get(link).content.decode()
    assert [m.to for m in mail.outbox[1:]] == [[instructor.email]]

    client.force_login(instructor)
    detail = client.get(reverse("onboarding:detail", args=[invitation.pk]))
    assert "crée le porteur" in detail.content.decode()
    listing = client.get(reverse("onboarding:list"))
    assert invitation.reference in listing.content.decode()
    response = client.post(reverse("onboarding:confirm", args=[invitation.pk]))
    assert response.status_code == 302
    place.refresh_from_db()
    porteur = Porteur.objects.get(siret=NEW_SIRET)
    assert place.porteur == porteur and porteur.name == "Commune de Clermont-Ferrand"
    account = User.objects.get(email=place.email)
    assert account.role == Role.PORTEUR and account.porteur == porteur
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.CONFIRMED and invitation.password_hash == ""
    assert mail.outbox[-1].to == [place.email]
    client.logout()

    # The porteur signs in with the password it chose and sees its place.
    signed_in = client.post(reverse("login"), {"username": place.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get(reverse("labelling:place_detail", args=[place.pk])).status_code == 200
    # The link is used.
    client.logout()
    used = client.get(link)
    assert used.status_code == 410 and "déjà été utilisée" in used.content.decode()
    assert list(invitation.journal.values_list("action", flat=True)) == [
        "invite",
        "accept",
        "confirm",
    ]


def test_expired_link_is_refused_with_its_date(client, place, instructor):
    invitation = invite(client, instructor, place)
    link = link_from_mail(mail.outbox[0])
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    page = client.get(link)
    assert page.status_code == 410 and "a expiré le" in page.content.decode()
    posted = client.post(link, new_account_data())
    assert posted.status_code == 410 and "a expiré" in posted.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.SENT and invitation.accepted_at is None


def test_unknown_and_reused_links(client, place, instructor):
    assert client.get(reverse("onboarding:accept", args=["0" * 64])).status_code == 404
    invitation = invite(client, instructor, place)
    link = link_from_mail(mail.outbox[0])
    client.post(link, new_account_data())
    # Another answer on a used link: refused, nothing changes.
    other = client.post(link, new_account_data(siret=OTHER_SIRET))
    assert other.status_code == 410 and "déjà été utilisée" in other.content.decode()
    invitation.refresh_from_db()
    assert invitation.siret == NEW_SIRET


def test_refuse_with_a_reason(client, place, instructor):
    invitation = invite(client, instructor, place)
    client.post(link_from_mail(mail.outbox[0]), new_account_data())
    client.force_login(instructor)
    url = reverse("onboarding:refuse", args=[invitation.pk])
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 200 and "Indiquez le motif" in empty.content.decode()
    response = client.post(url, {"reason": "La commune ne gère pas ce lieu."})
    assert response.status_code == 302
    invitation.refresh_from_db()
    place.refresh_from_db()
    assert invitation.state == InvitationState.REFUSED and invitation.password_hash == ""
    assert place.porteur is None and not User.objects.filter(email=place.email).exists()
    assert "La commune ne gère pas ce lieu." in mail.outbox[-1].body
    # A new invitation can then be sent.
    assert invite(client, instructor, place).state == InvitationState.SENT


def test_the_invitee_says_how_the_porteur_s_name_reads_in_the_documents(client, place, instructor):
    invitation = invite(client, instructor, place)
    link = link_from_mail(mail.outbox[0])
    page = client.get(link).content.decode()
    assert "Article devant le nom du porteur" in page
    assert "la (la Communauté de communes du Livradois-Forez)" in page
    # « Amicale » is no word the guess knows: the invitee chooses « l’ ».
    data = new_account_data(porteur_name="Amicale laïque de Clermont", porteur_kind="association")
    wrong = client.post(link, {**data, "porteur_article": "lo"})
    assert wrong.status_code == 200
    assert Invitation.objects.get(pk=invitation.pk).state == InvitationState.SENT
    assert client.post(link, {**data, "porteur_article": "l'"}).status_code == 302
    client.force_login(instructor)
    detail = client.get(reverse("onboarding:detail", args=[invitation.pk])).content.decode()
    assert "« porté par l’Amicale laïque de Clermont »" in detail
    client.post(reverse("onboarding:confirm", args=[invitation.pk]))
    porteur = Porteur.objects.get(siret=NEW_SIRET)
    assert (porteur.name, porteur.article) == ("Amicale laïque de Clermont", "l'")


def test_without_a_chosen_article_the_porteur_gets_the_one_its_name_suggests(
    client, place, instructor
):
    invitation = invite(client, instructor, place)
    client.post(link_from_mail(mail.outbox[0]), new_account_data())
    client.force_login(instructor)
    client.post(reverse("onboarding:confirm", args=[invitation.pk]))
    assert Porteur.objects.get(siret=NEW_SIRET).article == "la"  # Commune de Clermont-Ferrand


def test_existing_porteur_is_reused_and_flagged(client, place, instructor):
    known = PorteurFactory(name="Communauté de communes", kind="epci", siret=OTHER_SIRET)
    invitation = invite(client, instructor, place)
    link = link_from_mail(mail.outbox[0])
    # The porteur is known: no name or nature needed.
    response = client.post(
        link, new_account_data(siret=OTHER_SIRET, porteur_name="", porteur_kind="")
    )
    assert response.status_code == 302
    client.force_login(instructor)
    detail = client.get(reverse("onboarding:detail", args=[invitation.pk])).content.decode()
    assert "déjà connu" in detail and "Communauté de communes" in detail
    client.post(reverse("onboarding:confirm", args=[invitation.pk]))
    place.refresh_from_db()
    assert place.porteur == known
    assert User.objects.get(email=place.email).porteur == known
    assert Porteur.objects.filter(siret=OTHER_SIRET).count() == 1


def test_existing_account_signs_in_first(client, place, instructor):
    porteur = PorteurFactory(siret=OTHER_SIRET)
    account = PorteurUserFactory(email="deja@example.fr", porteur=porteur)
    invitation = invite(client, instructor, place, email="deja@example.fr")
    link = link_from_mail(mail.outbox[0])
    page = client.get(link).content.decode()
    assert "Un compte existe déjà" in page and "Se connecter" in page
    assert client.post(link, new_account_data()).status_code == 200  # no new account this way
    assert Invitation.objects.get(pk=invitation.pk).state == InvitationState.SENT

    # Another account signed in: refused, with a way out.
    client.force_login(UserFactory(email="autre@example.fr"))
    assert client.get(link).status_code == 403
    client.force_login(account)
    wrong = client.post(link, {"siret": NEW_SIRET})
    assert "Votre compte est celui du porteur" in wrong.content.decode()
    assert client.post(link, {"siret": OTHER_SIRET}).status_code == 302
    client.force_login(instructor)
    client.post(reverse("onboarding:confirm", args=[invitation.pk]))
    place.refresh_from_db()
    assert place.porteur == porteur
    assert User.objects.filter(email="deja@example.fr").count() == 1


def test_la_poste_siret_follows_its_own_rule(client, place, instructor):
    # La Poste's establishments: the sum of the digits is a multiple of 5 (not Luhn).
    la_poste = "35600000000047"
    assert sum(map(int, la_poste)) % 5 == 0
    invite(client, instructor, place)
    link = link_from_mail(mail.outbox[0])
    wrong_kind = client.post(link, new_account_data(siret=la_poste, porteur_name="La Poste"))
    assert "établissement de La Poste" in wrong_kind.content.decode()
    ok = client.post(
        link, new_account_data(siret=la_poste, porteur_name="La Poste", porteur_kind="la_poste")
    )
    assert ok.status_code == 302


def test_a_new_invitation_replaces_the_pending_one_and_double_posts_send_one(
    client, place, instructor
):
    first = invite(client, instructor, place)
    first_link = link_from_mail(mail.outbox[0])
    client.force_login(instructor)
    url = reverse("onboarding:invite", args=[place.pk])
    key = "2b7cf3a4-6a3c-4a43-9b52-2f1d7c9b1e11"
    for _ in range(2):
        assert (
            client.post(url, {"email": "autre@example.fr", "request_key": key}).status_code == 302
        )
    assert Invitation.objects.filter(place=place).count() == 2
    assert len(mail.outbox) == 2
    first.refresh_from_db()
    assert first.state == InvitationState.REVOKED
    client.logout()
    assert "annulée" in client.get(first_link).content.decode()
    # While an acceptance waits for the préfecture, no new invitation.
    client.post(link_from_mail(mail.outbox[1]), new_account_data())
    client.force_login(instructor)
    blocked = client.post(url, {"email": "troisieme@example.fr"})
    assert "attend déjà la confirmation" in blocked.content.decode()


def test_scopes_and_roles(client, place, instructor):
    invitation = invite(client, instructor, place)
    other_prefecture = InstructeurFactory(departement_id="05")
    client.force_login(other_prefecture)
    assert client.get(reverse("onboarding:invite", args=[place.pk])).status_code == 404
    assert client.get(reverse("onboarding:detail", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("onboarding:revoke", args=[invitation.pk])).status_code == 404
    assert invitation.reference not in client.get(reverse("onboarding:list")).content.decode()
    client.force_login(PorteurUserFactory())
    assert client.get(reverse("onboarding:list")).status_code == 404
    assert client.get(reverse("onboarding:invite", args=[place.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("onboarding:list")).status_code == 302  # sign in first

    # The national agency invites and sees everything, but only the préfecture confirms.
    client.post(link_from_mail(mail.outbox[0]), new_account_data())
    national = UserFactory(role=Role.NATIONAL)
    client.force_login(national)
    assert client.get(reverse("onboarding:detail", args=[invitation.pk])).status_code == 200
    assert client.post(reverse("onboarding:confirm", args=[invitation.pk])).status_code == 403
    client.force_login(SignataireFactory())
    assert client.post(reverse("onboarding:confirm", args=[invitation.pk])).status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).state == InvitationState.CONFIRMED


def test_place_with_a_porteur_needs_no_invitation(client, instructor):
    place = imported_place(porteur=PorteurFactory(), id_fs="fs-2")
    client.force_login(instructor)
    response = client.get(reverse("onboarding:invite", args=[place.pk]))
    assert response.status_code == 302
    assert not Invitation.objects.exists()


def test_journal_is_append_only(client, place, instructor):
    invitation = invite(client, instructor, place)
    entry = JournalEntry.objects.get(invitation=invitation)
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(comment="réécrit")
    # The ORM refuses first, in French (workflows/history.py); the database would too.
    with pytest.raises((DatabaseError, ProtectedError)), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).delete()


def test_export_reads_back(client, place, instructor):
    invitation = invite(client, instructor, place)
    client.force_login(instructor)
    response = client.get(reverse("onboarding:export", args=["csv"]) + "?etat=")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Référence", "Lieu", "Identifiant national"]
    assert rows[1][0] == invitation.reference and rows[1][5] == place.email
    xlsx = client.get(reverse("onboarding:export", args=["xlsx"]) + "?etat=")
    content = b"".join(xlsx.streaming_content)
    xlsx.close()
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.cell(row=2, column=1).value == invitation.reference
