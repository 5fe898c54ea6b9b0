"""Who signs a decision and by what right: the préfet, or a delegate whose delegation of
signature is recorded and in force; the visas cite the appointment and the delegation."""

import dataclasses
import datetime

import pytest

from documents.contexts import Person, Prefecture
from documents.models import Document, SignatureDelegation
from documents.samples import sample_context
from documents.services import SignatureNotDelegated
from tests.documents.pdf_tools import pdf_text, read_field
from tests.factories import InstructeurFactory, SignataireFactory

pytestmark = pytest.mark.django_db


def unsigned(kind: str = "arrete_labellisation"):
    """A sample decision without the delegation the samples carry: the service freezes it."""
    context = sample_context(kind)
    return dataclasses.replace(context, prefecture=Prefecture(), signataire=None)


def test_a_decision_without_a_recorded_delegation_is_refused(make_document):
    signataire = SignataireFactory(delegation=False, first_name="Anne", last_name="Sans")
    with pytest.raises(SignatureNotDelegated) as refused:
        make_document(context=unsigned(), requested_by=signataire)
    assert "Aucune délégation de signature" in refused.value.messages[0]
    assert "Anne Sans" in refused.value.messages[0]
    assert not Document.objects.exists()


def test_a_delegate_signs_par_delegation_with_the_visas(make_document):
    signataire = SignataireFactory(first_name="Claire", last_name="Fontanel")
    document = make_document(context=unsigned(), requested_by=signataire)
    assert document.is_ready, document.error
    text = pdf_text(read_field(document.file))
    for expected in (
        "Vu le décret du 12 juin 2025 portant nomination de M. Pierre Lambert en qualité de "
        "préfet du Puy-de-Dôme ;",
        "Vu l'arrêté préfectoral n° 63-2016-09-01-00012 du 1er septembre 2016 portant délégation "
        "de signature à Claire Fontanel, secrétaire générale de la préfecture ;",
        "Pour le préfet et par délégation, la secrétaire générale de la préfecture",
        "La secrétaire générale de la préfecture du Puy-de-Dôme est chargée",
        "18 boulevard Desaix, 63033 Clermont-Ferrand Cedex 1",
        "Vu l'avis favorable de la Caisse d'allocations familiales du Puy-de-Dôme du 12 octobre 2026",
        "Vu le rapport d'instruction des services de la préfecture du 10 novembre 2026 ;",
    ):
        assert expected in text, expected
    assert document.signed_by_name == "Claire Fontanel"


def test_an_expired_delegation_signs_nothing(make_document):
    signataire = SignataireFactory()
    SignatureDelegation.objects.filter(delegate=signataire).update(
        valid_until=datetime.date(2026, 1, 31)
    )
    with pytest.raises(SignatureNotDelegated):
        make_document(context=unsigned(), requested_by=signataire)


def test_the_prefet_signs_without_delegation(make_document):
    from documents.prefectures import ensure_demo_prefecture

    prefet = SignataireFactory(delegation=False)
    ensure_demo_prefecture("63", prefet_user=prefet)
    document = make_document(context=unsigned("refus"), requested_by=prefet)
    text = pdf_text(read_field(document.file))
    assert "Le préfet du Puy-de-Dôme Pierre Lambert" in text
    assert "par délégation" not in text
    assert "portant délégation de signature" not in text


def test_letters_are_signed_by_the_service(make_document):
    context = dataclasses.replace(sample_context("accuse_reception"), signataire=None)
    document = make_document(
        "accuse_reception", context=context, requested_by=InstructeurFactory(delegation=False)
    )
    text = pdf_text(read_field(document.file))
    assert "par délégation" not in text and "Le service instructeur" not in text
    assert "téléphone : 04 73 98 63 63" in text
    # Signed in the service's name, as the préfecture records it.
    signature = text[text.index("Fait à") :]
    assert "Direction de la citoyenneté et de la légalité — bureau France Services" in signature


def test_signing_along_the_real_path_needs_a_delegation(django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    from tests.workflows import factories as wf
    from workflows import services
    from workflows.lifecycle import State

    instructor = InstructeurFactory(departement_id="63")
    with django_capture_on_commit_callbacks(execute=True):
        app = wf.in_decision(instructor=instructor)
        with pytest.raises(ValidationError):
            services.sign_decision(
                user=SignataireFactory(departement_id="63", delegation=False),
                application_id=app.pk,
            )
    app.refresh_from_db()
    assert app.state == State.DECISION
    assert not Document.objects.filter(kind="arrete_labellisation").exists()


def test_sample_signatory_is_consistent():
    context = sample_context("arrete_labellisation")
    assert context.signataire == Person(
        "Claire Fontanel",
        "Pour le préfet et par délégation,\nla secrétaire générale de la préfecture",
    )


def test_each_demo_delegate_has_its_own_arrete_in_force_from_its_date():
    signataires = [SignataireFactory(departement_id="63") for _ in range(3)]
    delegations = SignatureDelegation.objects.filter(delegate__in=signataires)
    assert delegations.count() == 3
    assert len({d.arrete_number for d in delegations}) == 3
    assert all(d.valid_from >= d.arrete_date for d in delegations)


def test_a_delegation_in_force_before_its_arrete_is_refused_naming_the_field():
    from django.core.exceptions import ValidationError

    delegation = SignatureDelegation.objects.get(delegate=SignataireFactory(departement_id="63"))
    delegation.valid_from = delegation.arrete_date - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        delegation.full_clean()
    assert "en vigueur du" in refused.value.message_dict["valid_from"][0]
