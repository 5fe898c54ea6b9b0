import datetime
from decimal import Decimal

import pytest

from labelling.conformity import InvalidDeclaration, validate_declaration
from labelling.conformity.declaration import today_in_paris
from tests.labelling.conformity.helpers import INVALID_CASES, conform_fs, example, example_text


@pytest.mark.parametrize(
    ("raw", "path", "words"),
    [case[1:] for case in INVALID_CASES],
    ids=[c[0] for c in INVALID_CASES],
)
def test_invalid_declarations_name_the_field_in_french(raw, path, words):
    with pytest.raises(InvalidDeclaration) as caught:
        validate_declaration(raw)
    errors = {(e.path, e.message) for e in caught.value.errors}
    assert any(p == path and words in m for p, m in errors), errors


def test_there_are_at_least_fifteen_invalid_cases():
    assert len(INVALID_CASES) >= 15


def test_invalid_example_names_both_faults_at_once():
    with pytest.raises(InvalidDeclaration) as caught:
        validate_declaration(example_text("invalid"))
    assert [str(e) for e in caught.value.errors] == [
        "opening_hours.mo[0]: 18:00 ≥ 12:00 (le début doit précéder la fin)",
        "operators[3].presence: valeur « partielle » non autorisée ; valeurs possibles : "
        "on_site, remote, none",
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{", "JSON invalide"),
        ('{"a": NaN}', "JSON invalide"),
        ("", "JSON invalide"),
    ],
)
def test_broken_json_is_reported_at_the_root(text, words):
    with pytest.raises(InvalidDeclaration) as caught:
        validate_declaration(text)
    assert caught.value.errors[0].path == "$"
    assert words in caught.value.errors[0].message


def test_several_autre_operators_are_allowed_with_labels():
    raw = conform_fs()
    raw["operators"] += [
        {"code": "autre", "label": "Mission locale", "presence": "on_site"},
        {"code": "autre", "label": "ADIL", "presence": "remote"},
    ]
    declaration = validate_declaration(raw)
    assert [o.label for o in declaration.operators][-2:] == ["Mission locale", "ADIL"]


def test_reference_date_defaults_to_today_in_paris():
    raw = conform_fs()
    del raw["reference_date"]
    assert validate_declaration(raw).reference_date == today_in_paris()


def test_value_objects():
    declaration = validate_declaration(example("france-services-conform"))
    assert declaration.reference_date == datetime.date(2024, 11, 4)
    assert declaration.opening_hours[0] == ((510, 720), (810, 1050))
    assert declaration.weekly_minutes == 40 * 60 + 30
    assert declaration.open_days == 6
    assert declaration.total_fte == Decimal("2.2")
    assert declaration.agents[1].trainings[1].operator == "dgfip"
    assert declaration.site.latitude == Decimal("42.7197")
    with pytest.raises(AttributeError):
        declaration.reference_date = datetime.date(2020, 1, 1)


@pytest.mark.parametrize("name", ["france-services-conform", "msap-non-conform"])
def test_to_dict_gives_back_the_declaration(name):
    assert validate_declaration(example_text(name)).to_dict() == example(name)
