"""Instructors' queue: scope, filters, sort, constant number of queries, CSV and XLSX exports."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from labelling.models import Place
from tests.factories import (
    InstructeurFactory,
    PlaceFactory,
    PorteurFactory,
    PorteurUserFactory,
    commune,
)
from workflows.deadlines import today
from workflows.models import Application, State

pytestmark = pytest.mark.django_db


def make_applications(count: int, *, departement_commune: str = "63003", state=State.INSTRUCTION):
    """Applications straight in the database (the queue only reads them)."""
    apps = []
    now = datetime.datetime.now(datetime.UTC)
    for i in range(count):
        porteur = PorteurFactory(kind="association" if i % 2 else "commune")
        place = PlaceFactory(commune=commune(departement_commune), porteur=porteur)
        user = PorteurUserFactory(porteur=porteur)
        apps.append(
            Application.objects.create(
                porteur=porteur,
                place=place,
                departement_id=place.departement_id,
                created_by=user,
                state=state,
                version_code="france-services-2019",
                submitted_snapshot={"declaration": {}},
                first_submitted_at=now,
                submitted_at=now,
                stage_deadline=today() + datetime.timedelta(days=(-3 if i % 3 == 0 else 10)),
            )
        )
    return apps


@pytest.fixture
def instructor():
    return InstructeurFactory(departement_id="63")


def test_queue_shows_only_the_departement(client, instructor):
    mine = make_applications(2)
    others = make_applications(2, departement_commune="05061")
    client.force_login(instructor)
    page = client.get(reverse("workflows:queue")).content.decode()
    for app in mine:
        assert app.reference in page
    for app in others:
        assert app.reference not in page


@pytest.mark.parametrize("count", [5, 30])
def test_queue_uses_a_constant_number_of_queries(
    client, instructor, django_assert_num_queries, count
):
    make_applications(count)
    client.force_login(instructor)
    # session + user, count, page rows: the same whatever the number of rows.
    with django_assert_num_queries(4):
        response = client.get(reverse("workflows:queue"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == count


def test_filters_and_sort(client, instructor):
    apps = make_applications(6)
    apps[0].assigned_to = instructor
    apps[0].save()
    client.force_login(instructor)
    queue = reverse("workflows:queue")
    overdue = client.get(queue, {"retard": "1"}).context["rows"]
    assert {a.pk for a, _ in overdue} == {apps[0].pk, apps[3].pk}
    assert all(row[-1] == "oui" for _, row in overdue)
    associations = client.get(queue, {"porteur": "association"}).context["rows"]
    assert {a.porteur.kind for a, _ in associations} == {"association"}
    mine = client.get(queue, {"attribution": "moi"}).context["rows"]
    assert [a.pk for a, _ in mine] == [apps[0].pk]
    assert client.get(queue, {"etape": "depose"}).context["rows"] == []
    by_commune = client.get(queue, {"commune": "Ambert"}).context["rows"]
    assert len(by_commune) == 6
    assert client.get(queue, {"commune": "Clermont"}).context["rows"] == []
    sorted_rows = client.get(queue, {"tri": "echeance"}).context["rows"]
    deadlines = [a.stage_deadline for a, _ in sorted_rows]
    assert deadlines == sorted(deadlines)


def test_csv_export_has_the_columns_shown_and_the_filter(client, instructor):
    apps = make_applications(4)
    client.force_login(instructor)
    response = client.get(reverse("workflows:queue_export", args=["csv"]), {"retard": "1"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    page_columns = client.get(reverse("workflows:queue")).context["columns"]
    assert rows[0] == page_columns
    assert {r[0] for r in rows[1:]} == {apps[0].reference, apps[3].reference}


@pytest.mark.parametrize("count", [5, 30])
def test_xlsx_export_constant_queries(client, instructor, django_assert_num_queries, count):
    make_applications(count)
    client.force_login(instructor)
    with django_assert_num_queries(3):
        response = client.get(reverse("workflows:queue_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Référence"
    assert len(rows) == count + 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_never_fail_on_stored_text_and_stay_inert(client, instructor, fmt):
    """Stored names with a control character or a formula export as inert text."""
    apps = make_applications(2)
    names = ["Maison France\u000bServices", '=HYPERLINK("http://exemple.invalid";"Voir")']
    for app, name in zip(apps, names, strict=True):
        # Stored before text was cleaned at the boundary: written around the model's save.
        Place.objects.filter(pk=app.place.pk).update(name=name)
    client.force_login(instructor)
    response = client.get(reverse("workflows:queue_export", args=[fmt]))
    assert response.status_code == 200
    data = response.getvalue()
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    else:
        sheet = load_workbook(io.BytesIO(data)).active
        assert {c.data_type for row in sheet.iter_rows() for c in row if c.value} == {"s"}
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    places = {row[1] for row in rows[1:]}
    assert places == {"Maison France Services", '\'=HYPERLINK("http://exemple.invalid";"Voir")'}


def test_porteurs_have_no_queue(client):
    client.force_login(PorteurUserFactory())
    assert client.get(reverse("workflows:queue")).status_code == 404
    assert client.get(reverse("workflows:queue_export", args=["csv"])).status_code == 404


def test_porteur_list_constant_queries(client, django_assert_num_queries):
    apps = make_applications(3)
    user = apps[0].created_by
    client.force_login(user)
    with django_assert_num_queries(4):
        response = client.get(reverse("workflows:porteur_applications"))
    assert apps[0].reference in response.content.decode()


def test_file_page_queries_do_not_grow_with_messages_and_history(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.workflows import factories as wf
    from workflows import services

    instructor = InstructeurFactory(departement_id="63")
    counts = []
    for messages in (2, 12):
        app = wf.in_instruction(instructor=instructor)
        for i in range(messages):
            services.post_message(
                user=instructor,
                application_id=app.pk,
                body=f"Question {i}",
                files=[wf.pdf(f"q{i}.pdf")],
            )
            services.add_private_note(user=instructor, application_id=app.pk, body=f"Note {i}")
        client.force_login(instructor)
        url = reverse("workflows:application_detail", args=[app.pk])
        client.get(url)  # process-wide caches (content types, permissions) filled once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_batch_take_from_the_queue(client, instructor):
    from tests.workflows import factories as wf

    mine = [wf.submitted(), wf.submitted()]
    elsewhere = wf.submitted(commune_insee="05061")
    client.force_login(instructor)
    response = client.post(
        reverse("workflows:queue_take"),
        {
            "dossiers": [str(a.pk) for a in [*mine, elsewhere]] + ["pas-un-uuid"],
            "next": "/instruction/",
        },
        follow=True,
    )
    content = response.content.decode()
    assert "Vous instruisez 2 dossiers de plus." in content
    assert "2 dossiers n&#x27;ont pas pu être pris" in content
    for app in mine:
        app.refresh_from_db()
        assert app.assigned_to == instructor
    elsewhere.refresh_from_db()
    assert elsewhere.assigned_to is None


def test_batch_take_is_for_instructors_only(client):
    from tests.workflows import factories as wf

    app = wf.submitted()
    client.force_login(PorteurUserFactory(porteur=app.porteur))
    client.post(reverse("workflows:queue_take"), {"dossiers": [str(app.pk)]})
    app.refresh_from_db()
    assert app.assigned_to is None
