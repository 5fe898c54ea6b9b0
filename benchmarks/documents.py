"""Benchmarks of the documents pipeline (see /work/shared/contracts/BENCH.md).

- ``documents.pipeline_overhead``: time from asking for a document to its file being stored
  (eager task: lock, render as PDF/A, seal with pyHanko, hash, store), over a bare WeasyPrint
  render of the same HTML.
- ``documents.batch_throughput``: 200 arrêtés produced by the real task in 2 worker processes,
  over twice the rate of bare renders on one core.

Each baseline is measured in the same run. What the benchmark creates is deleted at the end.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import time
import uuid
from typing import Any

PIPELINE_RUNS = 15
BATCH_SIZE = 200
BATCH_PROCESSES = 2
BASELINE_RENDERS = 20


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _demo_place():
    from django.core.management import call_command
    from django.db.utils import OperationalError, ProgrammingError

    from labelling.models import Departement

    try:
        ready = Departement.objects.filter(pk="63").exists()
    except (OperationalError, ProgrammingError):
        ready = False
    if not ready:
        call_command("migrate", verbosity=0, interactive=False)
    from documents.management.commands.render_samples import Command

    return Command()._demo_place()


def _context(place, kind: str = "arrete_labellisation"):
    from documents.samples import sample_context, with_place

    return with_place(sample_context(kind), place, place.porteur)


def _bare_render(html: str) -> float:
    """One WeasyPrint render of ready-made HTML, with the same fonts and fetcher."""
    import weasyprint

    from documents.rendering import _url_fetcher, font_dir

    start = time.perf_counter()
    weasyprint.HTML(
        string=html, base_url=font_dir().as_uri() + "/", url_fetcher=_url_fetcher()
    ).write_pdf()
    return time.perf_counter() - start


def _html_of(document) -> str:
    from documents.contexts import load_context
    from documents.rendering import render_html
    from documents.services import verify_url

    return render_html(
        context=load_context(document.context),
        verification_code=document.verification_code,
        verify_url=verify_url(document.verification_code),
    )


def _cleanup(prefix: str) -> None:
    from documents.models import Document, DocumentBatch

    documents = Document.objects.filter(subject_key__startswith=prefix)
    for name in documents.exclude(file="").values_list("file", flat=True):
        Document._meta.get_field("file").storage.delete(name)
    DocumentBatch.objects.filter(title__startswith=prefix).delete()
    documents.delete()


def _readers(place):
    from documents.audiences import Audience

    return Audience.of(
        porteur=place.porteur_id,
        prefecture=place.departement_id,
        national=True,
        public_verification=True,
    )


def pipeline_overhead(place, prefix: str) -> dict[str, Any]:
    from django.db import transaction

    from config.celery import app
    from documents.models import Document, DocumentStatus
    from documents.services import request_document

    context = _context(place)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    pipeline, bare = [], []
    try:
        for index in range(PIPELINE_RUNS + 2):  # two warm-up rounds
            start = time.perf_counter()
            with transaction.atomic():
                document = request_document(
                    place=place,
                    subject_key=f"{prefix}pipeline:{index}",
                    context=context,
                    audience=_readers(place),
                )
            elapsed = time.perf_counter() - start
            document = Document.objects.get(pk=document.pk)
            if document.status != DocumentStatus.READY:
                raise RuntimeError(f"document non produit : {document.error}")
            html = _html_of(document)
            if index >= 2:
                pipeline.append(elapsed)
                bare.append(_bare_render(html))
            else:
                _bare_render(html)
    finally:
        app.conf.task_always_eager = eager
    ratio = statistics.median(pipeline) / statistics.median(bare)
    return {
        "name": "documents.pipeline_overhead",
        "value": round(ratio, 3),
        "unit": "ratio",
        "baseline": "bare WeasyPrint render of the same HTML",
        "goal": "<= 1.3",
        "met": ratio <= 1.3,
        "p50_pipeline_s": round(statistics.median(pipeline), 4),
        "p50_bare_s": round(statistics.median(bare), 4),
        "runs": PIPELINE_RUNS,
    }


def _worker_init() -> None:
    _setup_django()
    from django.db import connections

    connections.close_all()


def _produce(document_id: str) -> str:
    from documents.tasks import render_document

    return render_document.apply(args=[document_id]).get()


def _warm(_: int) -> float:
    from documents.rendering import render_pdf
    from documents.samples import sample_context

    render_pdf(
        context=sample_context("arrete_labellisation"),
        verification_code="AAAA-BBBB-CCCC",
        verify_url="http://127.0.0.1/verifier/AAAA-BBBB-CCCC/",
    )
    return os.getpid()


def batch_throughput(place, prefix: str) -> dict[str, Any]:
    from django.db import connection, connections

    from documents import services
    from documents.models import Document, DocumentStatus

    name = str(connection.settings_dict.get("NAME", ""))
    if connection.vendor == "sqlite" and (":memory:" in name or "mode=memory" in name):
        raise RuntimeError("base SQLite en mémoire : les processus ne la partagent pas")

    context = _context(place)
    enqueue = services._enqueue
    services._enqueue = lambda document_id: None  # the pool below does the work
    try:
        batch = services.request_documents_batch(
            items=[
                services.BatchItem(
                    place=place,
                    subject_key=f"{prefix}batch:{index}",
                    context=context,
                    audience=_readers(place),
                )
                for index in range(BATCH_SIZE)
            ],
            title=f"{prefix}lot",
        )
    finally:
        services._enqueue = enqueue
    ids = [str(pk) for pk in batch.documents.values_list("pk", flat=True)]

    # Baseline: bare renders of the same HTML on one core.
    html = _html_of(Document.objects.get(pk=ids[0]))
    _bare_render(html)
    one_core = [_bare_render(html) for _ in range(BASELINE_RENDERS)]
    baseline_rate = 1 / statistics.mean(one_core)

    connections.close_all()  # children open their own connections
    context_mp = multiprocessing.get_context("fork")
    with context_mp.Pool(BATCH_PROCESSES, initializer=_worker_init) as pool:
        pool.map(_warm, range(BATCH_PROCESSES * 2), chunksize=1)
        start = time.perf_counter()
        results = pool.map(_produce, ids, chunksize=1)
        elapsed = time.perf_counter() - start
    ready = Document.objects.filter(pk__in=ids, status=DocumentStatus.READY).count()
    if ready != len(ids):
        raise RuntimeError(f"{len(ids) - ready} documents non produits : {set(results)}")
    rate = len(ids) / elapsed
    ratio = rate / (BATCH_PROCESSES * baseline_rate)
    return {
        "name": "documents.batch_throughput",
        "value": round(ratio, 3),
        "unit": "ratio",
        "baseline": f"{BATCH_PROCESSES} × bare WeasyPrint render rate on one core",
        "goal": ">= 0.8",
        "met": ratio >= 0.8,
        "documents": len(ids),
        "documents_per_s": round(rate, 2),
        "bare_renders_per_s_one_core": round(baseline_rate, 2),
        "processes": BATCH_PROCESSES,
    }


def run() -> list[dict]:
    _setup_django()
    import logging

    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    place = _demo_place()
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    try:
        return [pipeline_overhead(place, prefix), batch_throughput(place, prefix)]
    finally:
        _cleanup(prefix)


if __name__ == "__main__":
    for result in run():
        print(result)
