import os
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def missing_services() -> list[str]:
    from django.conf import settings

    missing = []
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        missing.append("PostgreSQL (DATABASE_URL non défini)")
    if not _reachable("127.0.0.1", 6379):
        missing.append("Redis sur 127.0.0.1:6379")
    return missing


@pytest.fixture(autouse=True)
def _require_services(request):
    """Tests marked `services` need PostgreSQL and Redis: under CI a missing service fails the
    test, elsewhere it is skipped with the reason shown (`pytest -rs`)."""
    if request.node.get_closest_marker("services") is None:
        return
    missing = missing_services()
    if missing:
        reason = "service manquant : " + ", ".join(missing)
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
