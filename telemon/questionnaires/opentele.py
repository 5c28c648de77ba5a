"""An OpenTele questionnaire, as its editor exports it, read as a FHIR R4 Questionnaire.

Plain Python. The export is a decision tree: `title`, `version`, `nodes` (a list, or an object
by id) and `connections` (source → target; on a question's connection a `choiceValue` and the
`severity` its author gave that answer; on a measurement's connection `measurementSkipped`
when the patient left it out). telemon keeps:

- every node id as the item's linkId and every text word for word;
- boolean questions (answered yes/no), choice questions (`choices`), number and text inputs;
- measurement nodes as measurement items (MEASUREMENT_TYPES; BLOOD_PRESSURE_PULSE is one item
  answered with systolic, diastolic and pulse; SATURATION with SpO2 and pulse);
- text and delay nodes as display items (a delay keeps its seconds);
- a choice connection's severity as that answer's triage, a measurementSkipped connection's as
  the triage of leaving the measurement out;
- the branching as enableWhen: an item is asked exactly when the patient's path through the
  tree reaches its node (worked out below).

A node type or measurement type telemon cannot represent, a loop, or a branching that FHIR's
enableWhen cannot express raises DefinitionError naming the node; nothing is half-imported.
Nodes the start node does not lead to are left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from telemon.questionnaires import fhir_form
from telemon.questionnaires.branching import validate_definition
from telemon.questionnaires.definition import (
    Definition,
    DefinitionError,
    EnableWhen,
    Item,
    ItemType,
    Option,
)

# OpenTele's measurement types → telemon's measurement items (definition.MEASUREMENTS).
MEASUREMENT_TYPES = {
    "SATURATION": "spo2_pulse",
    "SATURATION_W_OUT_PULSE": "spo2",
    "BLOOD_PRESSURE_PULSE": "blood_pressure",
    "PULSE": "pulse",
    "WEIGHT": "weight",
    "TEMPERATURE": "temperature",
    "LUNG_FUNCTION": "fev1",
    "PEAK_FLOW": "peak_flow",
}
SEVERITIES = {"GREEN": "green", "YELLOW": "yellow", "ORANGE": "yellow", "RED": "red"}
# Node types (lower case, without a "node" suffix) → what telemon makes of them.
_KINDS = {
    "start": "start",
    "end": "end",
    "boolean": "boolean",
    "booleanquestion": "boolean",
    "yesno": "boolean",
    "choice": "choice",
    "radio": "choice",
    "multiplechoice": "choice",
    "input": "input",
    "measurement": "measurement",
    "text": "display",
    "note": "display",
    "information": "display",
    "display": "display",
    "delay": "delay",
}
_INPUT_TYPES: dict[str, ItemType] = {
    "BOOLEAN": "boolean",
    "INTEGER": "integer",
    "FLOAT": "decimal",
    "DECIMAL": "decimal",
    "TEXT": "string",
    "STRING": "string",
}

Literal_ = tuple[str, str, Any]  # (node id, "=" | "exists", answer)
Clause = frozenset[Literal_]
Condition = frozenset[Clause]  # OR of ANDs; {frozenset()} is "always"
ALWAYS: Condition = frozenset({frozenset()})


def to_fhir(export: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenTele export as a FHIR R4 Questionnaire resource; DefinitionError naming the
    node telemon cannot represent."""
    return fhir_form.to_fhir(to_definition(export))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "questionnaire"


def to_definition(export: Mapping[str, Any]) -> Definition:
    """The OpenTele export as a definition, checked (branching.validate_definition)."""
    if not isinstance(export, Mapping):
        raise DefinitionError("questionnaire", "Must be an OpenTele export (an object).")
    title = export.get("title") or export.get("name")
    if not isinstance(title, str) or not title.strip():
        raise DefinitionError("questionnaire", "Needs a title.")
    version = export.get("version")
    if (
        not isinstance(version, str | int | float)
        or isinstance(version, bool)
        or str(version) == ""
    ):
        raise DefinitionError("questionnaire", "Needs a version.")
    nodes = _nodes(export.get("nodes"))
    edges = _connections(export.get("connections"), nodes)
    order = _order(nodes, edges)
    items = _items(nodes, edges, order)
    definition = Definition(
        url=f"urn:telemon:questionnaire:opentele:{_slug(title)}",
        version=str(version),
        name=_slug(title).replace("-", "_"),
        title=title,
        items=tuple(items),
    )
    validate_definition(definition)
    return definition


def _nodes(raw: Any) -> dict[str, dict[str, Any]]:
    if isinstance(raw, Mapping):
        listed = [
            {"id": key, **value} if isinstance(value, dict) else value for key, value in raw.items()
        ]
    elif isinstance(raw, list):
        listed = raw
    else:
        raise DefinitionError("questionnaire", "Needs nodes.")
    nodes: dict[str, dict[str, Any]] = {}
    for n, node in enumerate(listed):
        if not isinstance(node, dict) or not isinstance(node.get("id"), str | int):
            raise DefinitionError(f"node {n}", "Needs an id.")
        node_id = str(node["id"])
        if node_id in nodes:
            raise DefinitionError(node_id, "Two nodes have this id.")
        raw_type = str(node.get("type") or node.get("nodeType") or "")
        kind_key = re.sub(r"[^a-z]", "", raw_type.lower()).removesuffix("node")
        kind = _KINDS.get(kind_key)
        if kind is None:
            raise DefinitionError(
                node_id, f"telemon cannot represent an OpenTele {raw_type!r} node."
            )
        nodes[node_id] = {**node, "id": node_id, "kind": kind}
    if not nodes:
        raise DefinitionError("questionnaire", "Has no nodes.")
    return nodes


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _connections(raw: Any, nodes: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    if not isinstance(raw, list):
        raise DefinitionError("questionnaire", "Needs connections.")
    edges: dict[str, list[dict[str, Any]]] = {node_id: [] for node_id in nodes}
    for n, connection in enumerate(raw):
        if not isinstance(connection, dict):
            raise DefinitionError(f"connection {n}", "Must be an object.")
        source = str(connection.get("source", connection.get("from", "")))
        target = str(connection.get("target", connection.get("to", "")))
        if source not in nodes:
            raise DefinitionError(f"connection {n}", f"Its source {source!r} is no node.")
        if target not in nodes:
            raise DefinitionError(source, f"Connects to {target!r}, which is no node.")
        severity = connection.get("severity")
        if severity not in (None, "") and str(severity).upper() not in SEVERITIES:
            raise DefinitionError(source, f"Unknown severity {severity!r}.")
        choice = connection.get("choiceValue")
        edges[source].append(
            {
                "target": target,
                "choice": None if choice in (None, "") else choice,
                "severity": SEVERITIES[str(severity).upper()]
                if severity not in (None, "")
                else None,
                "skipped": _flag(connection.get("measurementSkipped")),
            }
        )
    return edges


def _order(nodes: Mapping[str, Any], edges: Mapping[str, list[dict[str, Any]]]) -> list[str]:
    """The nodes the start node leads to, in an order each path through the tree follows
    (reverse post-order of a depth-first walk: a branch's nodes stay together)."""
    starts = [node_id for node_id, node in nodes.items() if node["kind"] == "start"]
    if not starts:
        targets = {e["target"] for out in edges.values() for e in out}
        starts = [node_id for node_id in nodes if node_id not in targets]
    if len(starts) != 1:
        raise DefinitionError("questionnaire", "Needs exactly one start node.")
    done: list[str] = []
    state: dict[str, str] = {}

    def visit(node_id: str) -> None:
        state[node_id] = "open"
        for edge in edges[node_id]:
            target = edge["target"]
            if state.get(target) == "open":
                raise DefinitionError(target, "The questionnaire loops back to this node.")
            if target not in state:
                visit(target)
        state[node_id] = "done"
        done.append(node_id)

    visit(starts[0])
    return list(reversed(done))


def _text(node: Mapping[str, Any], default: str | None = None) -> str:
    for key in ("text", "question", "headline"):
        if isinstance(node.get(key), str) and node[key].strip():
            return str(node[key])
    if default is not None:
        return default
    raise DefinitionError(node["id"], "Has no text.")


def _item_type(node: Mapping[str, Any]) -> ItemType | None:
    kind = node["kind"]
    if kind in ("start", "end"):
        return None
    if kind == "input":
        input_type = str(node.get("inputType") or "").upper()
        if input_type not in _INPUT_TYPES:
            raise DefinitionError(
                node["id"], f"telemon cannot ask an input of type {input_type!r}."
            )
        return _INPUT_TYPES[input_type]
    if kind == "delay":
        return "display"
    kinds: dict[str, ItemType] = {
        "boolean": "boolean",
        "choice": "choice",
        "measurement": "measurement",
        "display": "display",
    }
    return kinds[kind]


def _options(node: Mapping[str, Any]) -> tuple[Option, ...]:
    raw = node.get("choices") or node.get("options") or []
    options = []
    for choice in raw if isinstance(raw, list) else []:
        if isinstance(choice, dict):
            code = choice.get("value", choice.get("code"))
            options.append(
                Option(str(code), str(choice.get("text") or choice.get("label") or code))
            )
        else:
            options.append(Option(str(choice), str(choice)))
    if not options:
        raise DefinitionError(node["id"], "A choice node needs choices.")
    return tuple(options)


def _answer(node_id: str, item_type: ItemType, choice: Any, options: tuple[Option, ...]) -> Any:
    if item_type == "boolean":
        if str(choice).lower() not in ("true", "false"):
            raise DefinitionError(node_id, f"A yes/no question's connection has choice {choice!r}.")
        return str(choice).lower() == "true"
    if item_type == "choice":
        if str(choice) not in {o.code for o in options}:
            raise DefinitionError(
                node_id, f"A connection has choice {choice!r}, which is no choice."
            )
        return str(choice)
    raise DefinitionError(node_id, "telemon cannot branch on this node's value.")


def _items(
    nodes: Mapping[str, dict[str, Any]],
    edges: Mapping[str, list[dict[str, Any]]],
    order: list[str],
) -> list[Item]:
    types = {node_id: _item_type(nodes[node_id]) for node_id in order}
    options = {node_id: _options(nodes[node_id]) for node_id in order if types[node_id] == "choice"}
    skippable = {node_id for node_id in order if any(e["skipped"] for e in edges[node_id])}
    domains: dict[str, list[Any]] = {
        node_id: [True, False]
        if types[node_id] == "boolean"
        else [o.code for o in options[node_id]]
        for node_id in order
        if types[node_id] in ("boolean", "choice")
    }
    conditions: dict[str, Condition] = {}
    incoming: dict[str, list[Condition]] = {node_id: [] for node_id in order}
    triage: dict[str, dict[str, str]] = {node_id: {} for node_id in order}
    skipped_triage: dict[str, str] = {}
    position = {node_id: n for n, node_id in enumerate(order)}
    for node_id in order:
        kind = nodes[node_id]["kind"]
        if kind == "start":
            condition = ALWAYS
        else:
            condition = _simplify(frozenset().union(*incoming[node_id]), conditions, domains)
        conditions[node_id] = condition
        for edge in edges[node_id]:
            if edge["skipped"]:
                if types[node_id] != "measurement":
                    raise DefinitionError(node_id, "Only a measurement can be skipped.")
                leads = frozenset(c | {(node_id, "exists", False)} for c in condition)
                if edge["severity"]:
                    skipped_triage[node_id] = _worse(skipped_triage.get(node_id), edge["severity"])
            elif edge["choice"] is not None:
                answer = _answer(
                    node_id, types[node_id] or "display", edge["choice"], options.get(node_id, ())
                )
                leads = frozenset({frozenset({(node_id, "=", answer)})})
                if edge["severity"]:
                    code = "true" if answer is True else "false" if answer is False else str(answer)
                    triage[node_id][code] = _worse(triage[node_id].get(code), edge["severity"])
            elif node_id in skippable:
                leads = frozenset({frozenset({(node_id, "exists", True)})})
            else:
                leads = condition  # answered whenever asked, or nothing to answer
            incoming[edge["target"]].append(leads)
    items = []
    for node_id in order:
        item_type = types[node_id]
        if item_type is None:
            continue
        node = nodes[node_id]
        measurement, kind = None, ""
        if item_type == "measurement":
            kind = str(node.get("measurementType") or node.get("meterType") or "").upper()
            if kind not in MEASUREMENT_TYPES:
                raise DefinitionError(node_id, f"telemon cannot record the measurement {kind!r}.")
            measurement = MEASUREMENT_TYPES[kind]
        enable_when, behavior = _enable_when(node_id, conditions[node_id], position)
        wait = node.get("seconds", node.get("countTime")) if node["kind"] == "delay" else None
        items.append(
            Item(
                link_id=node_id,
                type=item_type,
                text=_text(node, default=kind if item_type == "measurement" else None),
                required=item_type != "display" and node_id not in skippable,
                options=options.get(node_id, ()),
                measurement=measurement,
                enable_when=enable_when,
                enable_behavior=behavior,
                triage=triage[node_id],
                skipped_triage=skipped_triage.get(node_id),
                wait_seconds=int(wait)
                if isinstance(wait, int | float) and not isinstance(wait, bool)
                else None,
            )
        )
    return items


def _worse(a: str | None, b: str) -> str:
    rank = {"green": 0, "yellow": 1, "red": 2}
    return b if a is None or rank[b] > rank[a] else a


def _simplify(
    condition: Condition, known: Mapping[str, Condition], domains: Mapping[str, list[Any]]
) -> Condition:
    """The same condition, shorter: a clause implied by a shorter one goes; clauses that
    together cover every answer of a question (yes and no; measured and skipped) become "that
    question was asked" (its own condition)."""
    current = set(condition)
    changed = True
    while changed:
        changed = False
        if frozenset() in current:
            return ALWAYS
        for clause in list(current):
            if any(other < clause for other in current):
                current.discard(clause)
                changed = True
        for clause in list(current):
            for literal in clause:
                question, operator, _ = literal
                rest = clause - {literal}
                if operator == "=" and question in domains:
                    siblings = {rest | {(question, "=", v)} for v in domains[question]}
                elif operator == "exists" and literal[2] is True:
                    # measured, or asked and skipped (the skip's clauses carry the asking)
                    siblings = {clause} | {
                        rest | c | {(question, "exists", False)} for c in known[question]
                    }
                else:
                    continue
                if siblings <= current:
                    current -= siblings
                    current |= {rest | c for c in known[question]}
                    changed = True
                    break
            if changed:
                break
    return frozenset(current)


def _enable_when(
    node_id: str, condition: Condition, position: Mapping[str, int]
) -> tuple[tuple[EnableWhen, ...], Any]:
    if condition == ALWAYS:
        return (), "all"

    def conditions(literals: Any) -> tuple[EnableWhen, ...]:
        ordered = sorted(literals, key=lambda lit: (position[lit[0]], lit[1], str(lit[2])))
        return tuple(EnableWhen(q, op, answer) for q, op, answer in ordered)

    if len(condition) == 1:
        return conditions(next(iter(condition))), "all"
    if all(len(clause) == 1 for clause in condition):
        return conditions(lit for clause in condition for lit in clause), "any"
    raise DefinitionError(
        node_id, "The paths leading to this node cannot be written as FHIR enableWhen."
    )
