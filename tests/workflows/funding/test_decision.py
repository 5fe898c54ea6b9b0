"""The funding decision through its services: adjust with a reason, propose, sign (never the
proposer, within the envelope unless the agency allowed it), the PDF read back, the payments
ordered then paid, and who may do what."""

import datetime
from decimal import Decimal

import pytest

from documents.contexts import DecisionFinancement, load_context
from documents.models import Document
from labelling.funding import services as rule_services
from labelling.models import EnvelopeCommitment
from tests.documents.pdf_tools import pdf_text, read_field
from tests.factories import InstructeurFactory, LabelledPlaceFactory, PorteurUserFactory
from workflows.errors import AccessDenied, InvalidInput, TransitionNotAllowed
from workflows.funding import documents as funding_documents
from workflows.funding import services
from workflows.funding.models import FundingCause, FundingState, PaymentStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def file(place):
    return services.open_funding_file(place=place, year=2020, cause=FundingCause.LABELLING)


def test_adjusting_needs_a_reason_and_the_parts_follow(file, instructor):
    with pytest.raises(InvalidInput) as error:
        services.adjust(user=instructor, file_id=file.pk, amount=Decimal("12000"), reason=" ")
    assert "reason" in error.value.field_errors
    file.refresh_from_db()
    assert file.amount == Decimal("15081.97")
    services.adjust(
        user=instructor, file_id=file.pk, amount=Decimal("12000.01"), reason="Ouvert en août."
    )
    file.refresh_from_db()
    assert file.amount == Decimal("12000.01") and file.adjusted
    assert [p.amount for p in file.parts.all()] == [Decimal("6000.01"), Decimal("6000.00")]
    # Back to the rules: no reason needed, the adjustment is gone.
    services.recompute(user=instructor, file_id=file.pk)
    file.refresh_from_db()
    assert file.amount == file.proposed_amount == Decimal("15081.97")
    assert file.adjustment_reason == ""


def test_an_amount_that_is_not_money_is_refused(file, instructor):
    for amount in (None, Decimal("-1")):
        with pytest.raises(InvalidInput) as error:
            services.adjust(user=instructor, file_id=file.pk, amount=amount, reason="x")
        assert "amount" in error.value.field_errors


def test_roles(file, signataire, porteur_user, other_prefecture, national):
    with pytest.raises(AccessDenied):
        services.adjust(user=signataire, file_id=file.pk, amount=Decimal(1), reason="x")
    with pytest.raises(AccessDenied):
        services.propose(user=porteur_user, file_id=file.pk)
    with pytest.raises(AccessDenied):
        services.propose(user=other_prefecture, file_id=file.pk)
    with pytest.raises(AccessDenied):
        services.propose(user=national, file_id=file.pk)
    with pytest.raises(TransitionNotAllowed):
        services.sign(user=signataire, file_id=file.pk)


def test_the_full_path_to_the_pdf_and_the_payments(
    file, instructor, signataire, envelopes, porteur_user, django_capture_on_commit_callbacks
):
    services.propose(user=instructor, file_id=file.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.sign(user=signataire, file_id=file.pk, signed_on=datetime.date(2020, 7, 10))
    file.refresh_from_db()
    assert file.state == FundingState.SIGNED
    assert (file.beneficiary_name, file.beneficiary_siret) == (
        "Communauté de communes Ambert Livradois Forez",
        "20007075300014",
    )
    # Taken from the envelopes.
    taken = {c.envelope.funder_id: c.amount for c in EnvelopeCommitment.objects.all()}
    assert taken == {"fnadt": Decimal("7540.99"), "fonds_national_fs": Decimal("7540.98")}
    # The PDF, read back.
    document = funding_documents.decision_document(file)
    assert document.is_ready, document.error
    context = load_context(document.context)
    assert isinstance(context, DecisionFinancement)
    assert context.amount == Decimal("15081.97") and context.year == 2020
    text = pdf_text(read_field(document.file))
    for expected in (
        "au titre de l'année 2020",
        "15 081,97 €",
        "7 540,99 €",
        "7 540,98 €",
        "Communauté de communes Ambert Livradois Forez",
        "SIREN 200070753",
        "Programme 112",
        "Fonds national France Services",
        "Comptable assignataire : le directeur départemental des finances publiques du Puy-de-Dôme",
        "loi n° 2019-1479 du 28 décembre 2019 de finances pour 2020",
        "184 jours sur 366",
        "30 000,00 €",
        "10 juillet 2020",
    ):
        assert expected in text, expected
    assert "35 000" not in text
    # The porteur reads it.
    assert Document.objects.filter(pk=document.pk).exists()
    # Payments: all at signature by default, one per funder.
    payments = list(file.payments.order_by("part__position"))
    assert [(p.amount, p.due_on) for p in payments] == [
        (Decimal("7540.99"), datetime.date(2020, 7, 10)),
        (Decimal("7540.98"), datetime.date(2020, 7, 10)),
    ]
    with pytest.raises(InvalidInput, match="Ordonnancez"):
        services.pay(user=instructor, file_id=file.pk, payment_id=payments[0].pk)
    for payment in payments:
        services.order_payment(
            user=instructor, file_id=file.pk, payment_id=payment.pk, on=datetime.date(2020, 8, 1)
        )
        services.pay(
            user=signataire, file_id=file.pk, payment_id=payment.pk, on=datetime.date(2020, 8, 20)
        )
    file.refresh_from_db()
    assert file.state == FundingState.PAID
    assert set(file.payments.values_list("status", flat=True)) == {PaymentStatus.PAID}
    with pytest.raises(AccessDenied):
        services.order_payment(user=porteur_user, file_id=file.pk, payment_id=payments[0].pk)


def test_payments_in_parts(file, instructor, signataire, envelopes):
    services.propose(user=instructor, file_id=file.pk)
    schedule = [
        services.Instalment(Decimal("60"), datetime.date(2020, 7, 10)),
        services.Instalment(Decimal("40"), datetime.date(2020, 12, 1)),
    ]
    services.sign(
        user=signataire, file_id=file.pk, signed_on=datetime.date(2020, 7, 10), schedule=schedule
    )
    payments = file.payments.all()
    assert sum(p.amount for p in payments) == Decimal("15081.97")
    fnadt = [p.amount for p in payments.filter(part__funder_id="fnadt").order_by("number")]
    assert fnadt == [Decimal("4524.59"), Decimal("3016.40")]


def test_a_bad_schedule_is_refused_and_nothing_changes(file, instructor, signataire, envelopes):
    services.propose(user=instructor, file_id=file.pk)
    with pytest.raises(InvalidInput) as error:
        services.sign(
            user=signataire,
            file_id=file.pk,
            signed_on=datetime.date(2020, 7, 10),
            schedule=[services.Instalment(Decimal("50"), datetime.date(2020, 7, 10))],
        )
    assert "100 %" in error.value.field_errors["schedule"][0]
    file.refresh_from_db()
    assert file.state == FundingState.TO_SIGN and not EnvelopeCommitment.objects.exists()


def test_the_signataire_sends_back_and_the_instructor_may_close(file, instructor, signataire):
    services.propose(user=instructor, file_id=file.pk)
    with pytest.raises(InvalidInput):
        services.send_back(user=signataire, file_id=file.pk, reason="")
    services.send_back(user=signataire, file_id=file.pk, reason="Vérifier la date d'effet.")
    file.refresh_from_db()
    assert file.state == FundingState.TO_REVIEW and file.proposed_by is None
    services.close(user=instructor, file_id=file.pk, reason="Le lieu a fermé.")
    file.refresh_from_db()
    assert file.state == FundingState.CLOSED
    # A new file may be opened for that year.
    again = services.open_funding_file(place=file.place, year=2020, cause=FundingCause.MANUAL)
    assert again.pk != file.pk


def test_the_envelope_is_not_exceeded_unless_the_agency_allows_it(
    instructor, signataire, national, porteur
):
    rule_services.set_envelope(
        user=national,
        departement_code="63",
        year=2021,
        funder_code="fnadt",
        amount=Decimal("20000"),
    )
    rule_services.set_envelope(
        user=national,
        departement_code="63",
        year=2021,
        funder_code="fonds_national_fs",
        amount=Decimal("20000"),
    )
    files = []
    for _ in range(2):
        place = LabelledPlaceFactory(porteur=porteur, label_effective_on=datetime.date(2020, 1, 1))
        file = services.open_funding_file(place=place, year=2021, cause=FundingCause.YEAR)
        services.propose(user=instructor, file_id=file.pk)
        files.append(file)
    services.sign(user=signataire, file_id=files[0].pk)
    with pytest.raises(InvalidInput, match="n'a plus que 5\xa0000,00\xa0€"):
        services.sign(user=signataire, file_id=files[1].pk)
    files[1].refresh_from_db()
    assert files[1].state == FundingState.TO_SIGN
    # Only the agency may allow it, with a reason.
    with pytest.raises(AccessDenied):
        services.override_envelope(user=signataire, file_id=files[1].pk, reason="Urgent")
    with pytest.raises(InvalidInput):
        services.override_envelope(user=national, file_id=files[1].pk, reason="")
    services.override_envelope(
        user=national, file_id=files[1].pk, reason="Crédits complémentaires notifiés le 3 mai."
    )
    services.sign(user=signataire, file_id=files[1].pk)
    lines = EnvelopeCommitment.objects.filter(reference=files[1].reference)
    assert {line.override_reason for line in lines} == {
        "Crédits complémentaires notifiés le 3 mai."
    }
    # The envelope cannot be lowered below what is taken.
    with pytest.raises(rule_services.FundingError):
        rule_services.set_envelope(
            user=national,
            departement_code="63",
            year=2021,
            funder_code="fnadt",
            amount=Decimal("1000"),
        )


def test_no_envelope_set_is_refused(file, instructor, signataire):
    services.propose(user=instructor, file_id=file.pk)
    with pytest.raises(InvalidInput, match="aucune enveloppe 2020 n'est fixée"):
        services.sign(user=signataire, file_id=file.pk)


def test_a_place_without_porteur_cannot_be_proposed(instructor):
    place = LabelledPlaceFactory(porteur=None)
    file = services.open_funding_file(place=place, year=2021, cause=FundingCause.YEAR)
    with pytest.raises(InvalidInput, match="pas encore de porteur"):
        services.propose(user=instructor, file_id=file.pk)


def test_a_year_without_rate_cannot_be_proposed(instructor):
    place = LabelledPlaceFactory(label_effective_on=datetime.date(2014, 3, 1))
    file = services.open_funding_file(place=place, year=2015, cause=FundingCause.YEAR)
    with pytest.raises(TransitionNotAllowed, match="Aucun taux"):
        services.propose(user=instructor, file_id=file.pk)


def test_another_instructor_of_the_same_prefecture_may_act(file):
    services.propose(user=InstructeurFactory(), file_id=file.pk)
    assert PorteurUserFactory  # the porteur never acts (see test_roles)


def test_a_place_suspended_after_opening_gets_no_decision(file, instructor, signataire):
    from labelling.models import LabelStatus

    services.propose(user=instructor, file_id=file.pk)
    file.place.label_status = LabelStatus.SUSPENDED
    file.place.save()
    with pytest.raises(InvalidInput, match=r"plus de label en vigueur \(label suspendu\)"):
        services.sign(user=signataire, file_id=file.pk)
    services.close(user=instructor, file_id=file.pk, reason="Label suspendu.")


def test_the_renewal_names_its_cause_in_english_or_french(place):
    from workflows.funding.models import FundingCause

    file = services.open_funding_file(place=place, year=2022, cause="renewal")
    assert file.cause == FundingCause.RENEWAL
    assert services.open_funding_file(place=place, year=2023, cause="renouvellement").cause == (
        FundingCause.RENEWAL
    )
    with pytest.raises(ValueError):
        services.open_funding_file(place=place, year=2024, cause="whatever")


def test_who_is_told(
    file, instructor, signataire, envelopes, porteur_user, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.propose(user=instructor, file_id=file.pk)
    assert [m.to for m in mailoutbox] == [[signataire.email]]
    assert "à signer" in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.sign(user=signataire, file_id=file.pk, signed_on=datetime.date(2020, 7, 10))
    assert mailoutbox[-1].to == [porteur_user.email]
    assert "15\xa0081,97\xa0€" in mailoutbox[-1].body
    payment = file.payments.first()
    services.order_payment(user=instructor, file_id=file.pk, payment_id=payment.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.pay(user=instructor, file_id=file.pk, payment_id=payment.pk)
    assert mailoutbox[-1].to == [porteur_user.email] and "payé" in mailoutbox[-1].body
