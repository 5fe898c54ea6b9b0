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


def _reload_reference_data() -> None:
    """Re-run the data migrations of `labelling` (they are idempotent)."""
    from importlib import import_module

    from django.apps import apps
    from django.db import migrations
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, load=False)
    loader.load_disk()
    for (app_label, _name), migration in sorted(loader.disk_migrations.items()):
        if app_label != "labelling":
            continue
        import_module(migration.__module__)
        for operation in migration.operations:
            if isinstance(operation, migrations.RunPython):
                operation.code(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Territories, operators and built-in versions come from data migrations; a transactional
    test flushes them at its end, so the next test that needs the database loads them again."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False) or (
        marker.args and marker.args[0] is True
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from labelling.models import Departement

    if not Departement.objects.exists():
        _reload_reference_data()


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Threads and killed workers may leave sessions on the PostgreSQL test database, which
    would keep it from being dropped at the end of the run."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open(monkeypatch):
    """A test that closes a response itself (``download.close()``) sends ``request_finished``,
    whose ``close_old_connections`` closes the PostgreSQL connection inside the test's
    transaction (Django's test client only holds that signal off while it runs a request; SQLite
    in memory ignores the close, so only CI would fail). The test's own connections stay open;
    a live server's threads keep theirs."""
    from django.db import connections

    for connection in connections.all():
        monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)
