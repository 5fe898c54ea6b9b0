"""At every stage, the wrong people are refused by the services and get 404 on the pages."""

import pytest
from django.urls import reverse

from tests.factories import InstructeurFactory, PorteurUserFactory, SignataireFactory
from tests.workflows import factories as wf
from workflows import services

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
