"""The questionnaire phase (issue 22): POST /api/v1/questionnaire-responses, a response with 2
measurements (SpO2 with pulse, weight) and 6 answers, closed loop for the phase's length
(responses/s), then the alert latency: a red answer for a probe patient every 0.5 s, polled as
the clinician until the questionnaire alert shows. The bench questionnaire is published into
the database the way the API stores it (its FHIR form, telemon.questionnaires.opentele)."""

from __future__ import annotations

import json
from typing import Any

import loadgen
from report import emit, emit_latency
from stack import HOST, BenchFailure, Stack, require_answers, run_in_processes

from telemon.questionnaires import opentele

QUESTIONS = ("breath", "cough", "phlegm", "fever", "sleep", "antibiotics")


def bench_tree() -> dict[str, Any]:
    """Start → SpO2 and pulse → weight → six yes/no questions (yes to the first: red) → end."""
    ids = ["sat", "weight", *QUESTIONS]
    nodes: list[dict[str, Any]] = [
        {"id": "start", "type": "StartNode"},
        {"id": "sat", "type": "MeasurementNode", "measurementType": "SATURATION", "text": "SpO2"},
        {"id": "weight", "type": "MeasurementNode", "measurementType": "WEIGHT", "text": "Vægt"},
        *({"id": q, "type": "BooleanNode", "text": f"{q}?"} for q in QUESTIONS),
        {"id": "end", "type": "EndNode"},
    ]
    connections: list[dict[str, Any]] = [{"source": "start", "target": "sat"}]
    for here, there in zip(ids, [*ids[1:], "end"], strict=True):
        if here in QUESTIONS:
            red = "RED" if here == "breath" else "YELLOW"
            connections.append(
                {"source": here, "target": there, "choiceValue": "true", "severity": red}
            )
            connections.append({"source": here, "target": there, "choiceValue": "false"})
        else:
            connections.append({"source": here, "target": there})
    return {"title": "telemon bench", "version": "1", "nodes": nodes, "connections": connections}


def publish(stack: Stack) -> int:
    resource = opentele.to_fhir(bench_tree())
    stack.db.conn.execute(
        "INSERT INTO questionnaire (url, version, name, title, programme, status, resource, "
        "source, published_at) VALUES (%s, %s, %s, %s, 'copd', 'active', %s, 'opentele', now()) "
        "ON CONFLICT (url, version) DO NOTHING",
        (
            resource["url"],
            resource["version"],
            resource["name"],
            resource["title"],
            json.dumps(resource),
        ),
    )
    return int(
        stack.db.one(
            "SELECT id FROM questionnaire WHERE url = %s AND version = %s",
            (resource["url"], resource["version"]),
        )
    )


def questionnaire(stack: Stack) -> dict[str, Any]:
    questionnaire_id = publish(stack)
    duration = stack.bounded(stack.scale.phase_seconds)
    specs = stack.load_specs(1, duration, int(duration * 300), None, "questionnaire")
    for spec in specs:
        spec["questionnaire_id"] = questionnaire_id
    results = run_in_processes(loadgen.post_load, specs)
    sent = sum(r["statuses"].get(201, 0) for r in results)
    for i, result in enumerate(results):
        require_answers(
            f"questionnaire load {i}: POST /api/v1/questionnaire-responses", result, 201
        )
    elapsed = max(r["elapsed"] for r in results)
    rate = sent / elapsed
    emit("questionnaire_responses_per_s", rate, "responses/s")
    emit_latency("questionnaire_http", [x for r in results for x in r["latencies"]])
    probe = {
        "host": HOST,
        "port": stack.port,
        "token": stack.nurse_tokens[0],
        "clinician_token": stack.clinician_token,
        "probe_patients": list(reversed(stack.seeded.probe_patient_ids)),
        "questionnaire_id": questionnaire_id,
        "interval": 0.5,
        "poll_interval": 0.02,
        "duration": stack.bounded(min(stack.scale.phase_seconds, 20)),
        "timeout": 15.0,
        "seed": stack.run_id,
    }
    (probed,) = run_in_processes(loadgen.probe_questionnaire_alerts, [probe])
    if probed["failures"] or probed["misses"] or not probed["latencies"]:
        failed = probed["failures"] or "none"
        raise BenchFailure(
            f"questionnaire: {len(probed['latencies'])} probe alert(s) seen, {probed['misses']} "
            f"not seen within {probe['timeout']:.0f} s, failed answers {failed}"
        )
    emit("questionnaire_alert_probes", len(probed["latencies"]))
    emit_latency("questionnaire_alert_latency", probed["latencies"], (50, 95, 99))
    return {"rate": rate, "latencies": probed["latencies"]}
