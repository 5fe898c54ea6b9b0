"""Register numbers: 63-2026-LAB-0042, sequential per préfecture, kind and year, no gap."""

import dataclasses
import threading

import pytest
from django.db import connection, connections, transaction

from documents import registers
from documents.models import Document, RegisterCounter
from documents.samples import sample_context
from tests.documents.conftest import readers
from tests.documents.pdf_tools import pdf_text, read_field


@pytest.mark.django_db
def test_numbers_follow_each_other_per_prefecture_kind_and_year(make_document):
    first = make_document("arrete_labellisation", subject_key="a")
    second = make_document("arrete_labellisation", subject_key="b")
    refusal = make_document("refus", subject_key="c")
    assert first.register_number == "63-2026-LAB-0001"
    assert second.register_number == "63-2026-LAB-0002"
    assert refusal.register_number == "63-2026-REF-0001"
    text = pdf_text(read_field(second.file))
    assert "ARRÊTÉ PRÉFECTORAL N° 63-2026-LAB-0002" in text
    next_year = dataclasses.replace(
        sample_context("arrete_labellisation"),
        decided_on=sample_context("arrete_labellisation").decided_on.replace(year=2027),
    )
    assert make_document(context=next_year, subject_key="d").register_number == ("63-2027-LAB-0001")


@pytest.mark.django_db
def test_a_revision_keeps_its_number(make_document):
    from documents.services import regenerate_document

    document = make_document("arrete_labellisation", subject_key="a")
    again = regenerate_document(document=document, requested_by=None)
    assert again.register_number == document.register_number
    assert again.revision == 2


@pytest.mark.django_db
def test_a_rolled_back_request_gives_its_number_back(place):
    from documents.services import request_document

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        request_document(
            place=place,
            subject_key="lost",
            context=sample_context("refus"),
            audience=readers(place),
        )
        raise Abort
    document = request_document(
        place=place, subject_key="kept", context=sample_context("refus"), audience=readers(place)
    )
    assert document.register_number == "63-2026-REF-0001"


@pytest.mark.django_db
def test_abrogation_cites_the_labelling_arrete_by_number_and_date(make_document):
    make_document("arrete_labellisation", subject_key="label")
    context = dataclasses.replace(
        sample_context("arrete_abrogation"), labelling_reference="", labelled_on=None
    )
    abrogation = make_document(context=context, subject_key="abrogation")
    text = pdf_text(read_field(abrogation.file))
    assert (
        "Vu l'arrêté préfectoral n° 63-2026-LAB-0001 du 23 novembre 2026 portant labellisation"
        in text
    )
    assert abrogation.register_number == "63-2026-ABR-0001"


def test_the_number_needs_a_transaction():
    with pytest.raises(RuntimeError):
        registers.next_number(departement="63", kind="refus", year=2026)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_no_gap_nor_duplicate_under_concurrency(place):
    """Eight requests at once on PostgreSQL: numbers 1 to 8, each once."""
    from documents.services import request_document

    assert connection.vendor == "postgresql"
    start = threading.Barrier(8)
    results: dict = {}

    def ask(index: int):
        try:
            start.wait(10)
            with transaction.atomic():
                document = request_document(
                    place=place,
                    subject_key=f"concurrent-{index}",
                    context=sample_context("arrete_labellisation"),
                    audience=readers(place),
                )
            results[index] = document.register_number
        except Exception as exc:  # the outcome under test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    numbers = sorted(results.values())
    assert numbers == [f"63-2026-LAB-{n:04d}" for n in range(1, 9)], results
    assert RegisterCounter.objects.get(series="LAB", year=2026).last == 8
    assert Document.objects.filter(kind="arrete_labellisation").count() == 8
