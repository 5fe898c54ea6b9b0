"""The application's lifecycle drawn from its transition table: DOT (viewflow's `fsm.chart`)
and BPMN 2.0 (with its diagram, so that a BPMN editor opens it laid out).

BPMN: a start event (the draft is created), one user task per open stage, one end event per
final state, one sequence flow per state-changing transition (named by its label). A stage that
runs things side by side (`Stage.parallel`, the instruction) opens a parallel gateway to one
task per fact-recording transition, joined by a parallel gateway whose outgoing flow is the
stage's `join` transition."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass

from viewflow import fsm

from workflows.fsm import Lifecycle
from workflows.lifecycle import STAGE_BY_STATE, STAGES, ApplicationLifecycle, State

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"

SIZES = {
    "startEvent": (36, 36),
    "endEvent": (36, 36),
    "userTask": (120, 80),
    "parallelGateway": (50, 50),
}
COLUMN, ROW = 190, 130


def dot(lifecycle: type[Lifecycle] = ApplicationLifecycle) -> str:
    """The state graph in DOT (Graphviz), by viewflow's own chart."""
    return fsm.chart(lifecycle.state)


@dataclass
class _Node:
    id: str
    kind: str
    name: str
    column: int = 0
    row: int = 0


def _targets(transition) -> list:
    if not Lifecycle.changes_state(transition):
        return []
    return transition.declared_targets()


def bpmn(lifecycle: type[Lifecycle] = ApplicationLifecycle) -> str:
    """BPMN 2.0 XML of the table's states and state-changing transitions."""
    nodes: dict[str, _Node] = {}
    flows: list[tuple[str, str, str, str]] = []  # id, source, target, name

    def node(node_id: str, kind: str, name: str) -> str:
        nodes.setdefault(node_id, _Node(node_id, kind, name))
        return node_id

    def state_node(state) -> str:
        stage = STAGE_BY_STATE[State(state)]
        kind = "endEvent" if stage.final else "userTask"
        return node(f"state_{State(state).value}", kind, stage.title)

    start = node("start", "startEvent", "Création du brouillon")
    flows.append(("flow_start", start, state_node(State.DRAFT), ""))
    table = lifecycle.table()
    for stage in STAGES:
        if not stage.parallel:
            continue
        split = node(f"split_{stage.state.value}", "parallelGateway", stage.title)
        join = node(f"join_{stage.state.value}", "parallelGateway", f"{stage.title} terminée")
        flows.append((f"flow_{split}", state_node(stage.state), split, ""))
        for name in stage.parallel:
            label = lifecycle.transitions_named(name)[0].label
            task = node(f"task_{name}", "userTask", label)
            flows.append((f"flow_{split}_{name}", split, task, ""))
            flows.append((f"flow_{name}_{join}", task, join, ""))
    for name, transition in table:
        for target in _targets(transition):
            stage = STAGE_BY_STATE[State(transition.source)]
            source = (
                f"join_{stage.state.value}"
                if stage.parallel and name == stage.join
                else state_node(transition.source)
            )
            flow_id = f"flow_{name}_{State(transition.source).value}_{State(target).value}"
            flows.append((flow_id, source, state_node(target), transition.label))

    _layout(nodes, flows, start)
    return _write(nodes, flows)


def _layout(nodes: dict[str, _Node], flows, start: str) -> None:
    """Columns by distance from the start (breadth first), rows in order of discovery."""
    outgoing = defaultdict(list)
    for _, source, target, _name in flows:
        outgoing[source].append(target)
    depth = {start: 0}
    queue = [start]
    while queue:
        current = queue.pop(0)
        for target in outgoing[current]:
            if target not in depth:
                depth[target] = depth[current] + 1
                queue.append(target)
    rows: dict[int, int] = defaultdict(int)
    for node_id, node in nodes.items():
        node.column = depth.get(node_id, max(depth.values()) + 1)
        node.row = rows[node.column]
        rows[node.column] += 1


def _bounds(node: _Node) -> tuple[int, int, int, int]:
    width, height = SIZES[node.kind]
    x = 40 + node.column * COLUMN + (120 - width) // 2
    y = 40 + node.row * ROW + (80 - height) // 2
    return x, y, width, height


def _write(nodes: dict[str, _Node], flows) -> str:
    ET.register_namespace("bpmn", BPMN)
    ET.register_namespace("bpmndi", BPMNDI)
    ET.register_namespace("dc", DC)
    ET.register_namespace("di", DI)
    root = ET.Element(
        f"{{{BPMN}}}definitions",
        {"id": "estampille", "targetNamespace": "https://estampille.beta.gouv.fr/bpmn"},
    )
    process = ET.SubElement(
        root,
        f"{{{BPMN}}}process",
        {
            "id": "candidature",
            "name": "Candidature au label France Services",
            "isExecutable": "false",
        },
    )
    incoming, outgoing = defaultdict(list), defaultdict(list)
    for flow_id, source, target, _name in flows:
        outgoing[source].append(flow_id)
        incoming[target].append(flow_id)
    for node in nodes.values():
        element = ET.SubElement(
            process, f"{{{BPMN}}}{node.kind}", {"id": node.id, "name": node.name}
        )
        for flow_id in incoming[node.id]:
            ET.SubElement(element, f"{{{BPMN}}}incoming").text = flow_id
        for flow_id in outgoing[node.id]:
            ET.SubElement(element, f"{{{BPMN}}}outgoing").text = flow_id
    for flow_id, source, target, name in flows:
        attributes = {"id": flow_id, "sourceRef": source, "targetRef": target}
        if name:
            attributes["name"] = name
        ET.SubElement(process, f"{{{BPMN}}}sequenceFlow", attributes)

    diagram = ET.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", {"id": "diagram"})
    plane = ET.SubElement(
        diagram, f"{{{BPMNDI}}}BPMNPlane", {"id": "plane", "bpmnElement": "candidature"}
    )
    for node in nodes.values():
        shape = ET.SubElement(
            plane, f"{{{BPMNDI}}}BPMNShape", {"id": f"{node.id}_di", "bpmnElement": node.id}
        )
        x, y, width, height = _bounds(node)
        ET.SubElement(
            shape,
            f"{{{DC}}}Bounds",
            {"x": str(x), "y": str(y), "width": str(width), "height": str(height)},
        )
    for flow_id, source, target, _name in flows:
        edge = ET.SubElement(
            plane, f"{{{BPMNDI}}}BPMNEdge", {"id": f"{flow_id}_di", "bpmnElement": flow_id}
        )
        sx, sy, sw, sh = _bounds(nodes[source])
        tx, ty, _tw, th = _bounds(nodes[target])
        ET.SubElement(edge, f"{{{DI}}}waypoint", {"x": str(sx + sw), "y": str(sy + sh // 2)})
        ET.SubElement(edge, f"{{{DI}}}waypoint", {"x": str(tx), "y": str(ty + th // 2)})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
