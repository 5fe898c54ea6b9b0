"""Sanity checks of the vendored territories files (no database needed)."""

from collections import Counter

import pytest

from labelling.territories_loader import FILES, iter_rows


@pytest.fixture(scope="module")
def regions() -> list[dict[str, str]]:
    return list(iter_rows("regions"))


@pytest.fixture(scope="module")
def departements() -> list[dict[str, str]]:
    return list(iter_rows("departements"))


@pytest.fixture(scope="module")
def epcis() -> list[dict[str, str]]:
    return list(iter_rows("epci"))


@pytest.fixture(scope="module")
def communes() -> list[dict[str, str]]:
    return list(iter_rows("communes"))


@pytest.fixture(scope="module")
def aliases() -> list[dict[str, str]]:
    return list(iter_rows("commune_aliases"))


COLLECTIVITES = {"975", "977", "978", "986", "987", "988"}


def test_expected_columns() -> None:
    expected = {
        "regions": ["code", "name"],
        "departements": ["code", "name", "region_code"],
        "epci": ["siren", "name", "kind"],
        "communes": [
            "insee_code",
            "name",
            "departement_code",
            "epci_siren",
            "population",
            "postal_codes",
        ],
        "commune_aliases": ["code", "name", "kind", "commune_code", "postal_codes"],
    }
    assert set(expected) == set(FILES)
    for name, columns in expected.items():
        assert list(next(iter_rows(name))) == columns


def test_counts(regions, departements, epcis, communes, aliases) -> None:
    # 18 régions and the pseudo-région of the collectivités d'outre-mer.
    assert len(regions) == 19
    assert len(departements) == 101 + len(COLLECTIVITES)
    assert 34_500 <= len(communes) <= 35_500
    assert 1_100 <= len(epcis) <= 1_400
    assert 4_000 <= len(aliases) <= 5_000


def test_codes_are_unique_and_sorted(regions, departements, epcis, communes, aliases) -> None:
    for rows, key in (
        (regions, "code"),
        (departements, "code"),
        (epcis, "siren"),
        (communes, "insee_code"),
        (aliases, "code"),
    ):
        codes = [row[key] for row in rows]
        assert len(codes) == len(set(codes)), key
        assert codes == sorted(codes), key


def test_code_formats(regions, departements, epcis, communes) -> None:
    assert all(len(row["code"]) == 2 and row["name"] for row in regions if row["code"] != "COM")
    assert all(len(row["code"]) in (2, 3) and row["name"] for row in departements)
    assert all(len(row["siren"]) == 9 and row["siren"].isdigit() for row in epcis)
    assert all(len(row["insee_code"]) == 5 and row["name"] for row in communes)
    assert all(len(row["postal_codes"]) <= 200 for row in communes)
    assert all(not row["population"] or row["population"].isdigit() for row in communes)


def test_overseas_and_corsica_departements(departements) -> None:
    codes = {row["code"] for row in departements}
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= codes
    assert "20" not in codes
    # The collectivités d'outre-mer with communes, under the pseudo-région COM; not the TAAF
    # nor Clipperton.
    assert codes >= COLLECTIVITES
    assert not codes & {"984", "989"}
    assert {row["code"] for row in departements if row["region_code"] == "COM"} == COLLECTIVITES


def test_every_departement_has_a_known_region(regions, departements) -> None:
    region_codes = {row["code"] for row in regions}
    assert all(row["region_code"] in region_codes for row in departements)
    # Every région has at least one département.
    assert {row["region_code"] for row in departements} == region_codes


def test_every_commune_has_a_known_departement(departements, communes) -> None:
    departement_codes = {row["code"] for row in departements}
    assert all(row["departement_code"] in departement_codes for row in communes)


def test_every_commune_epci_is_known(epcis, communes) -> None:
    sirens = {row["siren"] for row in epcis}
    assert all(not row["epci_siren"] or row["epci_siren"] in sirens for row in communes)
    # Almost every commune of a département belongs to an EPCI (a few islands do not); the
    # communes of the collectivités d'outre-mer do not.
    assert (
        sum(
            1
            for row in communes
            if not row["epci_siren"] and row["departement_code"] not in COLLECTIVITES
        )
        < 20
    )
    assert {row["kind"] for row in epcis} <= {"CC", "CA", "CU", "METRO", "MET69"}


def test_communes_per_departement(communes) -> None:
    per_departement = Counter(row["departement_code"] for row in communes)
    assert 440 <= per_departement["63"] <= 480  # Puy-de-Dôme
    assert 150 <= per_departement["05"] <= 175  # Hautes-Alpes


def test_known_communes(communes) -> None:
    by_code = {row["insee_code"]: row for row in communes}
    assert by_code["63113"]["name"] == "Clermont-Ferrand"
    assert by_code["63113"]["departement_code"] == "63"
    assert "63000" in by_code["63113"]["postal_codes"].split()
    assert by_code["05061"]["name"] == "Gap"
    assert by_code["05061"]["departement_code"] == "05"
    assert int(by_code["05061"]["population"]) > 30_000


def test_no_arrondissements_municipaux(communes) -> None:
    codes = {row["insee_code"] for row in communes}
    # Paris, Marseille and Lyon are there, not their arrondissements.
    assert {"75056", "13055", "69123"} <= codes
    assert not codes & {"75101", "13201", "69381"}


def test_history_designates_current_communes(communes, aliases) -> None:
    codes = {row["insee_code"] for row in communes}
    by_code = {row["code"]: row for row in aliases}
    assert not codes & by_code.keys()
    assert all(row["commune_code"] in codes for row in aliases)
    assert by_code["13203"]["commune_code"] == "13055"
    assert by_code["13203"]["kind"] == "arrondissement_municipal"
    assert "13003" in by_code["13203"]["postal_codes"].split()
    assert by_code["75112"]["commune_code"] == "75056"
    assert by_code["69388"]["commune_code"] == "69123"
    assert by_code["93059"] == {
        "code": "93059",
        "name": "Pierrefitte-sur-Seine",
        "kind": "commune_deleguee",
        "commune_code": "93066",
        "postal_codes": "",
    }
    kinds = Counter(row["kind"] for row in aliases)
    assert kinds["arrondissement_municipal"] == 45
    assert kinds["commune_deleguee"] > 1_500
    assert kinds["commune_associee"] > 300
    assert kinds["ancienne_commune"] > 500


def test_collectivites_communes(communes) -> None:
    by_code = {row["insee_code"]: row for row in communes}
    assert by_code["97801"]["name"] == "Saint-Martin"
    assert by_code["97801"]["departement_code"] == "978"
    assert by_code["97801"]["postal_codes"] == "97150"
    assert by_code["97701"]["departement_code"] == "977"
