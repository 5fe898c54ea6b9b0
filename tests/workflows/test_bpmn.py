"""The flow exports as BPMN (our command and viewflow's own flowexport)."""

import io
import xml.etree.ElementTree as ET

from django.core.management import call_command

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def test_export_bpmn_lists_every_stage(tmp_path):
    target = tmp_path / "candidature.bpmn"
    call_command("export_bpmn", "--output", str(target))
    root = ET.parse(target).getroot()
    process = root.find(f"{BPMN}process")
    names = {el.get("name") for el in process}
    for stage in (
        "Brouillon et dépôt",
        "Complétude",
        "Instruction des critères",
        "Conventions",
        "Proposition",
        "Décision",
    ):
        assert stage in names
    assert process.findall(f"{BPMN}parallelGateway")  # the opinions run in parallel


def test_viewflow_flowexport_works_too():
    out = io.StringIO()
    call_command("flowexport", "workflows/flows.ApplicationFlow", "--format", "bpmn", stdout=out)


def test_svg_export():
    out = io.StringIO()
    call_command("export_bpmn", "--format", "svg", stdout=out)
    assert "<svg" in out.getvalue()
