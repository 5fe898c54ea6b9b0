"""Open data (issue 15): ``export_opendata`` in the national list's format and in the national
standards, the import → export round trip on the real sample, the identifiers of Estampille's own
places, formulas, the daily publication and its public page."""

import csv
import datetime
import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from labelling.models import LabelStatus, OpenDataFile, Place, PlaceIdentifier
from labelling.national_list import COLUMNS, parse_day
from labelling.opendata import (
    e164,
    osm_opening_hours,
    publish_opendata,
    structure_schema,
)
from tests.factories import LabelledPlaceFactory, OpeningIntervalFactory, PlaceFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "france-services-sample.csv"
DAYS = COLUMNS[12:18]


def export(fmt: str = "csv") -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_opendata", "--format", fmt, stdout=out, stderr=err)
    return out.getvalue()


def read_csv(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == list(COLUMNS)
    return list(reader)


def minutes(cell: str) -> int:
    return sum(end - start for start, end in parse_day(cell))


def test_import_then_export_gives_back_every_place_of_the_sample():
    call_command("import_national_list", str(SAMPLE), stdout=io.StringIO(), stderr=io.StringIO())
    with SAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        source = {r["id_fs"]: r for r in csv.DictReader(handle)}
    exported = {r["id_fs"]: r for r in read_csv(export())}

    assert exported.keys() == source.keys()
    for id_fs, original in source.items():
        row = exported[id_fs]
        for day in DAYS:
            assert minutes(row[day]) == minutes(original[day]), (id_fs, day)
            assert row[day] == " / ".join(
                f"{s // 60:02d}:{s % 60:02d} - {e // 60:02d}:{e % 60:02d}"
                for s, e in parse_day(original[day])
            ), (id_fs, day)
        for column in ("insee_dep", "code_postal", "type_fs", "format_fs", "labellisation_fs"):
            assert row[column] == original[column].strip(), (id_fs, column)
        assert row["insee_com"] == original["insee_com"], id_fs
        assert row["lib_fs"] == " ".join(original["lib_fs"].split())
        assert row["prise_rdv"] == original["prise_rdv"]
        assert abs(float(row["latitude"]) - float(original["latitude"])) < 1e-5
        assert abs(float(row["longitude"]) - float(original["longitude"])) < 1e-5


def test_csv_is_written_as_the_national_list_writes_it():
    place = LabelledPlaceFactory(
        id_fs="42",
        name='France services « Le "Phare" »',
        postal_code="63000",
        latitude="45.779000",
        longitude="-3.082500",
        phone="+33 4 73 00 00 00",
        appointments=True,
        label_effective_on=datetime.date(2021, 1, 15),
    )
    OpeningIntervalFactory(place=place, weekday=0, start_minute=13 * 60 + 30, end_minute=17 * 60)
    OpeningIntervalFactory(place=place, weekday=0, start_minute=9 * 60, end_minute=12 * 60)
    OpeningIntervalFactory(place=place, weekday=1, start_minute=9 * 60, end_minute=1440)

    text = export()

    header, line, end = text.split("\n")
    assert not text.startswith("\ufeff") and end == ""
    assert header == ",".join(f'"{c}"' for c in COLUMNS)
    cells = next(csv.reader([line]))
    row = dict(zip(COLUMNS, cells, strict=True))
    assert row["lib_fs"] == 'France services « Le "Phare" »'
    assert '"France services « Le ""Phare"" »"' in line
    assert row["h_lundi"] == "09:00 - 12:00 / 13:30 - 17:00"
    assert row["h_mardi"] == "09:00 - 24:00"
    assert row["h_mercredi"] == ""
    assert row["labellisation_fs"] == "Espace labellisé 15/01/2021"
    assert row["prise_rdv"] == "Oui"
    assert row["telephone"] == "+33 4 73 00 00 00"  # a phone number is no formula
    # Coordinates are bare numbers, an empty cell is bare.
    assert ",45.779,-3.0825," in line
    assert ',"63000","Clermont-Ferrand",' in line
    assert '"complement_adresse"' not in line and ',,"63113"' in line


def test_a_name_that_a_spreadsheet_would_evaluate_never_becomes_a_formula():
    LabelledPlaceFactory(id_fs="7", name='=HYPERLINK("http://exemple.invalid";"Voir")')
    LabelledPlaceFactory(id_fs="8", name="@SUM(1+1)", comment="-2+3")

    rows = {r["id_fs"]: r for r in read_csv(export())}

    assert rows["7"]["lib_fs"] == '\'=HYPERLINK("http://exemple.invalid";"Voir")'
    assert rows["8"]["lib_fs"] == "'@SUM(1+1)"
    assert rows["8"]["commentaire"] == "'-2+3"


def test_only_places_in_force_are_exported():
    today = datetime.date.today()
    LabelledPlaceFactory(id_fs="1", name="En vigueur")
    LabelledPlaceFactory(
        id_fs="2",
        name="Décision sans date d'effet",
        labelled_on=today - datetime.timedelta(days=1),
        label_effective_on=None,
    )
    LabelledPlaceFactory(id_fs="3", label_effective_on=today + datetime.timedelta(days=10))
    LabelledPlaceFactory(id_fs="4", label_status=LabelStatus.SUSPENDED)
    LabelledPlaceFactory(id_fs="5", label_status=LabelStatus.WITHDRAWN)
    PlaceFactory(id_fs="6")  # in project

    assert [r["id_fs"] for r in read_csv(export())] == ["1", "2"]
    assert [item["id"] for item in json.loads(export("json"))] == ["1", "2"]


def test_a_place_created_in_estampille_keeps_an_identifier_of_its_own_never_reused():
    first = LabelledPlaceFactory(name="Premier lieu")
    second = LabelledPlaceFactory(name="Second lieu")
    LabelledPlaceFactory(id_fs="12", name="Lieu de la liste")

    ids = [r["id_fs"] for r in read_csv(export())]
    again = [r["id_fs"] for r in read_csv(export())]

    assert ids == again
    assert ids[0] == "12" and all(i.startswith("EST-") for i in ids[1:])
    first_id = PlaceIdentifier.objects.get(place=first).identifier
    second.delete()
    third = LabelledPlaceFactory(name="Troisième lieu")
    export()
    assert PlaceIdentifier.objects.get(place=first).identifier == first_id
    assert PlaceIdentifier.objects.get(place=third).number > int(first_id[4:]) + 1
    assert not Place.objects.filter(id_fs__startswith="EST-").exists()  # id_fs stays national


def test_json_follows_the_national_standards():
    place = LabelledPlaceFactory(
        id_fs="31",
        name="France services de Thiers",
        postal_code="63300",
        latitude="45.856",
        longitude="3.547",
        phone="04 73 00 00 00",
        email="thiers@exemple-france-services.fr",
        comment="Accueil avec ou sans rendez-vous.",
    )
    for day in range(5):
        OpeningIntervalFactory(place=place, weekday=day, start_minute=540, end_minute=720)
    OpeningIntervalFactory(place=place, weekday=5, start_minute=540, end_minute=660)

    items = json.loads(export("json"))

    validator = jsonschema.Draft7Validator(
        structure_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    for item in items:
        assert not list(validator.iter_errors(item))
    (item,) = items
    assert item["horaires_accueil"] == item["horaires"] == "Mo-Fr 09:00-12:00; Sa 09:00-11:00"
    assert item["dispositif_programmes_nationaux"] == "France Services"
    assert item["reseaux_porteurs"] == ["france-service"]
    assert item["telephone"] == "+33473000000"
    assert item["code_insee"] == "63113" and item["code_postal"] == "63300"
    assert item["liste_nationale"]["h_samedi"] == "09:00 - 11:00"
    assert item["liste_nationale"]["labellisation_fs"] == "Espace labellisé 01/01/2020"
    assert item["lien_source"].endswith(reverse("public:place", args=[place.pk]))


def test_the_json_of_the_whole_sample_validates_against_the_vendored_schema():
    call_command("import_national_list", str(SAMPLE), stdout=io.StringIO(), stderr=io.StringIO())
    validator = jsonschema.Draft7Validator(
        structure_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    items = json.loads(export("json"))
    assert len(items) == 621
    assert len({item["id"] for item in items}) == 621
    for item in items:
        errors = list(validator.iter_errors(item))
        assert not errors, (item["id"], errors[0].message)


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ([()] * 7, ""),
        ([((540, 720), (810, 1020))] * 5 + [(), ()], "Mo-Fr 09:00-12:00,13:30-17:00"),
        (
            [((540, 720),), (), ((540, 720),), (), (), (), ((600, 1440),)],
            "Mo 09:00-12:00; We 09:00-12:00; Su 10:00-24:00",
        ),
    ],
)
def test_opening_hours_in_openstreetmap_syntax(hours, expected):
    assert osm_opening_hours(tuple(tuple(day) for day in hours)) == expected


def test_phone_numbers_in_international_form():
    assert e164("04 73 00 00 00") == "+33473000000"
    assert e164("0590 12 34 56") == "+590590123456"
    assert e164("02.62.00.00.00") == "+262262000000"
    assert e164("+33 1 00 00 00 00") == "+33100000000"
    assert e164("voir commentaire") is None


def test_export_to_a_file_and_bad_paths(tmp_path):
    LabelledPlaceFactory(id_fs="1")
    target = tmp_path / "out.csv"
    err = io.StringIO()
    call_command("export_opendata", "--output", str(target), stderr=err)
    assert "1 lieux exportés" in err.getvalue()
    assert read_csv(target.read_text(encoding="utf-8"))[0]["id_fs"] == "1"
    with pytest.raises(CommandError) as exc:
        call_command(
            "export_opendata", "--output", str(tmp_path / "absent" / "x.csv"), stderr=io.StringIO()
        )
    assert exc.value.returncode == 2 and "impossible d'écrire" in str(exc.value)


def test_daily_publication_is_served_with_its_licence_and_date(client, settings):
    LabelledPlaceFactory(id_fs="1", name="Lieu publié")
    assert "labelling-publish-opendata" in settings.CELERY_BEAT_SCHEDULE

    page = client.get(reverse("public:opendata"))
    assert "Licence Ouverte" in page.content.decode()
    fresh = client.get(reverse("public:opendata_download", args=["csv"]))
    assert b"Lieu publi" in fresh.content  # made on the fly before the first publication

    records = publish_opendata(on=datetime.date(2026, 11, 29))
    assert {r.format for r in records} == {"csv", "json"}
    page = client.get(reverse("public:opendata")).content.decode()
    assert "29 novembre 2026" in page and records[0].sha256 in page
    download = client.get(reverse("public:opendata_download", args=["csv"]))
    assert download["Content-Disposition"].endswith('france-services-20261129.csv"')
    assert b"".join(download.streaming_content).decode().count("\n") == 2
    for _ in range(8):
        publish_opendata()
    assert OpenDataFile.objects.filter(format="csv").count() == 7
    assert client.get("/donnees/france-services.xml").status_code == 404
