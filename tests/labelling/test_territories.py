"""One rule for commune codes everywhere (issue 10 item 5, issue 14): the resolver, the search
endpoint, and the check, the imports, the forms and the admin agreeing through it."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from labelling.declarations import export_declaration
from labelling.models import Commune, Departement, Place
from labelling.territories import (
    EXPECTED,
    UnknownCommune,
    find_commune,
    resolve_commune,
    resolve_commune_code,
)
from labelling.territories_loader import search_key
from tests.factories import (
    InstructeurFactory,
    LabelledPlaceFactory,
    PlaceFactory,
    PorteurUserFactory,
    UserFactory,
    commune,
)
from tests.labelling.conformity.helpers import conform_fs
from workflows import services

pytestmark = pytest.mark.django_db


# --- The resolver -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "commune_code", "alias"),
    [
        ("63003", "63003", None),
        ("13203", "13055", "13203"),  # arrondissement municipal of Marseille
        ("75112", "75056", "75112"),
        ("69388", "69123", "69388"),
        ("93059", "93066", "93059"),  # Pierrefitte-sur-Seine, commune déléguée of Saint-Denis
        ("97801", "97801", None),  # Saint-Martin, a collectivité d'outre-mer
        ("97701", "97701", None),
        ("2a004", "2A004", None),  # lower case, Corsica
        (" 2B033 ", "2B033", None),
        ("97411", "97411", None),
        ("97611", "97611", None),
    ],
)
def test_resolve_commune(code, commune_code, alias):
    resolved = resolve_commune_code(code)
    assert resolved.commune.insee_code == commune_code
    assert (resolved.alias.code if resolved.alias else None) == alias
    assert resolve_commune(code).insee_code == commune_code


def test_a_commune_associee_designates_its_chef_lieu():
    resolved = resolve_commune_code("01120")  # Cordieux, associée of Montluel
    assert resolved.alias.get_kind_display() == "commune associée"
    assert resolved.commune.insee_code == "01262"


@pytest.mark.parametrize("code", ["99999", "13299", "1320", "", "ABCDE", "2C004", "630031"])
def test_unknown_or_malformed_codes_say_what_was_expected(code):
    with pytest.raises(UnknownCommune) as caught:
        resolve_commune(code)
    assert EXPECTED in caught.value.message
    assert "code INSEE de commune à 5 caractères, par exemple 63003" in caught.value.message


def test_collectivites_are_listed_among_departements_under_one_region():
    saint_martin = Departement.objects.select_related("region").get(pk="978")
    assert saint_martin.name == "Saint-Martin"
    assert saint_martin.get_kind_display() == "collectivité d'outre-mer"
    assert saint_martin.region.name == "Collectivités d'outre-mer"
    assert Departement.objects.get(pk="63").get_kind_display() == "département"
    assert set(Departement.objects.filter(region_id="COM").values_list("code", flat=True)) == {
        "975",
        "977",
        "978",
        "986",
        "987",
        "988",
    }


def test_search_key():
    assert search_key("Saint-Étienne-de-Saint-Geoirs") == "saint etienne de saint geoirs"
    assert search_key("L'Haÿ-les-Roses") == "l hay les roses"
    assert search_key("  st   DENIS ") == "saint denis"
    assert search_key("Œuilly") == "oeuilly"
    assert Commune.objects.get(pk="42218").search_name == "saint etienne"


# --- What people type ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Clermont-Ferrand", "63113"),
        ("clermont ferrand", "63113"),
        ("CLERMONT-FERRAND", "63113"),
        ("63003", "63003"),  # Ambert's INSEE code, no commune's postcode
        ("Saint-Anthème (63319)", "63319"),
        ("63000", "63113"),  # a postcode of one commune
        ("63000 Clermont-Ferrand", "63113"),
        ("Saint-Denis 93200", "93066"),
        ("st denis 97400", "97411"),
        ("Marseille 3e Arrondissement (13203)", "13055"),
        ("Pierrefitte-sur-Seine", "93066"),  # found through its commune déléguée
        ("Saint-Martin (97801)", "97801"),
        ("Ambert", "63003"),
    ],
)
def test_find_commune(text, expected):
    assert find_commune(text).commune.insee_code == expected


def test_a_postcode_shared_by_several_communes_lists_them():
    with pytest.raises(UnknownCommune) as caught:
        find_commune("63660")
    message = caught.value.message
    assert message.startswith("Plusieurs communes correspondent à « 63660 »")
    assert "Saint-Anthème (63319), Puy-de-Dôme" in message
    assert {c.insee_code for c in caught.value.choices} >= {"63319", "63104"}


@pytest.mark.parametrize(
    ("code", "choices"),
    [
        ("13003", {"13003", "13055"}),  # Alleins' INSEE code, a postcode of Marseille
        ("63113", {"63113", "63279"}),  # Clermont-Ferrand's INSEE code, Picherande's postcode
    ],
)
def test_a_code_that_is_an_insee_code_and_a_postcode_is_ambiguous(code, choices):
    with pytest.raises(UnknownCommune) as caught:
        find_commune(code)
    assert {c.insee_code for c in caught.value.choices} == choices


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Saint-Denis", "Plusieurs communes"),
        ("Commune imaginaire", "Aucune commune ne s'appelle « Commune imaginaire »"),
        ("99999", "Aucune commune n'a le code postal ou le code INSEE 99999"),
        ("", "Saisissez le nom, le code postal ou le code INSEE"),
        ("x", "trop court"),
    ],
)
def test_find_commune_says_what_to_do(text, words):
    with pytest.raises(UnknownCommune) as caught:
        find_commune(text)
    assert words in caught.value.message


# --- The search endpoint ------------------------------------------------------------------


def search(client, q, **params):
    response = client.get(reverse("labelling:commune_search"), {"q": q, **params})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def test_search_by_name_prefix_accents_and_case_ignored(client):
    results = search(client, "clermont-fer")
    assert results[0] == {
        "insee": "63113",
        "name": "Clermont-Ferrand",
        "label": "Clermont-Ferrand (63113)",
        "postal_codes": ["63000", "63100"],
        "departement": {"code": "63", "name": "Puy-de-Dôme"},
        "via": None,
        "labelled_places": [],
    }
    accented = [r["insee"] for r in search(client, "Saint-Étienne")]
    plain = [r["insee"] for r in search(client, "saint etienne")]
    assert accented == plain and accented[0] == "42218"  # the most populous first


def test_search_exact_names_come_first(client):
    results = search(client, "saint-denis", limit=20)
    assert {r["insee"] for r in results[:4]} >= {"93066", "97411"}
    assert all(r["name"] == "Saint-Denis" for r in results[:4])


def test_search_by_postcode_and_insee_code(client):
    assert {r["insee"] for r in search(client, "63660")} >= {"63319", "63331", "63394", "63104"}
    assert {r["insee"] for r in search(client, "13003")} == {"13003", "13055"}
    assert [r["insee"] for r in search(client, "2A004")] == ["2A004"]
    assert [r["insee"] for r in search(client, "97150")] == ["97801"]
    partial = search(client, "636")
    assert partial and all(any(p.startswith("636") for p in r["postal_codes"]) for r in partial)


def test_search_through_history(client):
    (result,) = search(client, "93059")
    assert result["insee"] == "93066"
    assert result["via"] == {
        "code": "93059",
        "name": "Pierrefitte-sur-Seine",
        "kind": "commune déléguée",
    }
    assert result["label"] == "Pierrefitte-sur-Seine (93059)"
    assert "93066" in [r["insee"] for r in search(client, "pierrefitte-sur")]


def test_search_limits_and_short_queries(client):
    assert search(client, "s") == []
    assert len(search(client, "sa")) == 10
    assert len(search(client, "sa", limit=50)) == 20
    assert len(search(client, "sa", limit="abc")) == 10


def test_search_names_labelled_places_of_the_commune(client):
    LabelledPlaceFactory(name="France services d'Ambert", commune=commune("63003"))
    PlaceFactory(name="Projet à Ambert", commune=commune("63003"))
    (ambert,) = [r for r in search(client, "ambert") if r["insee"] == "63003"]
    assert ambert["labelled_places"] == ["France services d'Ambert"]


def test_search_query_count_is_bounded(client, django_assert_max_num_queries):
    LabelledPlaceFactory(commune=commune("63003"))
    for query in ("saint", "63660", "93059", "Clermont-Ferrand (63113)"):
        with django_assert_max_num_queries(5):
            search(client, query)


# --- The check, the imports, the forms and the admin agree ---------------------------------


def check(tmp_path, raw):
    path = tmp_path / "declaration.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_conformity", str(path), stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, err.getvalue()


def import_lines(tmp_path, *raws):
    path = tmp_path / "lines.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in raws), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_declarations", str(path), stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("code", ["13203", "93059", "97801", "2A004"])
def test_a_code_the_check_accepts_is_imported(tmp_path, code):
    raw = conform_fs()
    raw["site"].update(commune_insee=code, id_fs=f"test-{code}")
    assert check(tmp_path, raw)[0] == 0
    status, _out, err = import_lines(tmp_path, raw)
    assert (status, err) == (0, "")
    place = Place.objects.get(id_fs=f"test-{code}")
    assert place.commune_id == resolve_commune(code).insee_code
    assert place.departement_id == place.commune.departement_id
    # What was declared comes back as written, and a second import changes nothing.
    assert export_declaration(place=place)["site"]["commune_insee"] == code
    assert import_lines(tmp_path, raw)[1].startswith("créés : 0, mis à jour : 0, inchangés : 1")


def test_a_code_the_check_refuses_is_refused_by_the_import_with_the_same_message(tmp_path, client):
    raw = conform_fs()
    raw["site"]["commune_insee"] = "99999"
    code, err = check(tmp_path, raw)
    assert code == 2
    message = err.strip()
    assert message.startswith("site.commune_insee: commune inconnue : 99999")
    assert EXPECTED in message
    status, _out, import_err = import_lines(tmp_path, raw)
    assert status == 1
    assert import_err.strip() == f"ligne 1 : {message}"
    response = client.post(
        reverse("api:conformity_check"), data=json.dumps(raw), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "site.commune_insee", "message": message.split(": ", 1)[1]}
    ]


def test_the_lieu_step_accepts_a_name_a_postcode_or_a_code(client):
    user = PorteurUserFactory()
    app = services.start_application(user=user)
    client.force_login(user)
    url = reverse("workflows:draft_step", args=[app.pk, "lieu"])
    page = client.get(url).content.decode()
    assert f'data-commune-search="{reverse("labelling:commune_search")}"' in page
    assert "estampille/commune-search.js" in page
    assert "Son nom, son code postal ou son code INSEE" in page

    for typed, commune_code, declared in [
        ("Marseille 3e Arrondissement (13203)", "13055", "13203"),
        ("Ambert", "63003", "63003"),
        ("63000", "63113", "63113"),
    ]:
        response = client.post(url, {"name": "France services", "commune_insee": typed})
        assert response.status_code == 302, response.content.decode()[:2000]
        app.refresh_from_db()
        assert app.place.commune_id == commune_code
        assert app.draft_declaration["site"]["commune_insee"] == declared
    # The field shows the commune by its name again.
    assert 'value="Clermont-Ferrand (63113)"' in client.get(url).content.decode()


def test_the_lieu_step_lists_the_communes_to_choose_from(client):
    user = PorteurUserFactory()
    app = services.start_application(user=user)
    client.force_login(user)
    url = reverse("workflows:draft_step", args=[app.pk, "lieu"])
    response = client.post(url, {"name": "France services", "commune_insee": "63660"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Plusieurs communes correspondent à « 63660 »" in page
    assert "Saint-Anthème (63319)" in page
    assert 'aria-describedby="id_commune_insee-messages"' in page
    response = client.post(url, {"name": "France services", "commune_insee": "99999"})
    assert "Aucune commune n&#x27;a le code postal ou le code INSEE 99999" in (
        response.content.decode()
    )


def test_the_lieu_step_warns_of_a_labelled_place_in_the_commune(client):
    LabelledPlaceFactory(name="France services d'Ambert", commune=commune("63003"))
    user = PorteurUserFactory()
    app = services.start_application(user=user)
    client.force_login(user)
    url = reverse("workflows:draft_step", args=[app.pk, "lieu"])
    client.post(url, {"name": "Mon projet", "commune_insee": "63003"})
    page = client.get(url).content.decode()
    assert "Un lieu labellisé existe déjà dans cette commune : France services d&#x27;Ambert" in (
        page
    )


def test_the_admin_finds_a_commune_by_an_arrondissement_or_without_accents(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:labelling_commune_changelist")
    assert "Marseille" in client.get(url, {"q": "13203"}).content.decode()
    assert "Saint-Étienne" in client.get(url, {"q": "saint etienne"}).content.decode()


def test_a_collectivite_is_scoped_to_its_prefecture(client):
    place = PlaceFactory(name="France services de Saint-Martin", commune=commune("97801"))
    assert place.departement_id == "978"
    client.force_login(InstructeurFactory(departement_id="978"))
    assert "France services de Saint-Martin" in (
        client.get(reverse("labelling:place_list")).content.decode()
    )
    client.force_login(InstructeurFactory(departement_id="971"))
    assert client.get(reverse("labelling:place_detail", args=[place.pk])).status_code == 404
