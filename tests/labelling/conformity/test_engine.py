import datetime
from decimal import Decimal

import pytest

from labelling.conformity import (
    BUILTIN_VERSIONS,
    CriterionSpec,
    InvalidCriterion,
    VersionSpec,
    check,
    format_text,
    select_version,
    validate_declaration,
)
from labelling.conformity.builtin import FRANCE_SERVICES_2019, MSAP_2016
from tests.labelling.conformity.helpers import conform_fs, example, msap


def result_of(raw: dict, version: VersionSpec = FRANCE_SERVICES_2019):
    return check(declaration=validate_declaration(raw), version=version)


def statuses(raw: dict, version: VersionSpec = FRANCE_SERVICES_2019) -> dict[str, str]:
    return {c.code: c.status for c in result_of(raw, version).criteria}


def message(raw: dict, code: str, version: VersionSpec = FRANCE_SERVICES_2019) -> str:
    return next(c.message for c in result_of(raw, version).criteria if c.code == code)


# --- Public examples -----------------------------------------------------------------------


def test_france_services_example_is_conform_with_one_warning():
    declaration = validate_declaration(example("france-services-conform"))
    version = select_version(BUILTIN_VERSIONS, on=declaration.reference_date)
    assert version is FRANCE_SERVICES_2019
    data = check(declaration=declaration, version=version).to_dict()
    assert data["version"] == "france-services-2019"
    assert data["conform"] is True
    assert [c["code"] for c in data["criteria"]] == [
        "opening.weekly_hours",
        "opening.days",
        "staff.trained_agents",
        "staff.simultaneous_presence",
        "operators.national_partners",
        "premises.confidential_office",
        "premises.digital_space",
        "premises.accessible_pmr",
    ]
    assert all(set(c) == {"code", "status", "message", "reference"} for c in data["criteria"])
    warning = next(c for c in data["criteria"] if c["code"] == "staff.simultaneous_presence")
    assert warning["status"] == "warning"
    assert "2,2 ETP" in warning["message"] and "40 h 30" in warning["message"]
    others = [c["status"] for c in data["criteria"] if c["code"] != "staff.simultaneous_presence"]
    assert set(others) == {"pass"}


def test_msap_example_fails_presence_and_continuity():
    declaration = validate_declaration(example("msap-non-conform"))
    version = select_version(BUILTIN_VERSIONS, on=declaration.reference_date)
    assert version is MSAP_2016
    result = check(declaration=declaration, version=version)
    assert result.conform is False
    assert set(result.failed_codes) == {"operators.presence", "staff.continuity"}
    by_code = {c.code: c for c in result.criteria}
    assert by_code["premises.accessible_pmr"].status == "warning"
    assert "DGFiP" in by_code["operators.presence"].message
    assert "0,9 ETP" in by_code["staff.continuity"].message


def test_format_text_is_french_and_names_every_criterion():
    text = format_text(result_of(msap(), MSAP_2016))
    assert "NON CONFORME (2 critères non respectés)" in text
    assert text.count("[NON RESPECTÉ]") == 2
    assert "[avertissement] Accessibilité" in text
    assert "Référence :" in text


# --- Versions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (datetime.date(2015, 12, 31), None),
        (datetime.date(2016, 1, 1), "msap-2016"),
        (datetime.date(2019, 12, 31), "msap-2016"),
        (datetime.date(2020, 1, 1), "france-services-2019"),
        (datetime.date(2030, 6, 1), "france-services-2019"),
    ],
)
def test_version_periods_include_first_and_last_day(day, code):
    version = select_version(BUILTIN_VERSIONS, on=day)
    assert (version.code if version else None) == code


def test_criterion_spec_refuses_unknown_kind_params_and_placeholders():
    base = {"code": "x", "label": "x", "message_pass": "ok", "message_fail": "ko", "reference": "r"}
    with pytest.raises(InvalidCriterion, match="type de critère inconnu"):
        CriterionSpec(kind="nope", **base)
    with pytest.raises(InvalidCriterion, match="minutes"):
        CriterionSpec(kind="min_weekly_hours", params={"minutes": "beaucoup"}, **base)
    with pytest.raises(InvalidCriterion, match="partners"):
        CriterionSpec(kind="required_partners", params={"partners": ["ants"]}, **base)
    with pytest.raises(InvalidCriterion, match=r"\{heures\} inconnu"):
        CriterionSpec(
            kind="min_weekly_hours",
            params={"minutes": 60},
            **{**base, "message_fail": "{heures} seulement"},
        )
    with pytest.raises(InvalidCriterion, match="gravité"):
        CriterionSpec(kind="min_weekly_hours", params={"minutes": 60}, severity="grave", **base)


def test_a_version_refuses_duplicate_criterion_codes():
    criterion = FRANCE_SERVICES_2019.criteria[0]
    with pytest.raises(InvalidCriterion, match="en double"):
        VersionSpec(code="x", title="x", criteria=(criterion, criterion))


def test_version_is_data_a_new_threshold_needs_no_code():
    stricter = VersionSpec(
        code="essai",
        title="Essai",
        criteria=(
            CriterionSpec(
                code="opening.weekly_hours",
                kind="min_weekly_hours",
                params={"minutes": 41 * 60},
                label="41 h",
                message_pass="{hours} sur {required}",
                message_fail="{hours} sur {required}",
                reference="essai",
            ),
        ),
    )
    result = result_of(conform_fs(), stricter)
    assert result.conform is False
    assert result.criteria[0].message == "40 h 30 sur 41 h"


# --- Opening hours --------------------------------------------------------------------------


def _week(hours: dict) -> dict:
    raw = conform_fs()
    raw["opening_hours"] = hours
    return raw


def test_exactly_24_hours_passes_and_23_h_59_fails():
    five_days = {day: [["09:00", "13:48"]] for day in ("mo", "tu", "we", "th", "fr")}
    assert statuses(_week(five_days))["opening.weekly_hours"] == "pass"  # 5 × 4 h 48 = 24 h
    five_days["fr"] = [["09:00", "13:47"]]
    assert statuses(_week(five_days))["opening.weekly_hours"] == "fail"
    assert message(_week(five_days), "opening.weekly_hours") == (
        "23 h 59 d'ouverture par semaine, 24 h exigées : il manque 0 h 01."
    )


def test_overlapping_intervals_count_once():
    hours = {day: [["09:00", "13:00"], ["12:00", "14:00"]] for day in ("mo", "tu", "we", "th")}
    hours["fr"] = [["09:00", "12:00"]]
    # 4 × 5 h + 3 h = 23 h, not 4 × 6 h + 3 h.
    assert message(_week(hours), "opening.weekly_hours").startswith("23 h d'ouverture")


def test_touching_intervals_merge_and_24_00_is_an_end():
    hours = {"mo": [["00:00", "12:00"], ["12:00", "24:00"]]}
    assert message(_week(hours), "opening.weekly_hours").startswith("24 h d'ouverture")
    assert statuses(_week(hours))["opening.weekly_hours"] == "pass"


def test_open_days_counts_days_with_an_interval():
    hours = {day: [["08:00", "14:00"]] for day in ("mo", "tu", "we", "th")}
    hours["fr"] = []
    assert statuses(_week(hours))["opening.days"] == "fail"
    assert "4 jours" in message(_week(hours), "opening.days")
    hours["sa"] = [["09:00", "10:00"]]
    assert statuses(_week(hours))["opening.days"] == "pass"


# --- Staff ----------------------------------------------------------------------------------


def test_training_completed_the_day_after_the_reference_date_does_not_count():
    raw = conform_fs()
    raw["agents"][1]["trainings"][0]["completed_on"] = "2024-11-05"  # reference 2024-11-04
    assert statuses(raw)["staff.trained_agents"] == "fail"
    assert ": 1 agent ;" in message(raw, "staff.trained_agents")
    raw["agents"][1]["trainings"][0]["completed_on"] = "2024-11-04"
    assert statuses(raw)["staff.trained_agents"] == "pass"


def test_an_agent_counts_once_whatever_their_trainings():
    raw = conform_fs()
    raw["agents"][0]["trainings"] *= 3
    raw["agents"] = raw["agents"][:1]
    assert statuses(raw)["staff.trained_agents"] == "fail"


def test_msap_trained_primo_accueil_accepts_france_services_training():
    raw = msap()
    training = {"kind": "france_services_initiale", "completed_on": "2018-01-02"}
    raw["agents"][0]["trainings"] = [training]
    assert statuses(raw, MSAP_2016)["staff.trained_primo_accueil"] == "pass"
    raw["agents"][0]["trainings"] = [{"kind": "operateur", "completed_on": "2018-01-02"}]
    assert statuses(raw, MSAP_2016)["staff.trained_primo_accueil"] == "fail"


def test_fte_exactly_one_is_not_more_than_one():
    raw = msap()
    raw["agents"] = [
        {"name": f"Agent {i}", "fte": fte, "trainings": []}
        for i, fte in enumerate((0.4, 0.2, 0.3, 0.1))
    ]
    assert validate_declaration(raw).total_fte == Decimal("1.0")
    assert statuses(raw, MSAP_2016)["staff.continuity"] == "fail"
    raw["agents"][0]["fte"] = 0.41
    assert statuses(raw, MSAP_2016)["staff.continuity"] == "pass"


def test_fte_decimals_are_exact_from_json_text():
    agents = ", ".join(f'{{"name": "a{i}", "fte": 0.1}}' for i in range(10))
    text = (
        '{"schema": "declaration/1", "site": {"name": "x", "commune_insee": "09032", '
        '"porteur": {"kind": "commune", "name": "x"}}, "opening_hours": {}, "operators": [], '
        f'"premises": {{}}, "agents": [{agents}]}}'
    )
    assert validate_declaration(text).total_fte == Decimal("1.0")


def test_simultaneous_presence_threshold_is_exact():
    raw = conform_fs()
    raw["agents"][2]["fte"] = 0.8  # 2.5 ETP × 35 h = 87 h 30 ≥ 2 × 40 h 30
    assert statuses(raw)["staff.simultaneous_presence"] == "pass"
    raw["opening_hours"] = {day: [["09:00", "16:00"]] for day in ("mo", "tu", "we", "th", "fr")}
    raw["agents"][2]["fte"] = 0.3  # 2.0 ETP × 35 h = 70 h = 2 × 35 h: exactly enough
    assert statuses(raw)["staff.simultaneous_presence"] == "pass"
    raw["opening_hours"]["fr"] = [["09:00", "16:01"]]
    assert statuses(raw)["staff.simultaneous_presence"] == "warning"
    assert result_of(raw).conform is True


# --- Operators ------------------------------------------------------------------------------


def test_national_partners_missing_or_none_are_named():
    raw = conform_fs()
    raw["operators"] = [o for o in raw["operators"] if o["code"] != "justice"]
    raw["operators"][0]["presence"] = "none"
    assert statuses(raw)["operators.national_partners"] == "fail"
    assert message(raw, "operators.national_partners") == (
        "Partenaires nationaux absents ou sans présence : CAF, Justice."
    )


def test_other_operators_never_make_france_services_fail():
    raw = conform_fs()
    raw["operators"] += [
        {"code": "grdf", "presence": "none"},
        {"code": "autre", "label": "Mission locale", "presence": "none"},
    ]
    assert result_of(raw).conform is True


def test_msap_every_listed_operator_counts():
    raw = msap()
    raw["operators"] = [
        {"code": "autre", "label": "Mission locale", "presence": "none"},
        {"code": "grdf", "presence": "remote"},
    ]
    by_code = statuses(raw, MSAP_2016)
    assert by_code["operators.presence"] == "fail"
    assert by_code["operators.minimum"] == "fail"
    assert "Mission locale" in message(raw, "operators.presence", MSAP_2016)
    raw["operators"][0]["presence"] = "on_site"
    by_code = statuses(raw, MSAP_2016)
    assert by_code["operators.presence"] == by_code["operators.minimum"] == "pass"


# --- Premises -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [False, None])
def test_premises_flags_need_true(value):
    raw = conform_fs()
    if value is None:
        del raw["premises"]["confidential_office"]
    else:
        raw["premises"]["confidential_office"] = value
    raw["premises"]["accessible_pmr"] = False
    by_code = statuses(raw)
    assert by_code["premises.confidential_office"] == "fail"
    assert by_code["premises.accessible_pmr"] == "warning"
    assert by_code["premises.digital_space"] == "pass"


def test_warning_only_never_makes_non_conform():
    raw = conform_fs()
    raw["premises"]["accessible_pmr"] = False
    result = result_of(raw)
    assert result.conform is True
    assert {c.status for c in result.criteria} == {"pass", "warning"}
