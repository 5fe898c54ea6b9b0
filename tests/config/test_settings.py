import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings.prod", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_prod_refuses_to_start_without_its_environment():
    result = run_manage("check", env={"ALLOWED_HOSTS": "estampille.gouv.fr"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_prod_check_deploy_prints_no_warning():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "SECRET_KEY": "x" * 64 + "-a-long-and-random-production-secret",
            "ALLOWED_HOSTS": "estampille.gouv.fr",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/estampille",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
