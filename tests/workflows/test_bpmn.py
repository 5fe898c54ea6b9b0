"""The lifecycle exports, drawn from the transition table: BPMN 2.0 (with its diagram) and
DOT. Every stage and every state-changing transition of the table is in them, so they cannot
drift from what the services do."""

import io
import xml.etree.ElementTree as ET

from django.core.management import call_command

from workflows.fsm import Lifecycle
from workflows.lifecycle import STAGES, ApplicationLifecycle

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"


def test_export_bpmn_lists_every_stage_and_transition(tmp_path):
    target = tmp_path / "docs" / "candidature.bpmn"  # the folder does not exist yet
    call_command("export_bpmn", "--output", str(target), stdout=io.StringIO())
    root = ET.parse(target).getroot()
    process = root.find(f"{BPMN}process")
    names = {el.get("name") for el in process}
    for stage in STAGES:
        assert stage.title in names, stage.title
    for stage in (
        "Brouillon et dépôt",
        "Complétude",
        "Terminer l'instruction des critères",
        "Conventions",
        "Proposition",
        "Décision",
    ):
        assert stage in names
    assert process.findall(f"{BPMN}parallelGateway")  # the opinions run in parallel
    flows = {el.get("name") for el in process.findall(f"{BPMN}sequenceFlow")}
    for _name, transition in ApplicationLifecycle.table():
        if Lifecycle.changes_state(transition):
            assert transition.label in flows, transition.label
    # Every element has its shape or edge in the diagram.
    drawn = {el.get("bpmnElement") for el in root.iter() if el.get("bpmnElement")}
    assert {el.get("id") for el in process} <= drawn


def test_dot_export_is_viewflow_chart():
    out = io.StringIO()
    call_command("export_bpmn", "--format", "dot", stdout=out)
    text = out.getvalue()
    assert text.startswith("digraph")
    assert '"decision" -> "labellise" [label="Signer la décision"];' in text
    assert '"instruction" -> "conventions" [label="Passer aux conventions"];' in text
