import dataclasses

from labelling.conformity import validate_declaration
from labelling.conformity.builtin import FRANCE_SERVICES_2019
from labelling.conformity.impact import ImpactItem, compute_impact
from labelling.conformity.specs import VersionSpec
from tests.labelling.conformity.helpers import conform_fs


def test_impact_counts_by_territory_and_criterion():
    stricter = VersionSpec(
        code="brouillon",
        title="Brouillon",
        criteria=tuple(
            dataclasses.replace(c, params={"minutes": 41 * 60})
            if c.code == "opening.weekly_hours"
            else c
            for c in FRANCE_SERVICES_2019.criteria
        ),
    )
    long_hours = conform_fs()
    long_hours["opening_hours"]["sa"] = [["09:00", "17:00"]]
    items = [
        ImpactItem("a", "Ax", "Occitanie", "09", validate_declaration(conform_fs())),
        ImpactItem("b", "Bastide", "Occitanie", "09", validate_declaration(long_hours)),
        ImpactItem(
            "c", "Clermont", "Auvergne-Rhône-Alpes", "63", validate_declaration(conform_fs())
        ),
    ]
    progress = []
    result = compute_impact(
        items=items, draft=stricter, baseline=FRANCE_SERVICES_2019, on_progress=progress.append
    )
    assert result["totals"] == {
        "places": 3,
        "conform_before": 3,
        "conform_after": 1,
        "newly_non_conform": 2,
        "newly_conform": 0,
    }
    weekly = next(c for c in result["criteria"] if c["code"] == "opening.weekly_hours")
    assert weekly["fail"] == 2
    assert result["territories"][1] == {
        "region": "Occitanie",
        "departement": "09",
        "places": 2,
        "conform_after": 1,
        "newly_non_conform": 1,
    }
    assert [p["key"] for p in result["places"]] == ["c", "a"]
    assert result["places"][0]["failed"] == ["opening.weekly_hours"]
