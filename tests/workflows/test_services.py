"""Transitions through the services: states, facts, journal, deadlines, documents."""

import datetime

import pytest

from labelling.declarations import export_declaration
from labelling.models import Convention, ConventionStatus, Place
from labelling.models.network import LabelStatus
from tests.factories import InstructeurFactory, PorteurUserFactory, SignataireFactory
from tests.workflows import factories as wf
from workflows import selectors, services
from workflows.deadlines import today
from workflows.lifecycle import ApplicationLifecycle
from workflows.models import (
    Action,
    ConventionTracking,
    Outcome,
    State,
    TrackingStatus,
)

pytestmark = pytest.mark.django_db


def may(app, name, user) -> bool:
    """What the table lets this user do on the file as it is now."""
    app.refresh_from_db()
    return ApplicationLifecycle(app).allows(name, user)


def open_branches(app) -> list[str]:
    """The branches of the instruction whose fact is not recorded yet."""
    app.refresh_from_db()
    return sorted(
        name
        for name, fact in (("opinions", app.opinions_closed_at), ("review", app.review_finished_at))
        if fact is None
    )


def test_start_creates_a_draft_its_porteur_submits():
    user = PorteurUserFactory()
    app = services.start_application(user=user)
    assert app.state == State.DRAFT
    assert app.place is None
    assert may(app, "submit", user) and may(app, "edit_draft", user)
    assert not may(app, "complete", InstructeurFactory(departement_id="63"))
    assert list(app.journal.values_list("action", flat=True)) == [Action.CREATE]


def test_place_step_creates_the_place_with_permissions():
    app = wf.drafted()
    assert app.place.commune_id == "63003"
    assert app.departement_id == "63"
    assert app.completed_steps == [
        "porteur",
        "lieu",
        "horaires",
        "agents",
        "operateurs",
        "locaux",
        "pieces",
    ]


def test_submission_freezes_a_snapshot_and_requests_an_acknowledgement(
    django_capture_on_commit_callbacks, mailoutbox
):
    app = wf.drafted()
    instructor = InstructeurFactory(departement_id="63")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(user=wf.porteur_of(app), application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    assert app.submitted_snapshot["declaration"]["site"]["name"] == "France Services d'Ambert"
    assert app.submitted_snapshot["conformity"]["conform"] is True
    assert app.conformity_report is not None
    assert app.stage_deadline == today() + datetime.timedelta(days=15)
    assert may(app, "complete", instructor) and may(app, "request_more", instructor)
    assert app.documents.filter(kind="accuse_reception").count() == 1
    # The instructors of the département are told a file arrived.
    assert any(instructor.email in m.to for m in mailoutbox)


def test_non_conform_submission_needs_a_justification():
    app = wf.drafted(conform=False)
    with pytest.raises(services.InvalidInput) as exc:
        services.submit_application(user=wf.porteur_of(app), application_id=app.pk)
    assert "justification" in exc.value.field_errors
    services.submit_application(
        user=wf.porteur_of(app), application_id=app.pk, justification="Bureau en travaux."
    )
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    assert app.conform is False
    assert app.submitted_snapshot["justification"] == "Bureau en travaux."


def test_request_for_more_stops_the_clock_and_resubmission_resumes_it():
    app = wf.submitted()
    instructor = InstructeurFactory(departement_id="63")
    app.stage_deadline = today() + datetime.timedelta(days=9)
    app.save()
    services.request_completion(
        user=instructor, application_id=app.pk, message="Joignez le plan des locaux."
    )
    app.refresh_from_db()
    assert app.state == State.INCOMPLETE
    assert app.paused_remaining_days == 9
    assert app.stage_deadline is None
    assert may(app, "submit", wf.porteur_of(app)) and not may(app, "complete", instructor)
    services.submit_application(user=wf.porteur_of(app), application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    assert app.stage_deadline == today() + datetime.timedelta(days=9)
    assert app.paused_remaining_days is None
    assert may(app, "complete", instructor)
    # Repeatable.
    services.request_completion(user=instructor, application_id=app.pk, message="Encore.")
    services.submit_application(user=wf.porteur_of(app), application_id=app.pk)
    assert app.documents.filter(kind="accuse_reception").count() == 3


def test_instruction_splits_into_review_and_opinions_then_joins():
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    assert open_branches(app) == ["opinions", "review"]
    opinion = services.request_opinion(
        user=instructor,
        application_id=app.pk,
        kind="sous_prefet",
        addressee="Sous-préfet d'Ambert",
        addressee_email="sp@example.fr",
        question="Votre avis ?",
    )
    with pytest.raises(services.InvalidInput):
        services.close_opinions(user=instructor, application_id=app.pk)
    services.record_opinion(
        user=instructor,
        application_id=app.pk,
        opinion_id=opinion.pk,
        favourable=True,
        answer="Favorable.",
    )
    services.close_opinions(user=instructor, application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.INSTRUCTION
    assert open_branches(app) == ["review"]
    assert not may(app, "request_opinion", instructor)  # the consultation is closed
    with pytest.raises(services.InvalidInput):
        services.finish_review(user=instructor, application_id=app.pk)
    wf.review_all(app, instructor)
    services.finish_review(user=instructor, application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.CONVENTIONS
    assert open_branches(app) == []
    assert may(app, "finish_conventions", instructor)
    # One journal entry moves the file, with the action that completed the instruction.
    assert list(
        app.journal.filter(to_state=State.CONVENTIONS).values_list("action", flat=True)
    ) == [Action.FINISH_REVIEW]
    assert ConventionTracking.objects.filter(application=app).count() == 9


def test_overriding_a_criterion_needs_a_justification_which_is_kept():
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    item = {"code": "premises.digital_space", "verdict": "fail", "comment": "Vu sur place"}
    with pytest.raises(services.InvalidInput) as exc:
        services.review_criteria(
            user=instructor, application_id=app.pk, reviews=[{**item, "justification": ""}]
        )
    assert "premises.digital_space-justification" in exc.value.field_errors
    (review,) = services.review_criteria(
        user=instructor,
        application_id=app.pk,
        reviews=[{**item, "justification": "Pas d'imprimante lors de la visite."}],
    )
    assert review.overridden
    assert review.override_justification == "Pas d'imprimante lors de la visite."
    entry = app.journal.get(action=Action.REVIEW)
    assert entry.private and entry.data["justification"].startswith("Pas d'imprimante")


def test_conventions_stage_ends_when_none_is_awaited():
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_conventions(instructor=instructor)
    with pytest.raises(services.InvalidInput):
        services.finish_conventions(user=instructor, application_id=app.pk)
    # The porteur uploads the CAF convention, the instructor validates it.
    services.upload_convention(
        user=wf.porteur_of(app),
        application_id=app.pk,
        operator_code="caf",
        signed_on=today(),
        uploaded_file=wf.pdf(),
    )
    caf = app.convention_trackings.get(operator_id="caf")
    assert caf.status == TrackingStatus.RECEIVED
    services.set_convention_status(
        user=instructor, application_id=app.pk, operator_code="caf", status=TrackingStatus.SIGNED
    )
    for code in wf.NATIONAL[1:]:
        services.set_convention_status(
            user=instructor,
            application_id=app.pk,
            operator_code=code,
            status=TrackingStatus.NATIONAL,
        )
    services.finish_conventions(user=instructor, application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.PROPOSAL
    assert may(app, "propose", instructor)


def test_label_path_ends_with_the_place_labelled():
    app = wf.signed()
    app.refresh_from_db()
    assert app.state == State.LABELLED
    assert app.place.label_status == LabelStatus.LABELLED
    assert app.place.labelled_on == today()
    assert app.place.label_effective_on == datetime.date(2030, 1, 1)
    assert app.documents.filter(kind="arrete_labellisation").count() == 1
    sign = app.journal.get(action=Action.SIGN)
    assert (sign.from_state, sign.to_state) == (State.DECISION, State.LABELLED)
    assert may(app, "reopen", SignataireFactory(departement_id="63"))
    assert ApplicationLifecycle(app).offers(InstructeurFactory(departement_id="63")) == []


def test_labelling_writes_the_instructed_declaration_and_conventions_into_the_place():
    app = wf.signed()
    place = Place.objects.get(pk=app.place_id)
    assert export_declaration(place=place)["opening_hours"] == app.declaration["opening_hours"]
    assert [a.name for a in place.agents.all()] == ["Claire Martin", "Paul Roux"]
    assert sorted(place.presences.values_list("operator_id", flat=True)) == sorted(wf.NATIONAL)
    assert place.confidential_office is True
    conventions = Convention.objects.filter(place=place)
    assert sorted(conventions.values_list("operator_id", flat=True)) == sorted(wf.NATIONAL)
    assert set(conventions.values_list("status", flat=True)) == {ConventionStatus.NATIONAL}


def test_refusal_names_failed_criteria_and_place_stays_candidate():
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_proposal(instructor=instructor)
    with pytest.raises(services.InvalidInput) as exc:
        services.propose(
            user=instructor, application_id=app.pk, outcome=Outcome.REFUSE, reasons="Non."
        )
    assert "failed_criteria" in exc.value.field_errors
    services.propose(
        user=instructor,
        application_id=app.pk,
        outcome=Outcome.REFUSE,
        reasons="Pas de bureau fermé.",
        failed_criteria=["premises.confidential_office"],
    )
    services.sign_decision(user=SignataireFactory(departement_id="63"), application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.REFUSED
    assert app.decision_reasons == "Pas de bureau fermé."
    assert app.place.label_status == LabelStatus.CANDIDATE
    assert app.documents.filter(kind="refus").count() == 1
    assert app.journal.get(action=Action.SIGN).to_state == State.REFUSED


def test_the_proposer_cannot_sign():
    signataire = SignataireFactory(departement_id="63")
    app = wf.in_proposal()
    # A signataire cannot propose (only instructors do) …
    with pytest.raises(services.AccessDenied):
        services.propose(
            user=signataire,
            application_id=app.pk,
            outcome=Outcome.LABEL,
            reasons="Oui",
            effective_on=today(),
        )
    # … and the database refuses a decision signed by the proposer whatever the code does.
    app = wf.in_decision()
    from django.db import IntegrityError, transaction

    app.decided_by = app.proposed_by
    app.decided_on = today()
    with pytest.raises(IntegrityError), transaction.atomic():
        app.save()


def test_withdrawal_ends_the_file():
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    services.withdraw(user=wf.porteur_of(app), application_id=app.pk, reason="Projet abandonné.")
    app.refresh_from_db()
    assert app.state == State.WITHDRAWN
    assert app.closing_reason == "Projet abandonné."
    assert ApplicationLifecycle(app).offers(instructor) == []
    assert ApplicationLifecycle(app).offers(wf.porteur_of(app)) == []
    with pytest.raises(services.TransitionNotAllowed):
        services.withdraw(user=wf.porteur_of(app), application_id=app.pk, reason="Encore")


def test_withdrawal_of_a_draft():
    app = wf.drafted()
    services.withdraw(user=wf.porteur_of(app), application_id=app.pk, reason="Erreur.")
    app.refresh_from_db()
    assert app.state == State.WITHDRAWN


def test_instructor_closes_an_abandoned_file():
    instructor = InstructeurFactory(departement_id="63")
    app = wf.submitted()
    services.request_completion(user=instructor, application_id=app.pk, message="Le plan ?")
    with pytest.raises(services.InvalidInput):
        services.close_abandoned(user=instructor, application_id=app.pk, reason=" ")
    services.close_abandoned(
        user=instructor, application_id=app.pk, reason="Sans réponse depuis six mois."
    )
    app.refresh_from_db()
    assert app.state == State.CLOSED
    assert ApplicationLifecycle(app).offers(instructor) == []


def test_reopening_starts_a_new_revision_and_keeps_signed_documents():
    app = wf.signed()
    signataire = SignataireFactory(departement_id="63")
    services.reopen(user=signataire, application_id=app.pk, reason="Erreur sur les horaires.")
    app.refresh_from_db()
    assert app.state == State.INSTRUCTION
    assert app.revision == 2
    assert app.decided_by is None
    assert app.documents.filter(kind="arrete_labellisation", revision=1).count() == 1
    assert open_branches(app) == ["opinions", "review"]  # a new pass: both to do again
    # The place keeps its label until a new decision.
    assert app.place.label_status == LabelStatus.LABELLED


def test_correction_keeps_both_values_and_reruns_conformity():
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    wf.review_all(app, instructor)
    before_report = app.conformity_report_id
    correction = services.correct_declaration(
        user=instructor,
        application_id=app.pk,
        path="premises.confidential_office",
        value=False,
        reason="Le bureau n'a pas de porte.",
    )
    app.refresh_from_db()
    assert correction.porteur_value is True
    assert correction.corrected_value is False
    assert app.submitted_snapshot["declaration"]["premises"]["confidential_office"] is True
    assert app.instructed_declaration["premises"]["confidential_office"] is False
    assert app.conformity_report_id != before_report
    assert app.conform is False
    review = app.reviews.get(criterion_code="premises.confidential_office")
    assert (review.automatic_status, review.verdict) == ("fail", "fail")


def test_assignment_gives_the_file_to_an_instructor_of_the_prefecture():
    instructor = InstructeurFactory(departement_id="63")
    other = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    services.assign(user=instructor, application_id=app.pk, assignee_id=other.pk)
    app.refresh_from_db()
    assert app.assigned_to == other
    entry = app.journal.get(action=Action.ASSIGN)
    assert entry.private and entry.data == {"assignee": other.pk}
    # « Prendre le dossier » is offered to the others, not to the one who has it.
    assert "take" not in [o.name for o in ApplicationLifecycle(app).offers(other)]
    assert "take" in [o.name for o in ApplicationLifecycle(app).offers(instructor)]
    with pytest.raises(services.InvalidInput):
        services.assign(
            user=instructor,
            application_id=app.pk,
            assignee_id=InstructeurFactory(departement_id="05").pk,
        )


def test_withdrawal_while_one_instruction_branch_waits_for_the_other():
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    services.close_opinions(user=instructor, application_id=app.pk)
    services.withdraw(user=wf.porteur_of(app), application_id=app.pk, reason="Fusion de lieux.")
    app.refresh_from_db()
    assert app.state == State.WITHDRAWN
    with pytest.raises(services.TransitionNotAllowed):
        services.finish_review(user=instructor, application_id=app.pk)


def test_live_check_reports_missing_fields_of_an_unfinished_draft():
    app = services.start_application(user=PorteurUserFactory())
    outcome = selectors.live_check(app)
    assert not outcome.valid
    assert any("site" in error.path for error in outcome.errors)


def test_signataire_sends_the_proposal_back_then_signs_a_new_one():
    instructor = InstructeurFactory(departement_id="63")
    signataire = SignataireFactory(departement_id="63")
    app = wf.in_decision(instructor=instructor)
    with pytest.raises(services.InvalidInput):
        services.return_proposal(user=signataire, application_id=app.pk, reason="")
    services.return_proposal(
        user=signataire, application_id=app.pk, reason="Préciser la date d'effet."
    )
    app.refresh_from_db()
    assert app.state == State.PROPOSAL
    assert app.proposed_by is None
    assert may(app, "propose", instructor)
    services.propose(
        user=instructor,
        application_id=app.pk,
        outcome=Outcome.LABEL,
        reasons="Critères remplis.",
        effective_on=datetime.date(2031, 1, 1),
    )
    services.sign_decision(user=signataire, application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.LABELLED
    assert app.effective_on == datetime.date(2031, 1, 1)
