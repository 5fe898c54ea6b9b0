import copy
import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.generate import synthetic_declarations
from labelling.conformity import InvalidDeclaration, validate_declaration
from labelling.declarations import (
    CREATED,
    UNCHANGED,
    UPDATED,
    export_declaration,
    import_declarations,
    upsert_place_from_declaration,
)
from labelling.models import (
    Agent,
    ConformityReport,
    OpeningInterval,
    Place,
    Porteur,
)
from tests.labelling.conformity.helpers import conform_fs, example, msap

pytestmark = pytest.mark.django_db
COMMUNES = ["09032", "09042", "09070", "63113", "05023"]


@pytest.mark.parametrize("name", ["france-services-conform", "msap-non-conform"])
def test_import_then_export_gives_the_same_json(name):
    place, status = upsert_place_from_declaration(declaration=example(name))
    assert status == CREATED
    assert export_declaration(place=place) == example(name)
    assert upsert_place_from_declaration(declaration=example(name))[1] == UNCHANGED


def test_place_fields_and_permissions():
    place, _ = upsert_place_from_declaration(declaration=conform_fs())
    place.refresh_from_db()
    assert place.departement_id == "09"
    assert place.porteur.siret == "20006737800013"
    assert place.reference_date == datetime.date(2024, 11, 4)
    assert OpeningInterval.objects.filter(place=place).count() == 11
    # Who sees it follows from what was imported, with nothing to synchronise.
    from labelling.permissions import may_view_place
    from tests.factories import InstructeurFactory, OperateurUserFactory

    assert may_view_place(InstructeurFactory(departement_id="09"), place)
    assert not may_view_place(InstructeurFactory(departement_id="63"), place)
    assert may_view_place(OperateurUserFactory(operator_id="caf"), place)


def test_update_replaces_children_and_finds_the_place_by_siret_and_name():
    place, _ = upsert_place_from_declaration(declaration=conform_fs())
    changed = conform_fs()
    changed["agents"] = changed["agents"][:1]
    changed["opening_hours"] = {"mo": [["09:00", "12:00"]]}
    changed["site"]["porteur"]["name"] = "CC de la Haute-Ariège"
    again, status = upsert_place_from_declaration(declaration=changed)
    assert (again.pk, status) == (place.pk, UPDATED)
    assert Agent.objects.filter(place=place).count() == 1
    assert export_declaration(place=place) == changed
    assert Porteur.objects.get().name == "CC de la Haute-Ariège"


def test_place_found_by_id_fs_keeps_it_when_not_repeated():
    raw = conform_fs()
    raw["site"]["id_fs"] = "fs-09-0042"
    place, _ = upsert_place_from_declaration(declaration=raw)
    raw["site"]["name"] = "France Services d'Ax-les-Thermes"
    renamed, status = upsert_place_from_declaration(declaration=raw)
    assert (renamed.pk, status) == (place.pk, UPDATED)
    without_id = copy.deepcopy(raw)
    del without_id["site"]["id_fs"]
    assert upsert_place_from_declaration(declaration=without_id) == (renamed, UNCHANGED)
    assert Place.objects.get().id_fs == "fs-09-0042"


def test_unknown_commune_is_a_field_error():
    raw = conform_fs()
    raw["site"]["commune_insee"] = "99999"
    with pytest.raises(InvalidDeclaration) as caught:
        upsert_place_from_declaration(declaration=raw)
    assert [e.path for e in caught.value.errors] == ["site.commune_insee"]
    assert caught.value.errors[0].message.startswith("commune inconnue : 99999 n'est le code")
    assert "code INSEE de commune à 5 caractères, par exemple 63003" in str(caught.value)
    assert not Place.objects.exists()


def test_too_many_fte_decimals_are_refused_not_rounded():
    raw = msap()
    raw["agents"][0]["fte"] = 0.3333
    with pytest.raises(InvalidDeclaration, match=r"agents\[0\].fte"):
        upsert_place_from_declaration(declaration=raw)


def test_porteur_without_siret_matched_by_kind_and_name():
    first = msap()
    del first["site"]["porteur"]["siret"]
    second = copy.deepcopy(first)
    second["site"]["name"] = "Antenne de Sérou"
    upsert_place_from_declaration(declaration=first)
    upsert_place_from_declaration(declaration=second)
    assert Porteur.objects.count() == 1 and Place.objects.count() == 2


def test_batch_import_has_a_bounded_number_of_queries():
    declarations = [
        validate_declaration(raw) for raw in synthetic_declarations(150, communes=COMMUNES)
    ]
    with CaptureQueriesContext(connection) as small:
        import_declarations(declarations=declarations[:10])
    with CaptureQueriesContext(connection) as large:
        outcomes = import_declarations(declarations=declarations[10:])
    assert {o.status for o in outcomes} == {CREATED}
    # Per batch, not per line: only the multi-row INSERTs split, when a statement would pass
    # SQLite's limit of 999 parameters.
    assert len(small.captured_queries) < 30
    assert len(large.captured_queries) < 60
    assert Place.objects.count() == 150


def test_batch_import_query_bound_with_updates(django_assert_max_num_queries):
    raws = synthetic_declarations(120, communes=COMMUNES, seed=3)
    import_declarations(declarations=[validate_declaration(r) for r in raws])
    for raw in raws[::2]:
        raw["agents"][0]["fte"] = 0.9
    declarations = [validate_declaration(r) for r in raws]
    with django_assert_max_num_queries(45):
        outcomes = import_declarations(declarations=declarations, record_reports=True)
    statuses = [o.status for o in outcomes]
    assert statuses.count(UPDATED) == 60 and statuses.count(UNCHANGED) == 60
    assert ConformityReport.objects.count() == 60


def test_the_same_place_twice_in_a_file_is_applied_in_order():
    first = conform_fs()
    second = conform_fs()
    second["premises"]["digital_space"] = False
    outcomes = import_declarations(
        declarations=[validate_declaration(first), validate_declaration(second)]
    )
    assert [o.status for o in outcomes] == [CREATED, UPDATED]
    assert Place.objects.get().digital_space is False


def test_dry_run_writes_nothing():
    outcomes = import_declarations(declarations=[validate_declaration(conform_fs())], dry_run=True)
    assert outcomes[0].status == CREATED
    assert not Place.objects.exists() and not Porteur.objects.exists()


# --- The command ----------------------------------------------------------------------------


def _jsonl(tmp_path, raws, extra_lines=()):
    path = tmp_path / "places.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in raws] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def run(*args):
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_declarations", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_import_is_idempotent(tmp_path):
    path = _jsonl(tmp_path, synthetic_declarations(40, communes=COMMUNES))
    assert run(path) == (0, "créés : 40, mis à jour : 0, inchangés : 0, rejetés : 0\n", "")
    assert run(path)[1] == "créés : 0, mis à jour : 0, inchangés : 40, rejetés : 0\n"
    assert Place.objects.count() == 40


def test_faulty_lines_are_reported_by_number_and_field(tmp_path):
    bad_commune = conform_fs()
    bad_commune["site"]["commune_insee"] = "99999"
    bad_commune["site"]["name"] = "Ailleurs"
    path = _jsonl(
        tmp_path,
        [conform_fs(), example("invalid"), bad_commune],
        extra_lines=["{pas du json", "", msap_line()],
    )
    code, out, err = run(path)
    assert code == 1
    assert out == "créés : 2, mis à jour : 0, inchangés : 0, rejetés : 3\n"
    assert "ligne 2 : opening_hours.mo[0]: 18:00 ≥ 12:00" in err
    assert "ligne 2 : operators[3].presence" in err
    assert "ligne 3 : site.commune_insee: commune inconnue : 99999 n'est le code" in err
    assert "ligne 4 : $: JSON invalide" in err
    assert Place.objects.count() == 2


def msap_line() -> str:
    return json.dumps(msap())


def test_dry_run_command_writes_nothing(tmp_path):
    path = _jsonl(tmp_path, [conform_fs(), msap()])
    code, out, _ = run(path, "--dry-run")
    assert code == 0
    assert "rien n'a été enregistré" in out and "créés : 2" in out
    assert not Place.objects.exists()


def test_unreadable_file_exit_2(tmp_path):
    code, out, err = run(str(tmp_path / "absent.jsonl"))
    assert (code, out) == (2, "") and "fichier illisible" in err
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00")
    assert run(str(binary))[0] == 2


def test_reports_option_records_one_report_per_written_place(tmp_path):
    path = _jsonl(tmp_path, [conform_fs(), msap()])
    assert run(path, "--reports")[0] == 0
    reports = {r.version_code: r.conform for r in ConformityReport.objects.all()}
    assert reports == {"france-services-2019": True, "msap-2016": False}
    assert run(path, "--reports")[0] == 0
    assert ConformityReport.objects.count() == 2
