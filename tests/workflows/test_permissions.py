"""Who may do what, at each stage: the services refuse, the pages answer 404 for other files."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import (
    InstructeurFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
)
from tests.workflows import factories as wf
from workflows import services
from workflows.models import Outcome, State

pytestmark = pytest.mark.django_db


def url(name, app, *args):
    return reverse(f"workflows:{name}", args=[app.pk, *args])


def test_porteur_cannot_act_as_instructor():
    app = wf.submitted()
    porteur = wf.porteur_of(app)
    with pytest.raises(services.AccessDenied):
        services.declare_complete(user=porteur, application_id=app.pk)
    with pytest.raises(services.AccessDenied):
        services.request_completion(user=porteur, application_id=app.pk, message="x")
    with pytest.raises(services.AccessDenied):
        services.close_abandoned(user=porteur, application_id=app.pk, reason="x")


def test_instructor_of_05_cannot_touch_a_63_file(client):
    app = wf.submitted()
    gap = InstructeurFactory(departement_id="05")
    with pytest.raises(services.AccessDenied):
        services.declare_complete(user=gap, application_id=app.pk)
    client.force_login(gap)
    for name in ("application_detail", "completeness", "review", "proposal", "correct"):
        assert client.get(url(name, app)).status_code == 404
    assert client.post(url("take", app)).status_code == 404
    assert app.reference not in client.get(reverse("workflows:queue")).content.decode()


def test_another_porteur_gets_404(client):
    app = wf.drafted()
    client.force_login(PorteurUserFactory())
    assert client.get(url("application_detail", app)).status_code == 404
    assert client.get(url("draft_step", app, "lieu")).status_code == 404
    assert client.post(url("withdraw", app), {"reason": "x"}).status_code == 404
    with pytest.raises(services.AccessDenied):
        services.save_draft_step(
            user=PorteurUserFactory(), application_id=app.pk, step="locaux", data={}
        )


def test_drafts_are_invisible_to_the_prefecture(client):
    app = wf.drafted()
    client.force_login(InstructeurFactory(departement_id="63"))
    assert client.get(url("application_detail", app)).status_code == 404


def test_instructor_cannot_sign_and_signataire_cannot_instruct():
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_decision(instructor=instructor)
    with pytest.raises(services.AccessDenied):
        services.sign_decision(user=instructor, application_id=app.pk)
    signataire = SignataireFactory(departement_id="63")
    other = wf.submitted()
    with pytest.raises(services.AccessDenied):
        services.declare_complete(user=signataire, application_id=other.pk)


def test_signataire_of_another_departement_cannot_sign():
    app = wf.in_decision()
    with pytest.raises(services.AccessDenied):
        services.sign_decision(user=SignataireFactory(departement_id="05"), application_id=app.pk)


def test_the_proposer_cannot_sign_even_as_signataire(client):
    """A préfecture agent who proposed (the row says so) is refused when signing."""
    app = wf.in_decision()
    signataire = SignataireFactory(departement_id="63")
    type(app).objects.filter(pk=app.pk).update(proposed_by=signataire)
    with pytest.raises(services.AccessDenied) as exc:
        services.sign_decision(user=signataire, application_id=app.pk)
    assert "proposition" in exc.value.message
    client.force_login(signataire)
    page = client.get(url("application_detail", app)).content.decode()
    assert "un autre signataire doit signer" in page


def test_only_the_porteur_withdraws_and_only_before_the_decision():
    app = wf.in_instruction()
    with pytest.raises(services.AccessDenied):
        services.withdraw(
            user=InstructeurFactory(departement_id="63"), application_id=app.pk, reason="x"
        )
    signed = wf.signed()
    with pytest.raises(services.TransitionNotAllowed):
        services.withdraw(user=wf.porteur_of(signed), application_id=signed.pk, reason="x")


def test_reopen_needs_a_signataire_of_the_departement():
    app = wf.signed()
    with pytest.raises(services.AccessDenied):
        services.reopen(
            user=InstructeurFactory(departement_id="63"), application_id=app.pk, reason="x"
        )
    with pytest.raises(services.AccessDenied):
        services.reopen(
            user=SignataireFactory(departement_id="05"), application_id=app.pk, reason="x"
        )


def test_actions_out_of_stage_are_refused_with_a_french_message():
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    with pytest.raises(services.TransitionNotAllowed) as exc:
        services.declare_complete(user=instructor, application_id=app.pk)
    assert "En instruction" in exc.value.message
    with pytest.raises(services.TransitionNotAllowed):
        services.propose(
            user=instructor,
            application_id=app.pk,
            outcome=Outcome.LABEL,
            reasons="x",
            effective_on=datetime.date.today(),
        )
    with pytest.raises(services.TransitionNotAllowed):
        services.submit_application(user=wf.porteur_of(app), application_id=app.pk)


def test_stale_page_shows_the_message_instead_of_acting_twice(client):
    instructor = InstructeurFactory(departement_id="63")
    app = wf.submitted()
    client.force_login(instructor)
    client.post(url("completeness", app), {"decision": "complet"})
    response = client.post(url("completeness", app), {"decision": "complet"}, follow=True)
    assert "une autre personne a agi avant vous" in response.content.decode()
    app.refresh_from_db()
    assert app.state == State.INSTRUCTION
    assert app.journal.filter(action="complete").count() == 1


def test_national_users_read_but_do_not_act(client):
    app = wf.submitted()
    national = UserFactory()
    client.force_login(national)
    assert client.get(url("application_detail", app)).status_code == 200
    with pytest.raises(services.AccessDenied):
        services.declare_complete(user=national, application_id=app.pk)


def test_porteur_never_sees_private_journal_entries(client):
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    services.assign(user=instructor, application_id=app.pk)
    client.force_login(wf.porteur_of(app))
    page = client.get(url("application_detail", app)).content.decode()
    assert "Dossier attribué à" not in page
    client.force_login(instructor)
    assert "Dossier attribué à" in client.get(url("application_detail", app)).content.decode()


def test_porteur_never_reads_the_instructors_appraisals_nor_the_rapport(client):
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_proposal(instructor=instructor)
    # A comment written while reviewing the criteria (see test_services for the review itself).
    app.reviews.filter(pk=app.reviews.first().pk).update(comment="Commentaire interne au service.")
    services.propose(
        user=instructor,
        application_id=app.pk,
        outcome=Outcome.LABEL,
        reasons="Conforme.",
        effective_on=datetime.date(2030, 1, 1),
    )
    client.force_login(wf.porteur_of(app))
    refused = client.get(url("review", app))
    assert refused.status_code == 403
    assert "Seul un instructeur" in refused.content.decode()
    assert "Commentaire interne" not in refused.content.decode()
    page = client.get(url("application_detail", app)).content.decode()
    assert "Commentaire interne" not in page
    assert "Rapport d&#x27;instruction" not in page
    client.force_login(instructor)
    page = client.get(url("application_detail", app)).content.decode()
    assert "Commentaire interne" in page and "Rapport d&#x27;instruction" in page


def test_in_scope_but_not_allowed_is_a_clear_403(client):
    app = wf.submitted()
    client.force_login(UserFactory())  # national: sees the file, does not instruct it
    response = client.get(url("review", app))
    assert response.status_code == 403
    assert "instructeur de la préfecture" in response.content.decode()
