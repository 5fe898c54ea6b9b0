import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from labelling.models import ConformityReport, Place
from tests.labelling.conformity.helpers import EXAMPLES, INVALID_CASES, conform_fs, example

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_conformity", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, raw) -> str:
    path = tmp_path / "declaration.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return str(path)


# --- The command --------------------------------------------------------------------------


def test_france_services_example_exit_0():
    code, out, err = run(str(EXAMPLES / "france-services-conform.json"))
    assert code == 0, err
    data = json.loads(out)
    assert data["version"] == "france-services-2019" and data["conform"] is True
    statuses = {c["code"]: c["status"] for c in data["criteria"]}
    assert statuses.pop("staff.simultaneous_presence") == "warning"
    assert set(statuses.values()) == {"pass"}


def test_msap_example_exit_1():
    code, out, _ = run(str(EXAMPLES / "msap-non-conform.json"))
    assert code == 1
    data = json.loads(out)
    assert data["version"] == "msap-2016"
    failed = {c["code"] for c in data["criteria"] if c["status"] == "fail"}
    assert failed == {"operators.presence", "staff.continuity"}
    assert {c["code"]: c["status"] for c in data["criteria"]}["premises.accessible_pmr"] == (
        "warning"
    )


def test_invalid_example_exit_2_nothing_on_stdout():
    code, out, err = run(str(EXAMPLES / "invalid.json"))
    assert code == 2
    assert out == ""
    assert "opening_hours.mo[0]: 18:00 ≥ 12:00" in err
    assert "operators[3].presence" in err and "partielle" in err


def test_text_format_and_explicit_version(tmp_path):
    code, out, _ = run(
        str(EXAMPLES / "france-services-conform.json"), "--against", "msap-2016", "--format", "text"
    )
    assert code == 0
    assert "Maisons de services au public" in out and "Résultat : CONFORME" in out


def test_unknown_version_exit_2():
    code, out, err = run(str(EXAMPLES / "france-services-conform.json"), "--against", "fs-2099")
    assert (code, out) == (2, "")
    assert "against: version du cahier des charges inconnue : fs-2099" in err


def test_date_before_2016_without_version_exit_2(tmp_path):
    raw = conform_fs()
    raw["reference_date"] = "2015-12-31"
    code, out, err = run(write(tmp_path, raw))
    assert (code, out) == (2, "")
    assert (
        "reference_date: aucune version du cahier des charges n'est en vigueur le 31/12/2015" in err
    )
    code, _, _ = run(write(tmp_path, raw), "--against", "msap-2016")
    assert code in (0, 1)


def test_missing_file_and_broken_json_exit_2(tmp_path):
    code, out, err = run(str(tmp_path / "absent.json"))
    assert (code, out) == (2, "") and "fichier illisible" in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": ', encoding="utf-8")
    code, out, err = run(str(broken))
    assert (code, out) == (2, "") and "$: JSON invalide" in err


def test_standard_input(monkeypatch):
    data = (EXAMPLES / "msap-non-conform.json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run("-")
    assert code == 1 and json.loads(out)["version"] == "msap-2016"


@pytest.mark.parametrize(
    ("raw", "path", "words"),
    [case[1:] for case in INVALID_CASES],
    ids=[c[0] for c in INVALID_CASES],
)
def test_invalid_declarations_exit_2_and_write_nothing(tmp_path, raw, path, words):
    code, out, err = run(write(tmp_path, raw))
    assert (code, out) == (2, "")
    assert any(line.startswith(f"{path}: ") and words in line for line in err.splitlines()), err
    assert not Place.objects.exists() and not ConformityReport.objects.exists()


@pytest.mark.slow
def test_exit_statuses_of_the_real_process(tmp_path):
    """The examples through `manage.py` in a child process, on a migrated SQLite file."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    expected = {"france-services-conform": 0, "msap-non-conform": 1, "invalid": 2}
    for name, status in expected.items():
        done = subprocess.run(
            [*manage, "check_conformity", str(EXAMPLES / f"{name}.json")],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == status, (name, done.stderr)
        assert (done.stdout == "") == (status == 2)
    done = subprocess.run(
        [*manage, "check_conformity", "-", "--format", "text"],
        input=(EXAMPLES / "msap-non-conform.json").read_text(encoding="utf-8"),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "NON CONFORME" in done.stdout


# --- The API --------------------------------------------------------------------------------

URL = "/api/v1/conformity/check"


def post(client, raw, query: str = ""):
    body = raw if isinstance(raw, str | bytes) else json.dumps(raw)
    return client.post(URL + query, data=body, content_type="application/json")


def test_api_answers_the_same_json_as_the_command(client):
    response = post(client, (EXAMPLES / "msap-non-conform.json").read_text(encoding="utf-8"))
    assert response.status_code == 200
    _, out, _ = run(str(EXAMPLES / "msap-non-conform.json"))
    assert response.json() == json.loads(out)


def test_api_explicit_version(client):
    response = post(client, example("france-services-conform"), "?against=msap-2016")
    assert response.status_code == 200 and response.json()["version"] == "msap-2016"
    response = post(client, example("france-services-conform"), "?against=nope")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "against"


def test_api_invalid_example_gives_400_with_paths(client):
    response = post(client, example("invalid"))
    assert response.status_code == 400
    paths = [e["path"] for e in response.json()["errors"]]
    assert paths == ["opening_hours.mo[0]", "operators[3].presence"]


@pytest.mark.parametrize(
    ("raw", "path", "words"),
    [case[1:] for case in INVALID_CASES],
    ids=[c[0] for c in INVALID_CASES],
)
def test_api_invalid_declarations_400(client, raw, path, words):
    response = post(client, raw)
    assert response.status_code == 400
    assert any(e["path"] == path and words in e["message"] for e in response.json()["errors"])
    assert not ConformityReport.objects.exists()


def test_api_needs_post_and_no_csrf(client):
    assert client.get(URL).status_code == 405
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    assert post(csrf_client, example("france-services-conform")).status_code == 200
    assert post(client, "not json").status_code == 400
