"""The transition table owns the state of an application: nothing else writes it, a refused
transition changes nothing, and the table is consistent with itself and with the pages."""

import ast
import datetime
from pathlib import Path

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.factories import InstructeurFactory, PorteurUserFactory, SignataireFactory
from tests.workflows import factories as wf
from workflows import services
from workflows.fsm import Lifecycle, step_of
from workflows.lifecycle import STAGES, ApplicationLifecycle
from workflows.models import Action, Application, Outcome, State

ROOT = Path(__file__).resolve().parents[2]
WRITERS = {"create", "update", "get_or_create", "update_or_create", "bulk_create"}


def _state_writes(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "state":
                found.append(f"{path.relative_to(root)}:{node.lineno} assigns .state")
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            keywords = {k.arg for k in node.keywords}
            if "state" in keywords and (name in WRITERS or name == "Application"):
                found.append(f"{path.relative_to(root)}:{node.lineno} {name}(state=…)")
            if (
                name == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value == "state"
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno} setattr(…, 'state')")
    return found


def test_nothing_but_the_table_writes_a_state():
    """Outside the tests and the migrations, no code assigns `.state`, creates or updates a
    row with `state=`, or setattr()s it: the table's setter (`workflows.fsm.bind_state`, which
    writes the field named to it) is the only writer."""
    found = []
    for package in ("config", "labelling", "workflows", "documents"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found += _state_writes(path)
    assert found == []


def test_the_ast_check_does_catch_writes(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "app.state = 'labellise'\n"
        "Application.objects.filter(pk=1).update(state='clos')\n"
        "Application.objects.create(state='refuse')\n"
        "setattr(app, 'state', 'x')\n"
        "Application.objects.filter(state='clos')\n",  # reading is fine
        encoding="utf-8",
    )
    assert len(_state_writes(sample, root=tmp_path)) == 4


# --- a refused transition changes nothing ------------------------------------------------------


def _snapshot(app: Application) -> dict:
    app = Application.objects.get(pk=app.pk)
    return {
        "row": model_to_dict(app),
        "journal": list(app.journal.values_list("pk", flat=True)),
        "documents": list(app.documents.values_list("pk", flat=True)),
        "opinions": list(app.opinions.values_list("pk", "answered_at")),
        "reviews": list(app.reviews.values_list("pk", "verdict")),
        "trackings": list(app.convention_trackings.values_list("pk", "status")),
        "messages": list(app.messages.values_list("pk", flat=True)),
        "place": model_to_dict(app.place) if app.place_id else None,
    }


@pytest.mark.django_db
def test_refused_transitions_change_nothing_in_the_database(django_capture_on_commit_callbacks):
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_proposal(instructor=instructor)
    before = _snapshot(app)
    refused = [
        # Another's file.
        lambda: services.propose(
            user=InstructeurFactory(departement_id="05"),
            application_id=app.pk,
            outcome=Outcome.LABEL,
            reasons="x",
            effective_on=datetime.date(2030, 1, 1),
        ),
        # The right person, the wrong stage.
        lambda: services.declare_complete(user=instructor, application_id=app.pk),
        lambda: services.sign_decision(
            user=SignataireFactory(departement_id="63"), application_id=app.pk
        ),
        # The right person and stage, an input refused half-way (after fields were set).
        lambda: services.propose(
            user=instructor, application_id=app.pk, outcome=Outcome.REFUSE, reasons="Non."
        ),
        lambda: services.withdraw(user=wf.porteur_of(app), application_id=app.pk, reason=" "),
        lambda: services.post_message(user=PorteurUserFactory(), application_id=app.pk, body="x"),
    ]
    for attempt in refused:
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(services.WorkflowError),
        ):
            attempt()
        assert callbacks == []  # no e-mail, no document asked for
        assert _snapshot(app) == before


@pytest.mark.django_db
def test_a_failure_after_the_state_changed_rolls_everything_back(monkeypatch):
    """The document request fails after the state was set: the transition leaves nothing."""
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_proposal(instructor=instructor)
    before = _snapshot(app)
    from workflows.services import common

    def broken(*args, **kwargs):
        raise RuntimeError("documents indisponibles")

    monkeypatch.setattr(common.documents, "request_document", broken)
    with pytest.raises(RuntimeError):
        services.propose(
            user=instructor,
            application_id=app.pk,
            outcome=Outcome.LABEL,
            reasons="Conforme.",
            effective_on=datetime.date(2030, 1, 1),
        )
    assert _snapshot(app) == before


# --- the table is consistent ------------------------------------------------------------------


def test_every_transition_of_a_name_has_one_permission_and_every_page_exists():
    for name in ApplicationLifecycle.names():
        transitions = ApplicationLifecycle.transitions_named(name)
        assert len({repr(t.permission) for t in transitions}) == 1, name
        for transition in transitions:
            meta = step_of(transition)
            if meta.view:
                reverse(meta.view, args=["00000000-0000-0000-0000-000000000000", *meta.url_args])
            if meta.action:
                assert meta.action in Action.values, name
            assert transition.label and transition.label[0].isupper(), name


def test_every_stage_is_in_the_table_and_every_state_is_reached():
    states_in_table = set()
    for _name, transition in ApplicationLifecycle.table():
        states_in_table.add(State(transition.source))
        if Lifecycle.changes_state(transition):
            states_in_table |= {State(t) for t in transition.declared_targets()}
    assert states_in_table == set(State)
    assert {stage.state for stage in STAGES} == set(State)
    for stage in STAGES:
        for name in (*stage.parallel, *([stage.join] if stage.join else [])):
            assert stage.state in ApplicationLifecycle.sources(name)
