"""``import_national_list``: the ANCT's national list of France Services places as published
(issue 14), each quirk of the data README, the exit statuses and the stderr format."""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from labelling.declarations import upsert_place_from_declaration
from labelling.models import LabelStatus, OpeningInterval, Place
from labelling.national_list import COLUMNS, parse_day, read_national_list
from labelling.permissions import may_view_place
from labelling.selectors import declaration_gaps
from tests.factories import (
    InstructeurFactory,
    PlaceFactory,
    PorteurFactory,
    UserFactory,
    commune,
)
from tests.labelling.conformity.helpers import conform_fs

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "france-services-sample.csv"
SAMPLE_ROWS = 621


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_national_list", str(path), *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def row(**values) -> dict[str, str]:
    """A valid row of the list (Ambert), with some cells replaced."""
    base = {
        "id_fs": "9001",
        "insee_dep": "63",
        "lib_fs": "France services d'Ambert",
        "adresse": "1 place de la Mairie",
        "complement_adresse": "",
        "insee_com": "63003",
        "code_postal": "63600",
        "lib_com": "Ambert",
        "latitude": "45.549",
        "longitude": "3.741",
        "mail": "contact@exemple-france-services.fr",
        "telephone": "04 00 00 00 00",
        "h_lundi": "09:00 - 12:00 / 13:30 - 17:00",
        "h_mardi": "09:00 - 12:00 / 13:30 - 17:00",
        "h_mercredi": "09:00 - 12:00",
        "h_jeudi": "09:00 - 12:00 / 13:30 - 17:00",
        "h_vendredi": "09:00 - 12:00 / 13:30 - 16:00",
        "h_samedi": "",
        "prise_rdv": "Oui",
        "commentaire": "",
        "type_fs": "Principal",
        "format_fs": "Fixe",
        "groupe_fs": "",
        "labellisation_fs": "Espace labellisé 01/01/2020",
    }
    base.update(values)
    return base


def write(tmp_path, rows, *, bom=False, delimiter=",", name="liste.csv") -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(
        buffer, fieldnames=COLUMNS, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


def hours(place: Place) -> dict[int, list[tuple[int, int]]]:
    days: dict[int, list[tuple[int, int]]] = {}
    for interval in OpeningInterval.objects.filter(place=place).order_by("weekday", "position"):
        days.setdefault(interval.weekday, []).append((interval.start_minute, interval.end_minute))
    return days


# --- The sample of the real list ----------------------------------------------------------


def test_the_sample_is_imported_then_imported_again_without_change():
    code, out, err = run(SAMPLE)
    assert (code, err) == (0, "")
    assert out.strip() == f"{SAMPLE_ROWS} créés, 0 mis à jour, 0 inchangés, 0 refusés"
    assert Place.objects.count() == SAMPLE_ROWS
    assert set(Place.objects.values_list("label_status", flat=True)) == {LabelStatus.LABELLED}
    assert not Place.objects.filter(porteur__isnull=False).exists()
    stamps = dict(Place.objects.values_list("id_fs", "updated_at"))
    intervals = OpeningInterval.objects.count()

    code, out, err = run(SAMPLE)
    assert (code, err) == (0, "")
    assert out.strip() == f"0 créés, 0 mis à jour, {SAMPLE_ROWS} inchangés, 0 refusés"
    assert dict(Place.objects.values_list("id_fs", "updated_at")) == stamps
    assert OpeningInterval.objects.count() == intervals


def test_what_a_sample_row_becomes():
    run(SAMPLE)
    place = Place.objects.select_related("commune", "departement").get(id_fs="1")
    assert place.name == "France services de Valserhône"
    assert place.address == "5-9 Rue des Papetiers"
    assert (place.commune_id, place.departement_id, place.postal_code) == ("01033", "01", "01200")
    assert (place.latitude, place.longitude) == (Decimal("46.106071"), Decimal("5.826008"))
    assert place.email == "contact-1@exemple-france-services.fr"
    assert place.phone == "01 00 00 00 01"
    assert place.appointments is False
    assert (place.get_kind_display(), place.get_format_display()) == ("Principal", "Fixe")
    assert place.itinerant is False
    assert place.label_effective_on == datetime.date(2020, 1, 1)
    assert place.labelled_on is None  # the list gives the date of effect, not the decision's
    assert place.porteur is None
    assert hours(place) == {
        0: [(810, 1020)],
        1: [(540, 720), (810, 1020)],
        2: [(540, 720), (810, 1020)],
        3: [(540, 720), (810, 1020)],
        4: [(540, 720), (810, 960)],
    }
    bus = Place.objects.get(id_fs="3")
    assert (bus.get_format_display(), bus.itinerant) == ("Bus", True)


def test_quirks_of_the_sample():
    run(SAMPLE)
    # « 00:00 - 00:00 » is nothing, not a 24-hour opening.
    assert hours(Place.objects.get(id_fs="371"))[3] == [(540, 1140)]
    # Overlapping and repeated intervals count once.
    assert hours(Place.objects.get(id_fs="319"))[4] == [(540, 990)]
    assert hours(Place.objects.get(id_fs="724"))[0] == [(810, 960)]
    # Cells over several lines keep their line breaks, not their trailing blank lines.
    assert Place.objects.get(id_fs="426").comment.startswith(
        "Sur rendez-vous les mardis, mercredis et jeudis matins au Lude\n\n\nPermanences"
    )
    assert Place.objects.get(id_fs="2632").address == "27 Avenue Robert Schuman"
    # Leading zeros, Corsica and the DROM.
    departements = set(Place.objects.values_list("departement_id", flat=True))
    assert {"01", "02", "05", "2A", "2B", "973", "974"} <= departements
    # Arrondissements are their commune, and the code as listed is kept.
    marseille = Place.objects.filter(commune_id="13055", commune_alias_id="13203")
    assert marseille.exists()
    assert Place.objects.filter(commune_id="75056", commune_alias_id="75112").exists()
    assert Place.objects.filter(commune_id="69123", commune_alias_id="69388").exists()
    assert not Place.objects.filter(commune_id__in=["13203", "75112", "69388"]).exists()


def test_an_instructor_sees_the_imported_places_of_the_departement(client):
    run(SAMPLE)
    place = Place.objects.get(id_fs="1")
    instructor = InstructeurFactory(departement_id="01")
    assert may_view_place(instructor, place)
    client.force_login(instructor)
    listing = client.get(reverse("labelling:place_list")).content.decode()
    assert "France services de Valserhône" in listing
    assert "à rattacher" in listing
    elsewhere = Place.objects.exclude(departement_id="01").first()
    assert client.get(reverse("labelling:place_detail", args=[elsewhere.pk])).status_code == 404


def test_the_place_page_says_what_the_declaration_lacks(client):
    run(SAMPLE)
    place = Place.objects.get(id_fs="426")
    client.force_login(UserFactory())  # national
    page = client.get(reverse("labelling:place_detail", args=[place.pk])).content.decode()
    assert "Porteur à rattacher" in page
    assert "Déclaration incomplète" in page
    for gap in (
        "son porteur, la structure qui gère le lieu (porteur à rattacher)",
        "ses agents et leurs formations",
        "les opérateurs partenaires présents et leur mode de présence",
        "ses locaux : bureau de confidentialité, espace numérique",
    ):
        assert gap in page
    assert "ses horaires d&#x27;ouverture" not in page  # the list gives them
    assert "Sur rendez-vous les mardis" in page
    documents = client.get(reverse("documents:place_documents", args=[place.pk]))
    assert documents.status_code == 200


def test_declaration_gaps():
    place = PlaceFactory(porteur=PorteurFactory())
    assert declaration_gaps(place=place) == [
        "ses horaires d'ouverture",
        "ses agents et leurs formations",
        "les opérateurs partenaires présents et leur mode de présence",
        "ses locaux : bureau de confidentialité, espace numérique, accessibilité aux personnes "
        "à mobilité réduite",
    ]
    upsert_place_from_declaration(declaration=conform_fs())
    complete = Place.objects.get(name=conform_fs()["site"]["name"])
    assert declaration_gaps(place=complete) == []


def test_a_place_in_project_needs_its_porteur():
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.create(
            name="Projet sans porteur",
            commune=commune("63003"),
            departement_id="63",
            label_status=LabelStatus.CANDIDATE,
        )


def test_a_declaration_attaches_the_porteur_of_an_imported_place():
    run(SAMPLE)
    raw = conform_fs()
    raw["site"].update(id_fs="1", commune_insee="01033")
    place, status = upsert_place_from_declaration(declaration=raw)
    assert status == "updated"
    assert place.porteur.name == raw["site"]["porteur"]["name"]
    assert place.label_status == LabelStatus.LABELLED
    assert declaration_gaps(place=Place.objects.get(pk=place.pk)) == []


# --- Each quirk, on small files -----------------------------------------------------------


def test_a_bom_and_a_semicolon_delimiter_are_read(tmp_path):
    assert run(write(tmp_path, [row()], bom=True))[:2] == (
        0,
        "1 créés, 0 mis à jour, 0 inchangés, 0 refusés\n",
    )
    path = write(tmp_path, [row(id_fs="9002")], delimiter=";", name="excel.csv")
    assert run(path)[0] == 0
    assert Place.objects.filter(id_fs__in=["9001", "9002"]).count() == 2


@pytest.mark.parametrize(
    ("insee_com", "commune_code", "alias", "departement"),
    [
        ("01033", "01033", None, "01"),
        ("2A004", "2A004", None, "2A"),
        ("2B033", "2B033", None, "2B"),
        ("97105", "97105", None, "971"),
        ("97209", "97209", None, "972"),
        ("97302", "97302", None, "973"),
        ("97411", "97411", None, "974"),
        ("97611", "97611", None, "976"),
        ("13203", "13055", "13203", "13"),
        ("93059", "93066", "93059", "93"),
        ("97801", "97801", None, "978"),
    ],
)
def test_every_commune_is_found(tmp_path, insee_com, commune_code, alias, departement):
    code, _out, err = run(write(tmp_path, [row(insee_com=insee_com)]))
    assert (code, err) == (0, "")
    place = Place.objects.get(id_fs="9001")
    assert (place.commune_id, place.commune_alias_id, place.departement_id) == (
        commune_code,
        alias,
        departement,
    )
    prefecture = InstructeurFactory(departement_id=departement)
    assert may_view_place(prefecture, place)


def test_hours_as_listed(tmp_path):
    run(
        write(
            tmp_path,
            [
                row(
                    h_lundi="00:00 - 00:00",
                    h_mardi="08:30 - 17:30 / 08:30 - 12:30",
                    h_mercredi="09:00 - 12:00 / 09:00 - 12:00 / 13:30 - 17:00",
                    h_jeudi="00:00 - 00:00 / 14:00 - 18:00",
                    h_vendredi="09:00 - 12:00 / 12:00 - 14:00",
                    h_samedi="20:00 - 00:00",
                )
            ],
        )
    )
    assert hours(Place.objects.get(id_fs="9001")) == {
        1: [(510, 1050)],
        2: [(540, 720), (810, 1020)],
        3: [(840, 1080)],
        4: [(540, 840)],
        5: [(1200, 1440)],
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ()),
        ("00:00 - 00:00", ()),
        ("9:00 - 12:00", ((540, 720),)),
        ("09h00 - 12h00", ((540, 720),)),
        ("13:30 - 17:00 / 09:00 - 12:00", ((540, 720), (810, 1020))),
    ],
)
def test_parse_day(value, expected):
    assert parse_day(value) == expected


def test_cells_over_several_lines_and_the_line_of_a_refused_record(tmp_path):
    path = write(
        tmp_path,
        [
            row(id_fs="9001", commentaire="Permanences :\nle mardi\r\nle jeudi"),
            row(id_fs="9002", adresse="2 rue Haute\nBâtiment B"),
            row(id_fs="9003", insee_com="99999"),
            row(id_fs="9004", h_lundi="9h-12h", labellisation_fs="2020"),
        ],
    )
    code, out, err = run(path)
    assert code == 1
    assert out.strip() == "2 créés, 0 mis à jour, 0 inchangés, 2 refusés"
    lines = err.strip().split("\n")
    # Header on line 1, record 9001 on lines 2-4, 9002 on 5-6, 9003 on 7, 9004 on 8.
    assert lines[0].startswith("ligne 7 : insee_com : commune inconnue : 99999 n'est le code")
    assert "code INSEE de commune à 5 caractères, par exemple 63003" in lines[0]
    assert lines[1].startswith("ligne 8 : h_lundi : plage « 9h-12h » illisible")
    assert lines[2].startswith("ligne 8 : labellisation_fs : « 2020 » illisible ; attendu")
    assert len(lines) == 3
    assert Place.objects.get(id_fs="9001").comment == "Permanences :\nle mardi\nle jeudi"
    assert Place.objects.get(id_fs="9002").address == "2 rue Haute\nBâtiment B"
    assert not Place.objects.filter(id_fs__in=["9003", "9004"]).exists()


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"insee_com": "1033"}, "insee_com", "le zéro initial"),
        ({"code_postal": "1200"}, "code_postal", "le zéro initial"),
        ({"latitude": "nord"}, "latitude", "n'est pas un nombre"),
        ({"longitude": "200"}, "longitude", "hors des bornes"),
        ({"prise_rdv": "Peut-être"}, "prise_rdv", "valeurs possibles : Oui, Non"),
        ({"type_fs": "Annexe"}, "type_fs", "valeurs possibles : Principal, Antenne"),
        ({"format_fs": "Mobile"}, "format_fs", "Bus_équivalent"),
        ({"labellisation_fs": "Espace labellisé 31/02/2020"}, "labellisation_fs", "impossible"),
        ({"h_mardi": "17:00 - 09:00"}, "h_mardi", "le début doit précéder la fin"),
        ({"lib_fs": ""}, "lib_fs", "valeur vide"),
        ({"id_fs": ""}, "id_fs", "valeur vide"),
        ({"lib_fs": "x" * 201}, "lib_fs", "trop long"),
    ],
)
def test_a_faulty_cell_refuses_its_row(tmp_path, values, column, words):
    code, _out, err = run(write(tmp_path, [row(id_fs="9000"), row(**values)]))
    assert code == 1
    assert err.startswith(f"ligne 3 : {column} : ")
    assert words in err
    assert list(Place.objects.values_list("id_fs", flat=True)) == ["9000"]


def test_a_duplicate_id_fs_is_refused(tmp_path):
    code, _out, err = run(write(tmp_path, [row(), row(lib_fs="Autre nom")]))
    assert code == 1
    assert (
        err.strip() == "ligne 3 : id_fs : « 9001 » figure déjà ligne 2 : une seule ligne par lieu"
    )
    assert Place.objects.get(id_fs="9001").name == "France services d'Ambert"


def test_a_row_with_a_missing_cell(tmp_path):
    path = tmp_path / "court.csv"
    path.write_text(
        ",".join(COLUMNS) + "\n" + ",".join(f'"{v}"' for v in list(row().values())[:-1]) + "\n",
        encoding="utf-8",
    )
    code, _out, err = run(path)
    assert code == 1
    assert err.strip() == (
        "ligne 2 : labellisation_fs : cellule absente : la ligne compte 23 cellules au lieu de 24"
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "le fichier est vide"),
        (b"id_fs,lib_fs\n1,Ambert\n", "colonne(s) manquante(s) : insee_dep, adresse"),
        (b'{"schema": "declaration/1"}\n', "colonne(s) manquante(s)"),
        (b"%PDF-1.7\n\x00\x01\x02binary", "ligne 2 : caractère nul : ce n'est pas un fichier"),
        (b"\x89PNG\r\n\x1a\n", "ligne 1 : le fichier n'est pas encodé en UTF-8"),
        (b'"id_fs","lib_fs\n1,Ambert\n', "ligne 1 : le fichier n'est pas un CSV lisible"),
    ],
)
def test_a_file_that_is_not_the_list_writes_nothing(tmp_path, content, words):
    PlaceFactory(name="Déjà là")
    path = tmp_path / "autre.csv"
    path.write_bytes(content)
    code, out, err = run(path)
    assert code == 2
    assert out == ""
    assert words in err
    assert "Rien n'a été importé." in err
    assert list(Place.objects.values_list("name", flat=True)) == ["Déjà là"]


def test_a_file_not_in_utf8_says_which_line_and_what_to_do(tmp_path):
    good = write(tmp_path, [row(), row(id_fs="9002", lib_fs="France services de Besse")])
    latin1 = good.read_text(encoding="utf-8").encode("latin-1", errors="replace")
    path = tmp_path / "latin1.csv"
    path.write_bytes(latin1)
    code, _out, err = run(path)
    assert code == 2
    assert "ligne 2 : le fichier n'est pas encodé en UTF-8 (octet 0xE9 illisible)" in err
    assert "Enregistrez-le au format « CSV UTF-8 »" in err
    assert not Place.objects.exists()


def test_dry_run_writes_nothing(tmp_path):
    code, out, _err = run(SAMPLE, "--dry-run")
    assert code == 0
    assert out.splitlines() == [
        "Simulation (--dry-run) : rien n'a été enregistré.",
        f"{SAMPLE_ROWS} créés, 0 mis à jour, 0 inchangés, 0 refusés",
    ]
    assert not Place.objects.exists()
    assert not OpeningInterval.objects.exists()


def test_an_update_changes_what_the_list_says_and_keeps_what_estampille_knows(tmp_path):
    run(write(tmp_path, [row(), row(id_fs="9002", lib_fs="France services de Besse")]))
    place = Place.objects.get(id_fs="9001")
    porteur = PorteurFactory(name="Commune d'Ambert")
    Place.objects.filter(pk=place.pk).update(porteur=porteur)
    decided = Place.objects.get(id_fs="9002")
    Place.objects.filter(pk=decided.pk).update(
        label_status=LabelStatus.SUSPENDED,
        labelled_on=datetime.date(2021, 5, 1),
        label_effective_on=datetime.date(2021, 6, 1),
    )
    changed = row(lib_fs="France services d'Ambert Livradois", h_samedi="09:00 - 12:00")
    code, out, _err = run(
        write(
            tmp_path,
            [changed, row(id_fs="9002", lib_fs="France services de Besse")],
            name="v2.csv",
        )
    )
    assert (code, out.strip()) == (0, "0 créés, 1 mis à jour, 1 inchangés, 0 refusés")
    place.refresh_from_db()
    assert place.name == "France services d'Ambert Livradois"
    assert place.porteur == porteur
    assert hours(place)[5] == [(540, 720)]
    decided.refresh_from_db()
    assert (decided.label_status, decided.label_effective_on) == (
        LabelStatus.SUSPENDED,
        datetime.date(2021, 6, 1),
    )
    assert may_view_place(InstructeurFactory(departement_id="63"), place)


def test_read_national_list_reports_rows_and_errors():
    listed = read_national_list(SAMPLE.read_bytes())
    assert (listed.rows, len(listed.places), listed.errors) == (SAMPLE_ROWS, SAMPLE_ROWS, [])
    assert listed.places[0].line == 2
