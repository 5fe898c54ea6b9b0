"""Light activity statistics: the month's form, the CSV import of good and bad files (BOM, `;`
or `,`, each faulty line by number, in French), the scope of each role on the figures, the
months without figures in the review, corrections until the review closes."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from labelling.activity import services
from labelling.models import Commune, MonthlyActivity, Operator, Presence
from tests.factories import (
    InstructeurFactory,
    LabelledPlaceFactory,
    OperateurUserFactory,
    OperatorPresenceFactory,
    PorteurUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 2, 10, 9, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def place():
    place = LabelledPlaceFactory(id_fs="fs-63-1", labelled_on=datetime.date(2020, 1, 1))
    for code in ("caf", "dgfip"):
        OperatorPresenceFactory(
            place=place, operator=Operator.objects.get(pk=code), presence=Presence.ON_SITE
        )
    return place


@pytest.fixture
def porteur(place):
    return PorteurUserFactory(porteur=place.porteur)


def upload(client, data: bytes):
    return client.post(
        reverse("activity:import"),
        {"file": SimpleUploadedFile("activite.csv", data, content_type="text/csv")},
    )


GOOD = (
    "\ufefflieu;mois;operateur;personnes_accompagnees;demandes\r\n"
    "fs-63-1;2025-01;caf;42;57\r\n"
    "fs-63-1;2025-01;DGFiP;18;20\r\n"
    "fs-63-1;02/2025;caf;40;51\r\n"
).encode()


def test_a_good_file_with_bom_and_semicolons_is_imported_once(client, porteur, place):
    client.force_login(porteur)
    page = upload(client, GOOD).content.decode()
    assert "3 ligne(s) créée(s), 0 mise(s) à jour, 0 inchangée(s), 0 refusée(s)" in page
    assert MonthlyActivity.objects.filter(place=place).count() == 3
    row = MonthlyActivity.objects.get(
        place=place, month=datetime.date(2025, 1, 1), operator="dgfip"
    )
    assert (row.people_helped, row.requests, row.source) == (18, 20, "import")
    page = upload(client, GOOD).content.decode()
    assert "0 ligne(s) créée(s), 0 mise(s) à jour, 3 inchangée(s), 0 refusée(s)" in page


def test_commas_are_accepted_and_a_new_value_corrects(client, porteur, place):
    client.force_login(porteur)
    upload(client, GOOD)
    data = b"lieu,mois,operateur,personnes_accompagnees,demandes\nfs-63-1,2025-01,caf,43,57\n"
    page = upload(client, data).content.decode()
    assert "0 ligne(s) créée(s), 1 mise(s) à jour" in page
    assert (
        MonthlyActivity.objects.get(month=datetime.date(2025, 1, 1), operator="caf").people_helped
        == 43
    )


def test_each_faulty_line_is_reported_by_number_in_french(client, porteur, place):
    client.force_login(porteur)
    data = (
        b"lieu;mois;operateur;personnes_accompagnees;demandes\n"
        b"fs-63-1;2025-03;caf;10;12\n"  # 2: good
        b"fs-63-1;2025-13;caf;10;12\n"  # 3: no such month
        b"fs-63-1;2025-04;poste restante;10;12\n"  # 4: unknown operator
        b"fs-63-1;2025-04;caf;-3;douze\n"  # 5: figures
        b"fs-inconnu;2025-04;caf;1;1\n"  # 6: unknown place
        b"fs-63-1;2026-05;caf;1;1\n"  # 7: not over yet
        b"fs-63-1;2025-03;caf;11;12\n"  # 8: same as line 2
        b"fs-63-1;2025-04\n"  # 9: too few columns
    )
    page = upload(client, data).content.decode()
    assert "1 ligne(s) créée(s), 0 mise(s) à jour, 0 inchangée(s), 7 refusée(s)" in page
    for expected in (
        "ligne 3 : mois : « 2025-13 » n&#x27;est pas un mois AAAA-MM",
        "ligne 4 : operateur : « poste restante » inconnu",
        "ligne 5 : personnes_accompagnees : « -3 » n&#x27;est pas un nombre entier positif ; "
        "demandes : « douze » n&#x27;est pas un nombre entier positif",
        "ligne 6 : lieu : « fs-inconnu » inconnu ou hors des lieux que vous gérez",
        "ligne 7 : mois : 05/2026 n&#x27;est pas encore passé",
        "ligne 8 : même lieu, même mois et même opérateur que la ligne 2",
        "ligne 9 : 2 colonne(s) au lieu de 5",
    ):
        assert expected in page, expected
    assert MonthlyActivity.objects.count() == 1


def test_a_file_that_is_not_the_template_is_refused_whole(client, porteur, place):
    client.force_login(porteur)
    page = upload(client, b"nom;valeur\nx;1\n").content.decode()
    assert (
        "colonnes « lieu », « mois », « operateur », « personnes_accompagnees », « demandes » absentes"
        in page
    )
    page = upload(
        client, b"lieu;mois;operateur;personnes_accompagnees;demandes\nfs-63-1;2025-01;caf;1;\xe9\n"
    ).content.decode()
    assert "ligne 2" in page and "UTF-8" in page
    assert not MonthlyActivity.objects.exists()


def test_the_template_is_downloadable(client, porteur, place):
    client.force_login(porteur)
    response = client.get(reverse("activity:template"))
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "lieu;mois;operateur;personnes_accompagnees;demandes"
    assert "fs-63-1;2026-01;caf" in text


def test_a_place_of_another_porteur_cannot_be_imported(client, place):
    client.force_login(PorteurUserFactory())
    page = upload(client, GOOD).content.decode()
    assert "ligne 2 : lieu : « fs-63-1 » inconnu ou hors des lieux que vous gérez" in page
    assert not MonthlyActivity.objects.exists()


def test_the_month_form_and_the_months_without_figures(client, porteur, place):
    client.force_login(porteur)
    url = reverse("activity:month", args=[place.pk, 2025, 3])
    page = client.get(url).content.decode()
    assert escape(Operator.objects.get(pk="caf").name) in page
    response = client.post(url, {"people_caf": "12", "requests_caf": "15", "people_dgfip": "abc"})
    assert response.status_code == 200
    assert "Saisissez un nombre entier." in response.content.decode()
    assert not MonthlyActivity.objects.exists()
    response = client.post(url, {"people_caf": "12", "requests_caf": "15"})
    assert response.status_code == 302
    assert MonthlyActivity.objects.get().requests == 15
    page = client.get(reverse("activity:place", args=[place.pk]) + "?annee=2025").content.decode()
    assert "Mois sans chiffres : janvier 2025, février 2025, avril 2025" in page
    assert "12 / 15" in page


def test_each_role_sees_its_own_figures(client, place):
    caf, dgfip = Operator.objects.get(pk="caf"), Operator.objects.get(pk="dgfip")
    far = LabelledPlaceFactory(commune=Commune.objects.get(pk="05061"))
    for p, people in ((place, 10), (far, 1000)):
        for op in (caf, dgfip):
            MonthlyActivity.objects.create(
                place=p,
                month=datetime.date(2025, 6, 1),
                operator=op,
                people_helped=people,
                requests=people,
            )

    def totals(user):
        client.force_login(user)
        page = client.get(reverse("activity:overview") + "?year=2025").content.decode()
        export = client.get(reverse("activity:export", args=["csv"]) + "?year=2025")
        rows = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()[1:]
        return page, sorted(rows)

    page, rows = totals(OperateurUserFactory(operator=caf))
    assert len(rows) == 2 and all(caf.name in r for r in rows)
    assert "1010 personnes accompagnées" in page
    page, rows = totals(InstructeurFactory(departement_id="63"))
    assert len(rows) == 2 and "20 personnes accompagnées" in page
    page, rows = totals(PorteurUserFactory(porteur=place.porteur))
    assert len(rows) == 2
    page, rows = totals(UserFactory())
    assert len(rows) == 4 and "2020 personnes accompagnées" in page
    # A partner operator reads a place's page with its own operator's figures only.
    client.force_login(OperateurUserFactory(operator=caf))
    page = client.get(reverse("activity:place", args=[place.pk]) + "?annee=2025").content.decode()
    assert escape(caf.name) in page
    assert escape(dgfip.name) not in page
    assert client.get(reverse("activity:month", args=[place.pk, 2025, 6])).status_code == 403
    assert client.get(reverse("activity:import")).status_code == 404


def test_figures_are_closed_when_the_review_is_decided(client, porteur, place):
    from labelling.activity.services import ActivityError, close_year, save_month

    save_month(user=porteur, place=place, month=datetime.date(2025, 5, 1), figures={"caf": (1, 2)})
    close_year(place=place, year=2025, reason="revue annuelle 2026 décidée")
    with pytest.raises(ActivityError, match="ne peuvent plus être corrigés"):
        save_month(
            user=porteur, place=place, month=datetime.date(2025, 5, 1), figures={"caf": (3, 4)}
        )
    outcome = services.import_csv(user=porteur, data=GOOD)
    assert outcome.created == 0 and outcome.rejected == 3
    assert outcome.errors[0].startswith("ligne 2 : Les chiffres de 2025")
    assert "ne peuvent plus être corrigés" in outcome.errors[0]
    # The next year stays open.
    save_month(user=porteur, place=place, month=datetime.date(2026, 1, 1), figures={"caf": (3, 4)})


def test_a_file_sent_twice_is_imported_once(client, porteur, place):
    """A double click on « Importer »: the second post says it was already taken into account
    and imports nothing again; a new page (a new key) imports as the user means it."""
    from idempotency.keys import REPLAYED
    from tests.access.test_every_form_has_a_key import key_of_form

    client.force_login(porteur)
    key = key_of_form(client.get(reverse("activity:import")))

    def send():
        return client.post(
            reverse("activity:import"),
            {
                "file": SimpleUploadedFile("activite.csv", GOOD, content_type="text/csv"),
                "request_key": key,
            },
        ).content.decode()

    assert "3 ligne(s) créée(s)" in send()
    second = send()
    assert escape(REPLAYED) in second
    assert "inchangée(s)" not in second  # nothing read again
    assert MonthlyActivity.objects.filter(place=place).count() == 3


def test_a_month_sent_twice_is_written_once(client, porteur, place):
    from idempotency.keys import REPLAYED
    from tests.access.test_every_form_has_a_key import key_of_form

    client.force_login(porteur)
    url = reverse("activity:month", args=[place.pk, 2025, 3])
    data = {"request_key": key_of_form(client.get(url))}
    for code in ("caf", "dgfip"):
        data[f"people_{code}"], data[f"requests_{code}"] = "12", "15"
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302, first.content.decode()[:3000]
    march = MonthlyActivity.objects.filter(place=place, month=datetime.date(2025, 3, 1))
    assert march.count() == 2  # one row per operator, written once
    assert escape(REPLAYED) in client.get(second.url).content.decode()
