"""Two signataires sign two decisions at once on the same envelope, which holds only one: on
PostgreSQL the envelope rows are locked (SELECT … FOR UPDATE), so exactly one decision is
signed and the other is refused with what is left. Marker `services` (SQLite has no row lock)."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from labelling.funding import services as rule_services
from labelling.models import EnvelopeCommitment
from tests.factories import (
    InstructeurFactory,
    LabelledPlaceFactory,
    PorteurFactory,
    SignataireFactory,
    UserFactory,
)
from workflows.errors import InvalidInput
from workflows.funding import services
from workflows.funding.models import FundingCause, FundingFile, FundingState

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as exc:  # the outcome under test
            results[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_decisions_at_once_on_an_envelope_that_holds_one():
    assert connection.vendor == "postgresql"
    national = UserFactory()
    for funder in ("fnadt", "fonds_national_fs"):
        rule_services.set_envelope(
            user=national,
            departement_code="63",
            year=2021,
            funder_code=funder,
            amount=Decimal("20000"),
        )
    instructor = InstructeurFactory()
    porteur = PorteurFactory(siret="20007075300014")
    files = []
    for _ in range(2):
        place = LabelledPlaceFactory(porteur=porteur, label_effective_on=datetime.date(2020, 1, 1))
        file = services.open_funding_file(place=place, year=2021, cause=FundingCause.YEAR)
        services.propose(user=instructor, file_id=file.pk)
        files.append(file)
    signataires = [SignataireFactory() for _ in range(2)]
    holding = threading.Event()
    release = threading.Event()
    results: dict = {}

    def first():
        with transaction.atomic():
            services.sign(user=signataires[0], file_id=files[0].pk)
            holding.set()  # the envelope rows are locked until this commits
            release.wait(10)
        return "signed"

    def second():
        holding.wait(10)
        services.sign(user=signataires[1], file_id=files[1].pk)
        return "signed"

    t1 = _in_thread(first, results, "first")
    t2 = _in_thread(second, results, "second")
    holding.wait(10)
    time.sleep(0.5)
    assert t2.is_alive()  # waiting on the envelope's row lock
    release.set()
    t1.join(15)
    t2.join(15)

    assert results["first"] == "signed"
    error = results["second"]
    assert isinstance(error, InvalidInput), error
    assert "n'a plus que 5\xa0000,00\xa0€" in error.message
    states = dict(FundingFile.objects.values_list("pk", "state"))
    assert states[files[0].pk] == FundingState.SIGNED
    assert states[files[1].pk] == FundingState.TO_SIGN
    total = sum(c.amount for c in EnvelopeCommitment.objects.all())
    assert total == Decimal("30000.00")
