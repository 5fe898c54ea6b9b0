"""Load test: the application as served in production, under 50 simulated users for 60 s.

- The app runs under **gunicorn** (2 workers × 4 threads) on the benchmark's PostgreSQL
  database, with a real **Celery worker** (Redis broker) producing the documents, both started
  here as subprocesses and stopped at the end.
- 50 users from loopback, each a thread with its own session (signed in through the sign-in
  page), pausing 1 to 3 s between two requests as a person does:
  20 **porteurs** editing their draft (the « lieu » step read and saved, the file page) and
  each submitting it once (which asks the worker for the accusé de réception);
  10 **instructors** of the Puy-de-Dôme working their queue (the queue, a search, a file page,
  a private note posted);
  20 **visitors** of the public directory (a search by commune or postcode, a place's page, the
  API's places of a département).
- Measures (``load.*``): requests made, errors (answers ≥ 400 and failed connections; goal 0),
  latency p50 / p95 / max over every request (goal p95 < 500 ms) and p95 per kind of user,
  throughput, and the accusés still not produced 30 s after the end (goal 0: the queued work
  goes out).

Data: the real extract of the national list (621 places in force), 20 porteurs with a draft,
30 files submitted in the Puy-de-Dôme for the queue. Needs PostgreSQL (the server and the
worker share the database) and Redis; on SQLite the group reports itself skipped.
``LOAD_SECONDS`` shortens the run, ``LOAD_REDIS_URL`` picks the Redis database (default 7)."""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/7")
PORTEURS, INSTRUCTORS, VISITORS = 20, 10, 20
QUEUE_FILES = 30
PASSWORD = "Banc-de-charge-2026"
GOAL_P95_MS = 500
THINK = (1.0, 3.0)
SEARCHES = ("Ambert", "63600", "Clermont-Ferrand", "Gap", "Puy-de-Dôme", "Brest", "13003", "Lyon")


def _skip(reason: str) -> list[dict]:
    return [{"name": "load.skipped", "value": None, "unit": reason, "goal": "", "met": None}]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


# --- data -------------------------------------------------------------------------------------


def prepare() -> dict:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.core.management import call_command

    from labelling.models import Departement, Place, Porteur, Role, User
    from workflows import services

    call_command("import_national_list", str(ROOT / "tests/data/france-services-sample.csv"))
    # The server checks passwords with the production hasher, not the tests' fast one.
    password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    dep63 = Departement.objects.get(pk="63")

    def user(email, **fields):
        return User.objects.create(email=email, password=password, **fields)

    from tests.workflows.factories import conform_steps

    steps = conform_steps()
    porteurs, drafts = [], []
    for n in range(PORTEURS + QUEUE_FILES):
        porteur = Porteur.objects.create(kind="commune", name=f"Commune de charge {n}")
        account = user(f"porteur-charge-{n}@example.fr", role=Role.PORTEUR, porteur=porteur)
        app = services.start_application(user=account)
        for step, data in steps.items():
            services.save_draft_step(user=account, application_id=app.pk, step=step, data=data)
        if n < PORTEURS:
            porteurs.append(account.email)
            drafts.append(str(app.pk))
        else:  # the préfecture's queue
            services.submit_application(user=account, application_id=app.pk, justification="")
    instructors = [
        user(f"instructeur-charge-{n}@example.fr", role=Role.INSTRUCTEUR, departement=dep63).email
        for n in range(INSTRUCTORS)
    ]
    from workflows.models import Application

    files = [
        str(pk)
        for pk in Application.objects.exclude(state="brouillon").values_list("pk", flat=True)
    ]
    places = [
        str(pk)
        for pk in Place.objects.filter(label_status="labelled").values_list("pk", flat=True)[:200]
    ]
    if not places:
        places = [str(pk) for pk in Place.objects.values_list("pk", flat=True)[:200]]
    return {
        "porteurs": list(zip(porteurs, drafts, strict=True)),
        "instructors": instructors,
        "files": files,
        "places": places,
    }


# --- the processes ----------------------------------------------------------------------------


def server_env() -> dict:
    from django.conf import settings

    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("CELERY_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "false",
            "DATABASE_URL": url,
            "CONN_MAX_AGE": "60",
            "REDIS_URL": REDIS_URL,
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            # Every visitor comes from 127.0.0.1 here: the per-address limits would see one.
            "API_PUBLIC_RATE": "100000/min",
            "API_USER_RATE": "100000/min",
            "LOG_LEVEL": "WARNING",
            "MEDIA_ROOT": str(Path(settings.MEDIA_ROOT)),
        }
    )
    return env


@contextlib.contextmanager
def running(port: int):
    env = server_env()
    venv = Path(sys.executable).parent
    logs = open(os.devnull, "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(venv / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "60",
            # Longer than a user's pause: an idle kept-alive connection is not closed under it.
            "--keep-alive",
            "15",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
        stdout=logs,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [str(venv / "celery"), "-A", "config", "worker", "-l", "warning", "-c", "1", "-P", "solo"],
        cwd=ROOT,
        env=env,
        stdout=logs,
        stderr=logs,
        start_new_session=True,
    )
    try:
        yield server
    finally:
        for process in (server, worker):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in (server, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        logs.close()


def wait_ready(base: str, server) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn s'est arrêté : " + server.stderr.read().decode()[-2000:])
        with contextlib.suppress(requests.RequestException):
            if requests.get(base + "/annuaire/", timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError("gunicorn ne répond pas")


# --- the users --------------------------------------------------------------------------------


class User(threading.Thread):
    kind = ""

    def __init__(self, base: str, until: float, record, seed: int):
        super().__init__(daemon=True)
        import requests

        self.base, self.until, self.record = base, until, record
        self.http = requests.Session()
        self.rng = random.Random(seed)

    def call(self, method: str, path: str, name: str, **kwargs):
        started = time.perf_counter()
        try:
            response = self.http.request(
                method, self.base + path, timeout=30, allow_redirects=False, **kwargs
            )
            status = response.status_code
        except Exception as error:  # a failed connection is an error of the run
            response, status = None, 0
            name = f"{name} ({type(error).__name__})"
        self.record(self.kind, name, status, (time.perf_counter() - started) * 1000)
        return response

    def csrf(self) -> str:
        return self.http.cookies.get("csrftoken", "")

    def sign_in(self, email: str) -> None:
        self.http.get(self.base + "/compte/connexion/", timeout=30)
        response = self.http.post(
            self.base + "/compte/connexion/",
            data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": self.base + "/compte/connexion/"},
            allow_redirects=False,
            timeout=60,
        )
        if response.status_code != 302:
            raise RuntimeError(f"connexion refusée pour {email} ({response.status_code})")

    def post(self, path: str, name: str, data: dict):
        return self.call(
            "POST",
            path,
            name,
            data={**data, "csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": self.base + path},
        )

    def run(self) -> None:
        while time.monotonic() < self.until:
            self.step()
            time.sleep(self.rng.uniform(*THINK))

    def step(self) -> None:
        raise NotImplementedError


class Porteur(User):
    kind = "porteur"

    def setup(self, email: str, draft: str) -> None:
        self.sign_in(email)
        self.draft, self.n, self.submitted = draft, 0, False

    def step(self) -> None:
        self.n += 1
        if self.submitted:
            self.call("GET", f"/dossiers/{self.draft}/", "porteur.dossier")
            return
        if self.n % 3 == 1:
            self.call("GET", f"/candidatures/{self.draft}/etapes/lieu/", "porteur.etape")
        elif self.n % 3 == 2:
            self.post(
                f"/candidatures/{self.draft}/etapes/lieu/",
                "porteur.enregistrer",
                {
                    "name": f"France Services d'essai {self.n}",
                    "address": f"{self.n} rue de la Mairie",
                    "commune_insee": "63003",
                },
            )
        elif self.n >= 9 and self.rng.random() < 0.5:
            page = self.call("GET", f"/candidatures/{self.draft}/depot/", "porteur.depot")
            key = _key(page)
            response = self.post(
                f"/candidatures/{self.draft}/depot/", "porteur.deposer", {"request_key": key}
            )
            self.submitted = response is not None and response.status_code == 302
        else:
            self.call("GET", "/candidatures/", "porteur.liste")


class Instructor(User):
    kind = "instructeur"

    def setup(self, email: str, files: list[str]) -> None:
        self.sign_in(email)
        self.files = files

    def step(self) -> None:
        choice = self.rng.random()
        file = self.rng.choice(self.files)
        if choice < 0.3:
            self.call("GET", "/instruction/", "instructeur.file")
        elif choice < 0.45:
            self.call("GET", "/instruction/?q=charge&etat=depose", "instructeur.recherche")
        elif choice < 0.85:
            self.call("GET", f"/dossiers/{file}/", "instructeur.dossier")
        else:
            page = self.call("GET", f"/dossiers/{file}/", "instructeur.dossier")
            self.post(
                f"/dossiers/{file}/notes/",
                "instructeur.note",
                {"body": "Appeler la mairie.", "request_key": _key(page)},
            )


class Visitor(User):
    kind = "public"

    def setup(self, places: list[str]) -> None:
        self.places = places

    def step(self) -> None:
        choice = self.rng.random()
        if choice < 0.5:
            query = self.rng.choice(SEARCHES)
            self.call("GET", "/annuaire/", "public.recherche", params={"q": query})
        elif choice < 0.8:
            self.call("GET", f"/annuaire/{self.rng.choice(self.places)}/", "public.lieu")
        else:
            self.call("GET", "/api/v1/places/", "public.api", params={"departement": "63"})


def _key(response) -> str:
    if response is None:
        return ""
    found = re.search(r'name="request_key" value="([0-9a-f-]{36})"', response.text)
    return found.group(1) if found else ""


# --- the run ----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[index]


def run() -> list[dict]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return _skip("PostgreSQL requis (DATABASE_URL)")
    if not _redis_up():
        return _skip("Redis requis sur 127.0.0.1:6379")
    data = prepare()
    load_before = os.getloadavg()[0]
    connection.close()  # the server and the worker use the database from now on
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    lock = threading.Lock()
    samples: list[tuple[str, str, int, float]] = []

    def record(kind, name, status, ms):
        with lock:
            samples.append((kind, name, status, ms))

    with running(port) as server:
        wait_ready(base, server)
        users: list[User] = []
        far = time.monotonic() + 3600
        for n, (email, draft) in enumerate(data["porteurs"]):
            users.append(Porteur(base, far, record, n))
            users[-1].setup(email, draft)
        for n, email in enumerate(data["instructors"]):
            users.append(Instructor(base, far, record, 100 + n))
            users[-1].setup(email, data["files"])
        for n in range(VISITORS):
            users.append(Visitor(base, far, record, 200 + n))
            users[-1].setup(data["places"])
        with lock:
            samples.clear()  # the sign-ins are not part of the measure
        started = time.monotonic()
        for user in users:
            user.until = started + SECONDS
            user.start()
        for user in users:
            user.join(timeout=SECONDS + 60)
        elapsed = time.monotonic() - started
        load_during = os.getloadavg()[0]
        pending = _pending_documents(deadline=time.monotonic() + 30)

    latencies = [ms for *_, ms in samples]
    errors = [s for s in samples if s[2] == 0 or s[2] >= 400]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, _name, _status, ms in samples:
        by_kind[kind].append(ms)
    submitted = sum(1 for s in samples if s[1] == "porteur.deposer" and s[2] == 302)
    results = [
        {"name": "load.users", "value": len(data["porteurs"]) + len(data["instructors"]) + VISITORS,
         "unit": "utilisateurs", "goal": "", "met": None},
        {"name": "load.duration", "value": round(elapsed, 1), "unit": "s", "goal": "", "met": None},
        # The machine's load average (1 min) before and at the end: on a shared machine, what
        # else ran shows here (2 cores: above 2, the server waited for a processor).
        {"name": "load.machine_load_before", "value": round(load_before, 1), "unit": "",
         "goal": "", "met": None},
        {"name": "load.machine_load_end", "value": round(load_during, 1), "unit": "",
         "goal": "", "met": None},
        {"name": "load.requests", "value": len(samples), "unit": "requêtes", "goal": "", "met": None},
        {"name": "load.throughput", "value": round(len(samples) / elapsed, 1), "unit": "req/s",
         "goal": "", "met": None},
        {"name": "load.errors", "value": len(errors), "unit": "réponses ≥ 400 ou échecs",
         "goal": "0", "met": not errors},
        {"name": "load.p50", "value": round(statistics.median(latencies), 1) if latencies else None,
         "unit": "ms", "goal": "", "met": None},
        {"name": "load.p95", "value": round(percentile(latencies, 0.95), 1), "unit": "ms",
         "goal": f"< {GOAL_P95_MS}", "met": percentile(latencies, 0.95) < GOAL_P95_MS},
        {"name": "load.max", "value": round(max(latencies, default=0), 1), "unit": "ms",
         "goal": "", "met": None},
    ]  # fmt: skip
    for kind in ("porteur", "instructeur", "public"):
        results.append(
            {
                "name": f"load.p95_{kind}",
                "value": round(percentile(by_kind[kind], 0.95), 1),
                "unit": "ms",
                "goal": f"< {GOAL_P95_MS}",
                "met": percentile(by_kind[kind], 0.95) < GOAL_P95_MS,
            }
        )
    results.append(
        {"name": "load.submissions", "value": submitted, "unit": "dépôts", "goal": "", "met": None}
    )
    results.append(
        {
            "name": "load.documents_pending",
            "value": pending,
            "unit": "accusés non produits 30 s après",
            "goal": "0",
            "met": pending == 0,
        }
    )
    by_name: dict[str, list[float]] = defaultdict(list)
    for _kind, name, _status, ms in samples:
        by_name[name].append(ms)
    print(
        "latences par page (n, p50, p95 en ms) : "
        + "; ".join(
            f"{name} {len(v)} {statistics.median(v):.0f} {percentile(v, 0.95):.0f}"
            for name, v in sorted(by_name.items())
        ),
        file=sys.stderr,
    )
    if errors:
        kinds = defaultdict(int)
        for _kind, name, status, _ms in errors:
            kinds[f"{name} {status}"] += 1
        print("erreurs de la charge : " + ", ".join(f"{k} ×{v}" for k, v in kinds.items()),
              file=sys.stderr)  # fmt: skip
    return results


def _pending_documents(*, deadline: float) -> int:
    from django.db import connection

    from documents.models import Document

    while True:
        pending = Document.objects.exclude(status__in=("ready", "failed")).count()
        if pending == 0 or time.monotonic() > deadline:
            connection.close()
            return pending
        time.sleep(1)
