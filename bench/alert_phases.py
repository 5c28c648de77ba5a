"""The alert phases: the clinician's two reads on the large database (the alert list through
the API and the review queue page) and the end-to-end alert latency at half load. Each takes
the running Stack and returns what the summary needs."""

from __future__ import annotations

from typing import Any

import loadgen
from report import emit, emit_latency
from stack import HOST, BenchFailure, Stack, pool, require_answers, run_in_processes

# The clinician's review queue (telemon.web.clinic.worklist): `/` only redirects there.
QUEUE_PAGE = "/queue"
# What each read must answer to count: the page asked for, holding alerts (not a sign-in form,
# an error page or an empty list). Regular expressions over the body.
READS: dict[str, dict[str, Any]] = {
    "get_alerts": {"path": "/api/v1/alerts", "expect": [r'"items":\s*\[\s*\{']},
    "queue_page": {"path": QUEUE_PAGE, "expect": [r'id="worklist-items"', r'data-alert-id="\d+"']},
}


def reads(stack: Stack) -> dict[str, list[float]]:
    """One client, one request after another: GET /api/v1/alerts (the clinician's token, the
    default page of 200) and the queue page (signed in through the web form)."""
    latencies: dict[str, list[float]] = {}
    for name, read in READS.items():
        spec: dict[str, Any] = dict(read)
        if name == "get_alerts":
            spec["token"] = stack.clinician_token
        else:
            spec.update(web_user=stack.seeded.clinician, password=stack.seeded.password)
        spec.update(
            host=HOST,
            port=stack.port,
            requests=stack.scale.reads,
            duration=stack.bounded(stack.scale.read_seconds),
            warmup=5,
        )
        (result,) = run_in_processes(loadgen.read_latency, [spec])
        require_answers(f"{name}: GET {spec['path']}", result, 200)
        if result["unexpected"]:
            raise BenchFailure(
                f"{name}: {result['unexpected']} answer(s) to GET {spec['path']} were not the "
                f"page asked for (no match for {spec['expect']})"
            )
        emit(f"{name}_requests", len(result["latencies"]))
        emit(f"{name}_response_size", result["bytes"] / 1024, "KiB")
        emit_latency(name, result["latencies"], (50, 95, 99))
        latencies[name] = result["latencies"]
    return latencies


def alert_latency(stack: Stack, batch_rate: float) -> list[float]:
    """At half the measured batch rate (open loop), a probe posts a batch holding SpO2 85 % for
    a probe patient every 0.5 s and polls the patient's open alerts as the clinician: the time
    from sending the post to the alert being visible. Every probe's alert must show."""
    duration = stack.bounded(stack.scale.phase_seconds)
    rate = batch_rate / 2 / 50  # batches per second, half the measured maximum
    emit("e2e_background_load", rate * 50, "obs/s")
    specs = stack.load_specs(50, duration, int(rate * duration) + 10, rate, "half")
    probe = {
        "host": HOST,
        "port": stack.port,
        "token": stack.nurse_tokens[0],
        "clinician_token": stack.clinician_token,
        "probe_patients": stack.seeded.probe_patient_ids,
        "patients": list(stack.seeded.load_patient_ids),
        "size": 50,
        "interval": 0.5,
        "poll_interval": 0.02,
        "start_at": specs[0]["start_at"],
        "duration": duration,
        "timeout": 15.0,
        "seed": stack.run_id,
    }
    with pool(len(specs) + 1) as executor:
        probing = executor.submit(loadgen.probe_alerts, probe)
        loads = [executor.submit(loadgen.post_load, spec) for spec in specs]
        probed = probing.result()
        load_results = [f.result() for f in loads]
    for i, result in enumerate(load_results):
        require_answers(f"e2e background load {i}: POST /api/v1/observations", result, 201)
    if probed["failures"] or probed["misses"] or not probed["latencies"]:
        raise BenchFailure(
            f"e2e: {len(probed['latencies'])} probe alert(s) seen, {probed['misses']} not seen "
            f"within {probe['timeout']:.0f} s, failed answers {probed['failures'] or 'none'}"
        )
    sent = sum(r["statuses"].get(201, 0) for r in load_results)
    elapsed = max(r["elapsed"] for r in load_results)
    emit("e2e_background_achieved", sent * 50 / elapsed, "obs/s")
    emit("e2e_alert_probes", len(probed["latencies"]))
    emit("e2e_alert_misses", probed["misses"])
    emit_latency("e2e_alert_latency", probed["latencies"], (50, 95, 99))
    return list(probed["latencies"])
