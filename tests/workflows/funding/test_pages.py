"""The funding pages through the Django client: the queue and its exports read back, a file's
page and its forms, the porteur's decisions and payments, rates and envelopes; 404 outside the
scope, 403 in scope without the right."""

import csv
import datetime
import html
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from labelling.models import Envelope, FundingRate
from workflows.funding import services
from workflows.funding.models import FundingCause, FundingState

pytestmark = pytest.mark.django_db


@pytest.fixture
def file(place):
    return services.open_funding_file(place=place, year=2020, cause=FundingCause.LABELLING)


@pytest.fixture
def signed(file, instructor, signataire, envelopes):
    services.propose(user=instructor, file_id=file.pk)
    services.sign(user=signataire, file_id=file.pk, signed_on=datetime.date(2020, 7, 10))
    services.record_engagements(
        user=instructor, file_id=file.pk, numbers={"fnadt": "2100123456", "fonds_national_fs": ""}
    )
    file.refresh_from_db()
    return file


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def test_the_queue_by_role(client, file, instructor, other_prefecture, porteur_user, national):
    url = reverse("funding:queue")
    client.force_login(instructor)
    response = client.get(url, {"annee": 2020})
    assert response.status_code == 200
    assert "France Services d'Ambert" in text(response) and "15 081,97 €" in text(response)
    client.force_login(other_prefecture)
    assert "France Services d'Ambert" not in text(client.get(url))
    assert client.get(reverse("funding:detail", args=[file.pk])).status_code == 404
    client.force_login(porteur_user)
    assert client.get(url).status_code == 404
    # Under instruction: the porteur does not see it yet.
    assert client.get(reverse("funding:detail", args=[file.pk])).status_code == 404
    client.force_login(national)
    assert "France Services d'Ambert" in text(client.get(url, {"departement": "63"}))


def test_bad_filters_never_fail(client, instructor, file):
    client.force_login(instructor)
    for query in (
        {"annee": "abc"},
        {"annee": "99999"},
        {"etat": "x"},
        {"page": "-1"},
        {"q": "\x00"},
    ):
        assert client.get(reverse("funding:queue"), query).status_code == 200


def test_adjust_keeps_what_was_typed_and_links_the_errors(client, file, instructor):
    client.force_login(instructor)
    url = reverse("funding:adjust", args=[file.pk])
    response = client.post(url, {"amount": "12 000,00", "reason": ""})
    assert response.status_code == 200
    page = text(response)
    assert 'value="12 000,00"' in page
    assert 'href="#id_reason"' in page
    response = client.post(url, {"amount": "douze mille", "reason": "x"})
    assert "Indiquez un montant en euros" in text(response)
    response = client.post(url, {"amount": "12 000,00", "reason": "Ouverture en août."})
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.amount == Decimal("12000.00")


def test_roles_on_the_pages(client, file, signataire, porteur_user, instructor):
    client.force_login(signataire)
    assert client.get(reverse("funding:adjust", args=[file.pk])).status_code == 403
    assert client.post(reverse("funding:propose", args=[file.pk])).status_code == 403
    client.force_login(instructor)
    response = client.post(reverse("funding:propose", args=[file.pk]))
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.state == FundingState.TO_SIGN
    # The instructor may not sign.
    assert client.get(reverse("funding:sign", args=[file.pk])).status_code == 403


def test_sign_through_the_page_in_two_payments(client, file, instructor, signataire, envelopes):
    services.propose(user=instructor, file_id=file.pk)
    client.force_login(signataire)
    url = reverse("funding:sign", args=[file.pk])
    page = text(client.get(url))
    assert "Signer la décision" in page
    response = client.post(
        url,
        {
            "signed_on": "2020-07-10",
            "mode": "parts",
            "first_percent": "50",
            "second_percent": "40",
            "second_due_on": "2020-12-01",
        },
    )
    assert response.status_code == 200 and "exactement 100 %" in text(response)
    response = client.post(
        url,
        {
            "signed_on": "2020-07-10",
            "mode": "parts",
            "first_percent": "50",
            "second_percent": "50",
            "second_due_on": "2020-12-01",
        },
    )
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.state == FundingState.SIGNED and file.payments.count() == 4


def test_payments_through_the_page(client, signed, instructor, porteur_user):
    client.force_login(instructor)
    payment = signed.payments.order_by("part__position").first()
    response = client.post(
        reverse("funding:pay", args=[signed.pk, payment.pk]), {"on": "2020-08-01"}, follow=True
    )
    assert "Ordonnancez ce versement" in text(response)
    client.post(reverse("funding:order", args=[signed.pk, payment.pk]), {"on": "2020-08-01"})
    client.post(reverse("funding:pay", args=[signed.pk, payment.pk]), {"on": "2020-08-20"})
    payment.refresh_from_db()
    assert payment.paid_on == datetime.date(2020, 8, 20)
    response = client.post(
        reverse("funding:order", args=[signed.pk, payment.pk]), {"on": "pas une date"}, follow=True
    )
    assert response.status_code == 200
    # The porteur sees its decision and payments, never the journal.
    client.force_login(porteur_user)
    page = text(client.get(reverse("funding:porteur_list")))
    assert "15 081,97 €" in page and "20/08/2020" in page and "Payé" in page
    detail = text(client.get(reverse("funding:detail", args=[signed.pk])))
    assert "Journal" not in detail and "Ordonnancer" not in detail
    assert client.post(reverse("funding:order", args=[signed.pk, payment.pk])).status_code == 403


def test_exports_read_back(client, signed, instructor, other_prefecture):
    client.force_login(instructor)
    response = client.get(reverse("funding:export_decisions", args=["csv"]), {"annee": 2020})
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    header, *lines = rows
    assert header[:4] == ["Référence", "Année", "Département", "Lieu"]
    by = [dict(zip(header, line, strict=True)) for line in lines]
    assert [r["Montant du financeur (€)"] for r in by] == ["7540,99", "7540,98"]
    assert {r["SIRET"] for r in by} == {"20007075300014"}
    assert by[0]["Numéro d'engagement"] == "2100123456"
    assert by[0]["Montant total (€)"] == "15081,97"
    response = client.get(reverse("funding:export_payments", args=["xlsx"]), {"annee": 2020})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0][0] == "Dossier de financement"
    assert sorted(v[values[0].index("Montant (€)")] for v in values[1:]) == ["7540,98", "7540,99"]
    assert {v[values[0].index("SIRET")] for v in values[1:]} == {"20007075300014"}
    client.force_login(other_prefecture)
    response = client.get(reverse("funding:export_decisions", args=["csv"]))
    assert len(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()) == 1
    assert client.get(reverse("funding:export_decisions", args=["pdf"])).status_code == 404


def test_rates_are_edited_by_national_users_only(client, national, instructor):
    client.force_login(instructor)
    assert client.get(reverse("funding:rates")).status_code == 200
    assert client.post(reverse("funding:rates"), {"year": "2027"}).status_code == 403
    client.force_login(national)
    response = client.post(
        reverse("funding:rates"),
        {
            "year": "2027",
            "amount": "50 000",
            "prorata_first_year": "on",
            "percent_fnadt": "50",
            "percent_fonds_national_fs": "40",
        },
    )
    assert response.status_code == 200 and "exactement 100 %" in text(response)
    assert 'value="50 000"' in text(response)
    response = client.post(
        reverse("funding:rates"),
        {
            "year": "2027",
            "amount": "50 000",
            "prorata_first_year": "on",
            "percent_fnadt": "50",
            "percent_fonds_national_fs": "50",
        },
    )
    assert response.status_code == 302
    assert FundingRate.objects.get(year=2027).amount == Decimal("50000")


def test_envelopes_page(client, national, instructor, porteur_user):
    client.force_login(national)
    url = reverse("funding:envelopes") + "?annee=2024"
    response = client.post(url, {"departement": "63", "funder": "fnadt", "amount": "1 200 000"})
    assert response.status_code == 302
    assert Envelope.objects.get(year=2024, departement_id="63").amount == Decimal("1200000")
    response = client.post(url, {"departement": "999", "funder": "fnadt", "amount": "1"})
    assert "Ce département n'existe pas" in text(response)
    client.force_login(instructor)
    assert "1 200 000,00 €" in text(client.get(url))
    assert (
        client.post(url, {"departement": "63", "funder": "fnadt", "amount": "1"}).status_code == 403
    )
    client.force_login(porteur_user)
    assert client.get(url).status_code == 404


def test_open_the_year(client, instructor, place, national):
    client.force_login(instructor)
    response = client.post(reverse("funding:open_year"), {"year": "2022"}, follow=True)
    assert "1 dossier de financement 2022 ouvert" in text(response)
    response = client.post(reverse("funding:open_year"), {"year": "abc"}, follow=True)
    assert response.status_code == 200


def test_the_queue_reads_a_fixed_number_of_queries(client, instructor, porteur):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import LabelledPlaceFactory

    client.force_login(instructor)
    url = reverse("funding:queue")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"annee": 2021}).status_code == 200
        return len(queries.captured_queries)

    for _ in range(2):
        place = LabelledPlaceFactory(porteur=porteur)
        services.open_funding_file(place=place, year=2021, cause=FundingCause.YEAR)
    few = count()
    for _ in range(6):
        place = LabelledPlaceFactory(porteur=porteur)
        services.open_funding_file(place=place, year=2021, cause=FundingCause.YEAR)
    assert count() == few


def test_decisions_in_xlsx_read_back(client, signed, instructor):
    client.force_login(instructor)
    response = client.get(reverse("funding:export_decisions", args=["xlsx"]), {"annee": 2020})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.values)
    funder = header.index("Financeur")
    assert [row[funder] for row in rows] == [
        "État — Fonds national d'aménagement et de développement du territoire (FNADT)",
        "Fonds national France Services (opérateurs partenaires)",
    ]
    assert {row[header.index("SIRET")] for row in rows} == {"20007075300014"}
    assert rows[0][header.index("Imputation")].startswith("Programme 112")


def test_the_queue_shows_the_envelopes_of_the_year(client, file, instructor, envelopes):
    client.force_login(instructor)
    page = text(client.get(reverse("funding:queue"), {"annee": 2020}))
    assert "Enveloppes 2020 du département 63" in page
    # 100 000 € each, 7 540,99 € (FNADT) waiting for a signature.
    assert "100 000,00 €" in page and "7 540,99 €" in page and "92 459,01 €" in page


def test_a_button_clicked_twice_acts_once(client, file, instructor):
    """« Recalculer » posted twice from the same page: the amount is computed again once (one
    journal entry); the second post lands on the file with « déjà envoyé »."""
    from idempotency.keys import REPLAYED
    from tests.access.test_every_form_has_a_key import key_of_form
    from workflows.funding.models import FundingAction

    client.force_login(instructor)
    url = reverse("funding:recompute", args=[file.pk])
    key = key_of_form(client.get(reverse("funding:detail", args=[file.pk])), url)
    first = client.post(url, {"request_key": key})
    second = client.post(url, {"request_key": key})
    assert first.status_code == second.status_code == 302
    assert file.journal.filter(action=FundingAction.RECOMPUTE).count() == 1
    assert REPLAYED in text(client.get(second.url))
