"""Issue 10, bad input: control characters, byte order marks and encodings, La Poste's SIRET,
JSON that would exhaust the parser, bodies over the limit. Through the commands, the API and
the pages."""

import dataclasses
import io
import json
import pathlib

import pytest
from django.core.management import call_command
from django.urls import reverse

from documents.contexts import Place as DocPlace
from documents.rendering import render_html
from documents.samples import sample_context
from labelling import text
from labelling.models import Place, Porteur
from tests.factories import PorteurUserFactory
from tests.workflows import factories as wf

pytestmark = pytest.mark.django_db

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "labelling" / "conformity"


def declaration(**site) -> dict:
    return {
        "schema": "declaration/1",
        "reference_date": "2026-06-01",
        "site": {
            "name": "France Services d'Ambert",
            "commune_insee": "63003",
            "porteur": {"kind": "commune", "name": "Commune d'Ambert"},
            **site,
        },
        "opening_hours": {"mo": [["09:00", "12:00"]]},
        "agents": [],
        "operators": [],
        "premises": {},
    }


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


# --- 1. control characters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "line", "multiline"),
    [
        ("Maison France\u000bServices", "Maison France Services", "Maison France\nServices"),
        ("nul\x00 cloche\x07 échap\x1b", "nul cloche échap", "nul cloche échap"),
        ("a\r\nb\rc\u2028d", "a b c d", "a\nb\nc\nd"),
        ("tab\there", "tab here", "tab here"),
        ("saut\x0cde page", "saut de page", "saut\nde page"),
        ("C1\x85 \x9b", "C1", "C1"),
        ("  Ambert  ", "Ambert", "Ambert"),
    ],
)
def test_one_cleaning_rule(raw, line, multiline):
    assert text.clean_line(raw) == line
    assert text.clean_multiline(raw) == multiline


def test_a_place_named_with_a_vertical_tab_is_stored_clean_from_the_draft_page(client):
    user = PorteurUserFactory()
    client.force_login(user)
    response = client.post(reverse("workflows:application_start"))
    app_url = response.url
    app_id = app_url.strip("/").split("/")[1]
    response = client.post(
        reverse("workflows:draft_step", args=[app_id, "lieu"]),
        {
            "name": "Maison France\u000bServices",
            "address": "1 place\x00 de la Mairie\x07",
            "commune_insee": "63003",
        },
    )
    assert response.status_code == 302
    from workflows.models import Application

    site = Application.objects.get(pk=app_id).declaration["site"]
    assert site["name"] == "Maison France Services"
    assert site["address"] == "1 place de la Mairie"


def test_multi_line_fields_keep_their_line_breaks_and_lose_the_rest(client):
    app = wf.in_instruction()
    from tests.factories import InstructeurFactory

    instructor = InstructeurFactory(departement_id=app.departement_id)
    client.force_login(instructor)
    response = client.post(
        reverse("workflows:post_message", args=[app.pk]),
        {"body": "Bonjour,\r\nVoici\u000bla suite\x00.\r\n\tMerci"},
    )
    assert response.status_code in (200, 302)
    from workflows.models import Message

    body = Message.objects.get(application=app).body
    assert body == "Bonjour,\nVoici\nla suite.\n Merci"


def test_whatever_saves_a_row_stores_no_control_character():
    porteur = Porteur.objects.create(kind="commune", name="Commune\u000bd'Ambert\x00")
    assert Porteur.objects.get(pk=porteur.pk).name == "Commune d'Ambert"


def test_documents_never_show_stored_control_characters():
    context = sample_context("accuse_reception")
    context = dataclasses.replace(
        context, place=dataclasses.replace(context.place, name="Maison France\u000bServices")
    )
    html = render_html(context=context, verification_code="7K3M-Q9PZ-2XHD", verify_url="https://x/")
    assert "\u000b" not in html
    assert "Maison France Services" in html
    assert isinstance(context.place, DocPlace)


def test_import_cleans_free_text(tmp_path):
    path = tmp_path / "lieux.jsonl"
    path.write_text(
        json.dumps(declaration(name="Maison France\u000bServices", id_fs="fs-ctl")) + "\n",
        encoding="utf-8",
    )
    code, _out, err = run("import_declarations", str(path))
    assert code == 0, err
    assert Place.objects.get(id_fs="fs-ctl").name == "Maison France Services"


# --- 3. byte order marks and encodings ----------------------------------------------------------


def test_import_declarations_reads_line_one_after_a_byte_order_mark(tmp_path):
    path = tmp_path / "lieux.jsonl"
    lines = [json.dumps(declaration(id_fs=f"fs-bom-{n}")) for n in (1, 2)]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    code, out, err = run("import_declarations", str(path))
    assert (code, err) == (0, "")
    assert "créés : 2" in out


def test_import_declarations_reads_utf16_from_a_spreadsheet(tmp_path):
    path = tmp_path / "lieux.jsonl"
    path.write_bytes(
        ("\ufeff" + json.dumps(declaration(id_fs="fs-u16")) + "\r\n").encode("utf-16-le")
    )
    code, _out, err = run("import_declarations", str(path))
    assert (code, err) == (0, "")
    assert Place.objects.filter(id_fs="fs-u16").exists()


def test_a_line_not_in_utf8_is_named_and_the_others_imported(tmp_path):
    path = tmp_path / "lieux.jsonl"
    good = json.dumps(declaration(id_fs="fs-ok")).encode()
    bad = json.dumps(declaration(id_fs="fs-latin1", name="Maison de Thiers é"), ensure_ascii=False)
    path.write_bytes(good + b"\n" + bad.encode("latin-1") + b"\n")
    code, out, err = run("import_declarations", str(path))
    assert code == 1
    assert "ligne 2 : cette ligne n'est pas encodée en UTF-8 (octet 0xE9 illisible)" in err
    assert "enregistrez le fichier en UTF-8" in err
    assert "créés : 1" in out and "rejetés : 1" in out


def test_check_conformity_says_in_french_which_line_is_not_utf8(tmp_path):
    path = tmp_path / "lieu.json"
    path.write_bytes(b'{\n"schema":\n"d\xe9claration/1"}')
    code, out, err = run("check_conformity", str(path))
    assert code == 2 and out == ""
    assert "ligne 3" in err and "UTF-8" in err and "codec" not in err


def test_check_conformity_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "lieu.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(declaration()).encode())
    code, out, err = run("check_conformity", str(path))
    assert code in (0, 1) and err == ""
    assert json.loads(out)["version"] == "france-services-2019"


def test_api_accepts_a_byte_order_mark_and_explains_other_encodings(client):
    url = reverse("api:conformity_check")
    body = b"\xef\xbb\xbf" + json.dumps(declaration()).encode()
    assert client.post(url, body, content_type="application/json").status_code == 200
    response = client.post(
        url,
        json.dumps(declaration(name="é")).encode("latin-1").replace(b"\\u00e9", b"\xe9"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["errors"][0]["message"]


def test_import_national_list_accepts_a_byte_order_mark_and_names_a_latin1_line(tmp_path):
    sample = pathlib.Path("tests/data/france-services-sample.csv").read_bytes()
    lines = sample.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    head = b"\n".join(lines[:3]) + b"\n"
    path = tmp_path / "liste.csv"
    path.write_bytes(b"\xef\xbb\xbf" + head)
    code, _out, err = run("import_national_list", str(path), "--dry-run")
    assert code == 0, err
    path.write_bytes(head + "Mairie é".encode("latin-1") + b"\n")
    code, _out, err = run("import_national_list", str(path), "--dry-run")
    assert code == 2
    assert "ligne 4" in err and "UTF-8" in err


# --- 4. La Poste's SIRET -----------------------------------------------------------------------


def test_la_poste_head_office_is_one_siret_everywhere(client, tmp_path):
    from labelling.validators import siret_is_valid

    assert siret_is_valid("35600000000048")  # the head office (a Luhn key)
    assert siret_is_valid("35600000012346")  # an establishment: sum of the digits is 30
    assert not siret_is_valid("35600000012347")

    # the model (hence the admin)
    porteur = Porteur(kind="la_poste", name="La Poste", siret="35600000000048")
    porteur.full_clean()

    # the draft form
    user = PorteurUserFactory()
    client.force_login(user)
    app_id = client.post(reverse("workflows:application_start")).url.strip("/").split("/")[1]
    step = reverse("workflows:draft_step", args=[app_id, "porteur"])
    response = client.post(
        step, {"kind": "commune", "name": "La Poste", "siret": "356 000 000 00048"}
    )
    assert response.status_code == 302
    response = client.post(step, {"kind": "commune", "name": "X", "siret": "20006737800013"})
    assert response.status_code == 200
    assert "clé de contrôle" in response.content.decode()

    # the import: the contract rejects only what the schema refuses (14 digits), so La Poste's
    # head office is imported as well
    path = tmp_path / "lieux.jsonl"
    site = {**declaration()["site"], "id_fs": "fs-poste"}
    site["porteur"] = {"kind": "autre", "name": "La Poste", "siret": "35600000000048"}
    path.write_text(json.dumps({**declaration(), "site": site}), encoding="utf-8")
    code, _out, err = run("import_declarations", str(path))
    assert (code, err) == (0, "")
    assert Place.objects.get(id_fs="fs-poste").porteur.siret == "35600000000048"


# --- 8. errors that answered 500 --------------------------------------------------------------


def test_json_nested_5000_deep_is_a_french_400(client):
    response = client.post(
        reverse("api:conformity_check"), "[" * 5000 + "]" * 5000, content_type="application/json"
    )
    assert response.status_code == 400
    assert "trop imbriqué" in response.json()["errors"][0]["message"]


def test_json_nested_5000_deep_in_the_commands(tmp_path):
    path = tmp_path / "lieu.json"
    path.write_text('{"site": ' * 5000 + "1" + "}" * 5000)
    code, _out, err = run("check_conformity", str(path))
    assert code == 2 and "trop imbriqué" in err
    path.write_text("[" * 5000 + "]" * 5000 + "\n" + json.dumps(declaration(id_fs="fs-deep")))
    code, _out, err = run("import_declarations", str(path))
    assert code == 1 and "ligne 1 : $ : JSON trop imbriqué" in err.replace("$: ", "$ : ")
    assert Place.objects.filter(id_fs="fs-deep").exists()


def test_a_body_over_the_limit_answers_the_api_json_error(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/api/v1/conformity/check", "x" * 5000, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "Requête trop volumineuse : au plus 1 ko sont acceptés."
    assert "trop volumineuse" in response.json()["errors"][0]["message"]
    # a page answers its French HTML page
    client.force_login(PorteurUserFactory())
    response = client.post("/candidatures/nouvelle/", {"place": "x" * 5000})
    assert response.status_code == 400
    assert "Demande incorrecte" in response.content.decode()


def test_api_errors_outside_views_answer_json(client):
    response = client.get("/api/v1/nulle-part/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get("/nulle-part/")["Content-Type"].startswith("text/html")


# --- 7. phone photos ---------------------------------------------------------------------------


def _photo(**kwargs) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone turned: the pixels must be turned when re-encoded
    Image.new("RGB", (64, 32), (200, 30, 30)).save(buffer, "JPEG", exif=exif.tobytes(), **kwargs)
    return buffer.getvalue()


def _mp4() -> bytes:
    box = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    return box + b"\x00\x00\x00\x08free" + b"\x00\x00\x10\x00mdat" + bytes(range(256)) * 16


@pytest.mark.parametrize(
    "trailer",
    [
        _mp4(),  # Google « Motion Photo »
        b"MotionPhoto_Data" + _mp4(),  # Samsung « Photo animée »
        _mp4()[:4] + b"\xff\xd9" + _mp4(),  # the video holds an end-of-image marker itself
    ],
)
def test_a_motion_photo_keeps_its_image_reencoded(client, trailer):
    from PIL import Image

    from documents.models import SupportingDocument

    app = wf.drafted()
    client.force_login(app.created_by)
    sent = _photo() + trailer
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("workflows:draft_upload", args=[app.pk]),
        {
            "piece-title": "Photo de la façade",
            "piece-file": SimpleUploadedFile("PXL_20261129.MP.jpg", sent, "image/jpeg"),
        },
    )
    assert response.status_code == 302
    piece = SupportingDocument.objects.get(title="Photo de la façade")
    with piece.file.open("rb") as handle:
        stored = handle.read()
    assert stored != sent and b"ftyp" not in stored and b"MotionPhoto" not in stored
    assert piece.size == len(stored) and piece.content_type == "image/jpeg"
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (32, 64)  # turned upright
        assert not image.getexif()


def test_other_data_after_an_image_is_still_refused():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.uploads import validate_upload

    with pytest.raises(ValidationError) as caught:
        validate_upload(uploaded_file=SimpleUploadedFile("p.jpg", _photo() + b"PK\x03\x04zip"))
    assert caught.value.code == "image_trailing_data"
    plain = validate_upload(uploaded_file=SimpleUploadedFile("p.jpg", _photo(progressive=True)))
    assert plain.content is None
