"""At every stage, the wrong people are refused by the services and get 404 on the pages; and
every stage × role × transition behaves as the transition table says."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from labelling.models import Operator
from tests.factories import (
    InstructeurFactory,
    OperateurUserFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
)
from tests.workflows import factories as wf
from workflows import services
from workflows.fsm import step_of
from workflows.lifecycle import ApplicationLifecycle
from workflows.models import Application, Opinion, State
from workflows.permissions import may_view

pytestmark = pytest.mark.django_db

STAGES = {
    "depose": wf.submitted,
    "instruction": wf.in_instruction,
    "conventions": wf.in_conventions,
    "proposition": wf.in_proposal,
    "decision": wf.in_decision,
}

# Préfecture actions, each as (service call, page name).
INSTRUCTOR_ACTIONS = [
    (lambda u, a: services.declare_complete(user=u, application_id=a.pk), "completeness"),
    (lambda u, a: services.finish_review(user=u, application_id=a.pk), "review"),
    (lambda u, a: services.close_opinions(user=u, application_id=a.pk), "opinion_request"),
    (lambda u, a: services.finish_conventions(user=u, application_id=a.pk), "correct"),
    (
        lambda u, a: services.propose(
            user=u, application_id=a.pk, outcome="label", reasons="x", effective_on=None
        ),
        "proposal",
    ),
    (lambda u, a: services.close_abandoned(user=u, application_id=a.pk, reason="x"), "close"),
    (lambda u, a: services.assign(user=u, application_id=a.pk), "assign"),
]


@pytest.mark.parametrize("stage", STAGES)
def test_outsiders_are_refused_at_every_stage(client, stage):
    app = STAGES[stage]()
    assert app.state == stage
    outsiders = {
        "porteur": wf.porteur_of(app),
        "instructeur du 05": InstructeurFactory(departement_id="05"),
        "signataire du 63": SignataireFactory(departement_id="63"),
    }
    for who, user in outsiders.items():
        for call, _page in INSTRUCTOR_ACTIONS:
            with pytest.raises(services.AccessDenied):
                call(user, app)
            assert who  # readable failure context
    with pytest.raises(services.AccessDenied):
        services.sign_decision(user=InstructeurFactory(departement_id="63"), application_id=app.pk)
    with pytest.raises(services.AccessDenied):
        services.withdraw(
            user=PorteurUserFactory(), application_id=app.pk, reason="Pas mon dossier."
        )
    client.force_login(outsiders["instructeur du 05"])
    for _call, page in INSTRUCTOR_ACTIONS:
        assert client.get(reverse(f"workflows:{page}", args=[app.pk])).status_code == 404
    assert client.get(reverse("workflows:decision", args=[app.pk])).status_code == 404


# --- every stage × every role × every transition, as the table says ---------------------------

BUILDERS = {
    State.DRAFT: wf.drafted,
    State.SUBMITTED: wf.submitted,
    State.INCOMPLETE: lambda: _incomplete(),
    State.INSTRUCTION: wf.in_instruction,
    State.CONVENTIONS: wf.in_conventions,
    State.PROPOSAL: wf.in_proposal,
    State.DECISION: wf.in_decision,
    State.LABELLED: wf.signed,
    State.WITHDRAWN: lambda: _withdrawn(),
}


def _incomplete():
    app = wf.submitted()
    services.request_completion(
        user=InstructeurFactory(departement_id="63"), application_id=app.pk, message="Le bail."
    )
    return app


def _withdrawn():
    app = wf.submitted()
    services.withdraw(user=wf.porteur_of(app), application_id=app.pk, reason="Abandon.")
    return app


def _calls(colleague):
    """How each transition is fired by its service, with acceptable arguments."""
    today = datetime.date.today()
    return {
        "edit_draft": lambda u, a: services.save_draft_step(
            user=u, application_id=a.pk, step="locaux", data={"confidential_office": True}
        ),
        "submit": lambda u, a: services.submit_application(
            user=u, application_id=a.pk, justification="Travaux."
        ),
        "complete": lambda u, a: services.declare_complete(user=u, application_id=a.pk),
        "request_more": lambda u, a: services.request_completion(
            user=u, application_id=a.pk, message="Le bail."
        ),
        "review": lambda u, a: services.review_criteria(user=u, application_id=a.pk, reviews=[]),
        "finish_review": lambda u, a: services.finish_review(user=u, application_id=a.pk),
        "request_opinion": lambda u, a: services.request_opinion(
            user=u,
            application_id=a.pk,
            kind="sous_prefet",
            addressee="Sous-préfet",
            addressee_email="sp@example.fr",
            question="?",
        ),
        "record_opinion": lambda u, a: services.record_opinion(
            user=u,
            application_id=a.pk,
            opinion_id=a.opinions.get().pk,
            favourable=True,
            answer="Oui.",
        ),
        "close_opinions": lambda u, a: services.close_opinions(user=u, application_id=a.pk),
        "correct": lambda u, a: services.correct_declaration(
            user=u, application_id=a.pk, path="premises.digital_space", value=True, reason="x"
        ),
        "upload_convention": lambda u, a: services.upload_convention(
            user=u,
            application_id=a.pk,
            operator_code="caf",
            signed_on=today,
            uploaded_file=wf.pdf(),
        ),
        "set_convention_status": lambda u, a: services.set_convention_status(
            user=u, application_id=a.pk, operator_code="caf", status="national"
        ),
        "finish_conventions": lambda u, a: services.finish_conventions(user=u, application_id=a.pk),
        "propose": lambda u, a: services.propose(
            user=u,
            application_id=a.pk,
            outcome="label",
            reasons="x",
            effective_on=today + datetime.timedelta(days=30),
        ),
        "sign": lambda u, a: services.sign_decision(user=u, application_id=a.pk),
        "return_proposal": lambda u, a: services.return_proposal(
            user=u, application_id=a.pk, reason="x"
        ),
        "reopen": lambda u, a: services.reopen(user=u, application_id=a.pk, reason="x"),
        "withdraw": lambda u, a: services.withdraw(user=u, application_id=a.pk, reason="x"),
        "close": lambda u, a: services.close_abandoned(user=u, application_id=a.pk, reason="x"),
        "take": lambda u, a: services.assign(user=u, application_id=a.pk),
        "assign": lambda u, a: services.assign(
            user=u, application_id=a.pk, assignee_id=colleague.pk
        ),
        "post_message": lambda u, a: services.post_message(user=u, application_id=a.pk, body="x"),
        "add_note": lambda u, a: services.add_private_note(user=u, application_id=a.pk, body="x"),
    }


# Fired by Estampille itself (beat task) or by another transition, never by a person.
AUTOMATIC = {"remind_opinion", "enter_conventions"}


class _Rollback(Exception):
    pass


def _outcome(call) -> str:
    """Fire in a savepoint that is then rolled back, and say how it went."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except (_Rollback, services.InvalidInput, services.NotFound):
        # It went through the table's checks (the input or what the file lacks may refuse it).
        return "fait"
    except services.AccessDenied:
        return "refusé"
    except services.TransitionNotAllowed:
        return "pas maintenant"


def _users(app):
    return {
        "porteur": wf.porteur_of(app),
        "autre porteur": PorteurUserFactory(),
        "instructeur 63": InstructeurFactory(departement_id="63"),
        "instructeur 05": InstructeurFactory(departement_id="05"),
        "signataire 63": SignataireFactory(departement_id="63"),
        "opérateur consulté": OperateurUserFactory(operator=Operator.objects.get(pk="caf")),
        "autre opérateur": OperateurUserFactory(operator=Operator.objects.get(pk="msa")),
        "national": UserFactory(),
    }


@pytest.mark.parametrize("state", list(BUILDERS), ids=[s.value for s in BUILDERS])
def test_every_page_answers_as_the_table_says(client, state):
    """A page of a file: 404 outside the user's scope (as a missing file), 403 with the
    table's refusal in scope, back to the file when not possible now, else the page."""
    app = BUILDERS[state]()
    app.refresh_from_db()
    wrong = []
    for role, user in _users(app).items():
        client.force_login(user)
        lifecycle = ApplicationLifecycle(app)
        detail = client.get(reverse("workflows:application_detail", args=[app.pk]))
        if detail.status_code != (200 if may_view(user, app) else 404):
            wrong.append(f"{role}: page du dossier {detail.status_code}")
        for name in ApplicationLifecycle.names():
            transition = ApplicationLifecycle.transitions_named(name)[0]
            meta = step_of(transition)
            if not meta.view or meta.post:
                continue
            url = reverse(meta.view, args=[app.pk, *meta.url_args])
            if not may_view(user, app):
                expected = 404
            elif lifecycle.refusal(name, user) is not None:
                expected = 403
            elif lifecycle.unmet(name) is not None:
                expected = 302
            else:
                expected = 200
            response = client.get(url)
            got = response.status_code
            if got == 302 and expected == 200:
                # A page that forwards within the file (« Reprendre le brouillon » opens the
                # first step not filled in) answers as the page it opens.
                target = response["Location"]
                if target.startswith(f"/candidatures/{app.pk}/"):
                    got = client.get(target).status_code
            if got != expected:
                wrong.append(f"{state.value} × {role} × {name}: {got}, la table dit {expected}")
    assert wrong == []


@pytest.mark.parametrize("state", list(BUILDERS), ids=[s.value for s in BUILDERS])
def test_every_stage_role_and_transition_as_the_table_says(state):
    app = BUILDERS[state]()
    app.refresh_from_db()
    assert app.state == state
    if app.place_id:
        Opinion.objects.create(
            application=app,
            kind="operateur",
            operator=Operator.objects.get(pk="caf"),
            addressee="CAF",
            addressee_email="caf@example.fr",
            question="?",
            due_on=datetime.date.today() + datetime.timedelta(days=10),
            requested_by=InstructeurFactory(departement_id="63"),
        )
    users = _users(app)
    calls = _calls(colleague=InstructeurFactory(departement_id="63"))
    assert set(calls) | AUTOMATIC == set(ApplicationLifecycle.names())
    wrong, seen = [], set()
    for role, user in users.items():
        for name, call in calls.items():
            fresh = Application.objects.get(pk=app.pk)
            lifecycle = ApplicationLifecycle(fresh)
            if lifecycle.refusal(name, user) is not None:
                expected = "refusé"
            elif lifecycle.unmet(name) is not None:
                expected = "pas maintenant"
            else:
                expected = "fait"
            got = _outcome(lambda call=call, user=user, fresh=fresh: call(user, fresh))
            seen.add(got)
            if got != expected:
                wrong.append(f"{state.value} × {role} × {name}: {got}, la table dit {expected}")
            # Acting needs seeing: nobody acts on a file they do not see (but the operator
            # consulted, on its opinion).
            if expected == "fait" and name != "record_opinion":
                assert may_view(user, fresh), (role, name)
        # Reminders are Estampille's own: no person fires them.
        assert ApplicationLifecycle(app).refusal("remind_opinion", user) is not None
    assert wrong == []
    assert seen == {"fait", "refusé", "pas maintenant"}
