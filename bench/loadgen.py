"""The load side of the benchmark: functions run in separate processes (bench/run.py starts
them through a process pool), each driving a few threads with one keep-alive HTTP connection
apiece (http.client, no dependencies). Request bodies are generated before the start time, so
the timed loop only sends bytes and reads answers. Every loop is bounded by a request count
and a deadline.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import random
import re
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

# Readings in the normal range (nothing crosses a default threshold or a baseline rule):
# code -> (centre, spread, decimals). Matches bench/seed.py's history.
NORMAL = {
    "spo2": (96.0, 2.0, 0),
    "pulse": (75.0, 10.0, 0),
    "weight": (75.0, 1.0, 1),
    "systolic_bp": (130.0, 10.0, 0),
    "temperature": (36.7, 0.4, 1),
}
BATCH_CODES = tuple(NORMAL)  # one reading of each per patient in a batch
SINGLE_CODES = ("spo2", "pulse")
CPH = timezone(timedelta(hours=1))


class Http:
    """One keep-alive connection; reconnects once when the server closed it."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, response

    def close(self) -> None:
        self.conn.close()


def get_token(host: str, port: int, username: str, password: str) -> str:
    client = Http(host, port)
    status, data, _ = client.request(
        "POST",
        "/api/v1/auth/token",
        json.dumps({"username": username, "password": password}).encode(),
        {"Content-Type": "application/json"},
    )
    client.close()
    if status != 200:
        raise RuntimeError(f"token for {username}: HTTP {status} {data[:200]!r}")
    return str(json.loads(data)["access_token"])


def web_sign_in(client: Http, username: str, password: str) -> None:
    """Sign in to the web UI like a browser: the form's CSRF token, then the session cookie."""
    status, page, _ = client.request("GET", "/sign-in")
    match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    if status != 200 or match is None:
        raise RuntimeError(f"sign-in page: HTTP {status}")
    form = urllib.parse.urlencode(
        {"csrf_token": match.group(1).decode(), "username": username, "password": password}
    ).encode()
    status, _, _ = client.request(
        "POST", "/sign-in", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    if status != 302:
        raise RuntimeError(f"web sign-in failed: HTTP {status}")


# --- request bodies -------------------------------------------------------------------------


def _value(rng: random.Random, code: str) -> float:
    centre, spread, decimals = NORMAL[code]
    return round(centre + (rng.random() - 0.5) * spread, decimals)


def _item(rng: random.Random, patient_id: int, code: str, value: float, at: str) -> str:
    return (
        f'{{"client_id":"{uuid.UUID(int=rng.getrandbits(128), version=4)}",'
        f'"patient_id":{patient_id},"code":"{code}","value":{value},'
        f'"effective_at":"{at}","location":"home"}}'
    )


def _now_text(seconds_ago: float = 0.0) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds_ago)).astimezone(CPH).isoformat()


def batch_body(
    rng: random.Random, patients: list[int], size: int, extra: list[str] | None = None
) -> bytes:
    """`size` readings: len(BATCH_CODES) per patient, patients drawn from `patients`."""
    at = _now_text(rng.uniform(5, 60))
    items = list(extra or [])
    while len(items) < size:
        patient = rng.choice(patients)
        for code in BATCH_CODES:
            if len(items) == size:
                break
            items.append(_item(rng, patient, code, _value(rng, code), at))
    return ('{"observations":[' + ",".join(items) + "]}").encode()


def single_body(rng: random.Random, patients: list[int]) -> bytes:
    code = rng.choice(SINGLE_CODES)
    item = _item(rng, rng.choice(patients), code, _value(rng, code), _now_text(rng.uniform(5, 60)))
    return ('{"observations":[' + item + "]}").encode()


# A gateway's session as the HL7 PHD guide uploads it: the patient (by CPR), the gateway and the
# measuring device (conditional creates), then SpO2 and pulse from an oximeter, a blood-pressure
# panel, weight in grams and temperature: 5 Observation entries, 6 readings.
FHIR_READINGS = 6
_MDC, _LOINC, _UCUM = "urn:iso:std:iso:11073:10101", "http://loinc.org", "http://unitsofmeasure.org"
_EUI64 = "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680"


def fhir_bundle_body(rng: random.Random, patient_id: int, cpr: str) -> bytes:
    """A transaction Bundle for one patient's session, values in the normal range."""
    at = _now_text(rng.uniform(5, 60))
    pat, gw, dev = (f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}" for _ in "abc")

    def device(url: str, system_id: str, kind: str) -> dict[str, Any]:
        return {
            "fullUrl": url,
            "resource": {
                "resourceType": "Device",
                "identifier": [{"system": _EUI64, "value": system_id}],
                "type": {"coding": [{"system": _MDC, "code": kind}]},
                "manufacturer": "Bench devices",
            },
            "request": {
                "method": "POST",
                "url": "Device",
                "ifNoneExist": f"identifier={_EUI64}|{system_id}",
            },
        }

    def reading(codes: list[tuple[str, str]], **value: Any) -> dict[str, Any]:
        return {
            "fullUrl": f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": s, "code": c} for s, c in codes]},
                "subject": {"reference": pat},
                "device": {"reference": dev},
                "effectiveDateTime": at,
                **value,
            },
            "request": {"method": "POST", "url": "Observation"},
        }

    def quantity(value: float, unit: str) -> dict[str, Any]:
        return {"value": value, "system": _UCUM, "code": unit}

    mmhg = "mm[Hg]"
    entries = [
        {
            "fullUrl": pat,
            "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": "urn:oid:1.2.208.176.1.2", "value": cpr}],
            },
            "request": {
                "method": "POST",
                "url": "Patient",
                "ifNoneExist": f"identifier=urn:oid:1.2.208.176.1.2|{cpr}",
            },
        },
        device(gw, f"FE-ED-{patient_id:012X}", "531981"),
        device(dev, f"00-1C-{patient_id:012X}", "65573"),
        reading(
            [(_MDC, "150456"), (_LOINC, "2708-6")],
            valueQuantity=quantity(_value(rng, "spo2"), "%"),
        ),
        reading(
            [(_MDC, "149530"), (_LOINC, "8867-4")],
            valueQuantity=quantity(_value(rng, "pulse"), "/min"),
        ),
        reading(
            [(_LOINC, "85354-9"), (_MDC, "150020")],
            component=[
                {
                    "code": {"coding": [{"system": _MDC, "code": "150021"}]},
                    "valueQuantity": quantity(_value(rng, "systolic_bp"), mmhg),
                },
                {
                    "code": {"coding": [{"system": _MDC, "code": "150022"}]},
                    "valueQuantity": quantity(round(rng.uniform(70, 85)), mmhg),
                },
            ],
        ),
        reading([(_MDC, "188736")], valueQuantity=quantity(_value(rng, "weight") * 1000, "g")),
        reading([(_MDC, "150364")], valueQuantity=quantity(_value(rng, "temperature"), "Cel")),
    ]
    return json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries}).encode()


def fhir_single_body(rng: random.Random, patient_id: int) -> bytes:
    """One SpO2 Observation for POST /fhir/Observation (the PHD IG's "mix and match"): the
    patient by id, no device, a gateway identifier of its own."""
    observation = {
        "resourceType": "Observation",
        "status": "final",
        "identifier": [
            {"system": "urn:bench:gateway", "value": str(uuid.UUID(int=rng.getrandbits(128)))}
        ],
        "code": {
            "coding": [{"system": _MDC, "code": "150456"}, {"system": _LOINC, "code": "2708-6"}]
        },
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": _now_text(rng.uniform(5, 60)),
        "valueQuantity": {"value": _value(rng, "spo2"), "system": _UCUM, "code": "%"},
    }
    return json.dumps(observation).encode()


# --- the load ---------------------------------------------------------------------------------


def _wait_until(wall_time: float) -> None:
    delay = wall_time - time.time()
    if delay > 0:
        time.sleep(delay)


def post_load(spec: dict[str, Any]) -> dict[str, Any]:
    """Threads posting observation bodies, closed-loop (as fast as answers come) or open-loop
    (spec["rate"] requests/s for this process, spread over its threads).

    spec: host, port, token, threads, start_at (wall clock), duration, max_requests (this
    process), size (items per request), patients, seed, rate (None: closed loop).
    """
    threads = int(spec["threads"])
    budget = int(spec["max_requests"])
    size = int(spec["size"])
    patients = list(spec["patients"])
    rate = spec.get("rate")
    # spec["fhir_patients"] ([(id, cpr), …]): post PHD-style Bundles to /fhir instead;
    # spec["fhir_single"]: one Observation each to /fhir/Observation.
    fhir_patients = spec.get("fhir_patients")
    fhir_single = bool(spec.get("fhir_single"))
    # spec["questionnaire_id"]: post questionnaire responses instead (bench/questionnaire_phase).
    questionnaire_id = spec.get("questionnaire_id")
    path = "/fhir" if fhir_patients else "/api/v1/observations"
    path = "/fhir/Observation" if fhir_single else path
    if questionnaire_id:
        path = "/api/v1/questionnaire-responses"
    media = "application/fhir+json" if fhir_patients or fhir_single else "application/json"
    headers = {"Authorization": f"Bearer {spec['token']}", "Content-Type": media}
    results: list[dict[str, Any]] = [{} for _ in range(threads)]

    def body_for(rng: random.Random) -> bytes:
        if fhir_single:
            return fhir_single_body(rng, rng.choice(patients))
        if questionnaire_id:
            return questionnaire_body(rng, rng.choice(patients), questionnaire_id, red=False)
        if fhir_patients:
            return fhir_bundle_body(rng, *rng.choice(fhir_patients))
        return batch_body(rng, patients, size) if size > 1 else single_body(rng, patients)

    def run(index: int) -> None:
        rng = random.Random(f"{spec['seed']}-{index}")
        share = budget // threads + (1 if index < budget % threads else 0)
        bodies = [body_for(rng) for _ in range(share)]
        client = Http(spec["host"], spec["port"])
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        errors = 0
        _wait_until(spec["start_at"])
        start = time.perf_counter()
        deadline = start + float(spec["duration"])
        interval = threads / float(rate) if rate else 0.0
        offset = index * interval / threads if rate else 0.0
        for n, body in enumerate(bodies):
            if rate:
                due = start + offset + n * interval
                if due >= deadline:
                    break
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            now = time.perf_counter()
            if now >= deadline:
                break
            try:
                status, _, _ = client.request("POST", path, body, headers)
            except (OSError, http.client.HTTPException):
                errors += 1
                continue
            latencies.append(time.perf_counter() - now)
            statuses[status] = statuses.get(status, 0) + 1
        elapsed = time.perf_counter() - start
        client.close()
        results[index] = {
            "latencies": latencies,
            "statuses": statuses,
            "errors": errors,
            "elapsed": elapsed,
            "exhausted": len(latencies) + errors >= len(bodies) > 0,
        }

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    merged: dict[str, Any] = {"latencies": [], "statuses": {}, "errors": 0, "elapsed": 0.0}
    for result in results:
        merged["latencies"].extend(result["latencies"])
        for status, count in result["statuses"].items():
            merged["statuses"][status] = merged["statuses"].get(status, 0) + count
        merged["errors"] += result["errors"]
        merged["elapsed"] = max(merged["elapsed"], result["elapsed"])
        merged["exhausted"] = merged.get("exhausted", False) or result["exhausted"]
    return merged


def probe_alerts(spec: dict[str, Any]) -> dict[str, Any]:
    """End-to-end alert latency: every `interval` s post a batch of `size` holding one red
    reading (SpO2 85 %) for a probe patient without open alerts, then poll
    GET /api/v1/alerts?patient_id=…&status=open (as the clinician) until the alert shows.
    Answers other than 201 and 200 count as failures (by method and status), alerts not seen
    within `timeout` s as misses.

    spec: host, port, token (nurse), clinician_token, probe_patients, patients, size, interval,
    poll_interval, start_at, duration, timeout, seed.
    """
    rng = random.Random(f"{spec['seed']}-probe")

    def body_for(patient: int) -> bytes:
        red = _item(rng, patient, "spo2", 85.0, _now_text(1.0))
        return batch_body(rng, list(spec["patients"]), int(spec["size"]), extra=[red])

    _wait_until(spec["start_at"])
    return _alert_probe(
        spec, "/api/v1/observations", body_for, limit=5, shows=bool, first_after=0.5
    )


def _alert_probe(
    spec: dict[str, Any],
    post_path: str,
    body_for: Callable[[int], bytes],
    limit: int,
    shows: Callable[[list[dict[str, Any]]], bool],
    first_after: float,
) -> dict[str, Any]:
    """The loop of an alert-latency probe: for each probe patient, `interval` s apart (the
    first `first_after` s from now), POST `body_for(patient)` to `post_path` as the nurse, then
    poll the patient's open alerts (as the clinician) until `shows(items)`."""
    post = Http(spec["host"], spec["port"])
    poll = Http(spec["host"], spec["port"])
    nurse = {"Authorization": f"Bearer {spec['token']}", "Content-Type": "application/json"}
    clinician = {"Authorization": f"Bearer {spec['clinician_token']}"}
    latencies: list[float] = []
    misses = 0
    failures: dict[str, int] = {}
    start = time.perf_counter()
    deadline = start + float(spec["duration"])
    for n, patient in enumerate(spec["probe_patients"]):
        due = start + first_after + n * float(spec["interval"])
        if due >= deadline:
            break
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        body = body_for(patient)
        sent = time.perf_counter()
        status: int | str
        try:
            status, data, _ = post.request("POST", post_path, body, nurse)
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
        if status != 201:
            failures[f"POST {status}"] = failures.get(f"POST {status}", 0) + 1
            continue
        path = f"/api/v1/alerts?patient_id={patient}&status=open&limit={limit}"
        give_up = sent + float(spec["timeout"])
        seen = failed = False
        while time.perf_counter() < give_up:
            try:
                status, data, _ = poll.request("GET", path, headers=clinician)
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
            if status != 200:
                failures[f"GET {status}"] = failures.get(f"GET {status}", 0) + 1
                failed = True
                break
            if shows(json.loads(data)["items"]):
                latencies.append(time.perf_counter() - sent)
                seen = True
                break
            time.sleep(float(spec["poll_interval"]))
        if not seen and not failed:
            misses += 1
    post.close()
    poll.close()
    return {"latencies": latencies, "misses": misses, "failures": failures}


def questionnaire_body(
    rng: random.Random, patient_id: int, questionnaire_id: int, red: bool
) -> bytes:
    """A response to the bench questionnaire (bench/questionnaire_phase.py): SpO2 with pulse,
    weight, six yes/no answers; `red`: yes to the first question (triaged red)."""
    answers = [
        {"link_id": "sat", "value": {"spo2": _value(rng, "spo2"), "pulse": _value(rng, "pulse")}},
        {"link_id": "weight", "value": _value(rng, "weight")},
        {"link_id": "breath", "value": red},
        *(
            {"link_id": q, "value": rng.random() < 0.1}
            for q in ("cough", "phlegm", "fever", "sleep", "antibiotics")
        ),
    ]
    return json.dumps(
        {
            "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "patient_id": patient_id,
            "questionnaire_id": questionnaire_id,
            "authored_at": _now_text(rng.uniform(5, 60)),
            "answers": answers,
        }
    ).encode()


def probe_questionnaire_alerts(spec: dict[str, Any]) -> dict[str, Any]:
    """Questionnaire alert latency: every `interval` s post a response with a red answer for a
    probe patient, then poll her open alerts (as the clinician) until one of the questionnaire
    ("questionnaire.…" rule) shows. spec: host, port, token (nurse), clinician_token,
    probe_patients, questionnaire_id, interval, poll_interval, duration, timeout, seed."""
    rng = random.Random(f"{spec['seed']}-questionnaire-probe")
    questionnaire_id = int(spec["questionnaire_id"])
    return _alert_probe(
        spec,
        "/api/v1/questionnaire-responses",
        lambda patient: questionnaire_body(rng, patient, questionnaire_id, red=True),
        limit=50,
        shows=lambda items: any(a["rule"].startswith("questionnaire.") for a in items),
        first_after=0.0,
    )


def read_latency(spec: dict[str, Any]) -> dict[str, Any]:
    """One client reading `path` one request after another: latency without queueing.

    spec: host, port, path, token (bearer) or web_user/password (session sign-in), requests,
    duration, warmup, expect (regular expressions, as text, that every answer's body must
    match: that it is the page asked for, with content).
    """
    client = Http(spec["host"], spec["port"])
    headers = {}
    if spec.get("token"):
        headers["Authorization"] = f"Bearer {spec['token']}"
    else:
        web_sign_in(client, spec["web_user"], spec["password"])
    expect = [re.compile(pattern.encode()) for pattern in spec.get("expect", [])]
    latencies: list[float] = []
    sizes: list[int] = []
    statuses: dict[int, int] = {}
    errors = 0
    unexpected = 0
    deadline = time.perf_counter() + float(spec["duration"])
    for n in range(int(spec["warmup"]) + int(spec["requests"])):
        if time.perf_counter() >= deadline:
            break
        sent = time.perf_counter()
        try:
            status, data, _ = client.request("GET", spec["path"], headers=headers)
        except (OSError, http.client.HTTPException):
            errors += 1
            continue
        took = time.perf_counter() - sent
        statuses[status] = statuses.get(status, 0) + 1
        if status == 200 and not all(pattern.search(data) for pattern in expect):
            unexpected += 1
        if n >= int(spec["warmup"]):
            latencies.append(took)
            sizes.append(len(data))
    client.close()
    return {
        "latencies": latencies,
        "statuses": statuses,
        "errors": errors,
        "unexpected": unexpected,
        "bytes": sizes[-1] if sizes else 0,
    }


# --- the raw PostgreSQL limit -----------------------------------------------------------------


def observation_rows(
    rng: random.Random, patients: list[int], count: int, batch_id: int, user_id: int
) -> list[tuple[Any, ...]]:
    """The rows the API would store for `count` readings (same columns, same kind of values)."""
    rows: list[tuple[Any, ...]] = []
    now = datetime.now(UTC)
    while len(rows) < count:
        patient = rng.choice(patients)
        at = now - timedelta(seconds=rng.uniform(5, 60))
        for code in BATCH_CODES:
            value = _value(rng, code)
            digest = hashlib.sha256(f"{patient}{code}{value}{at}".encode()).hexdigest()
            rows.append(
                (
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    digest,
                    batch_id,
                    patient,
                    code,
                    None,
                    value,
                    "x",
                    None,
                    at,
                    60,
                    "nurse",
                    None,
                    "home",
                    user_id,
                    now,
                )
            )
    return rows[:count]


RAW_COLUMNS = (
    "client_id, content_hash, batch_id, patient_id, code, loinc, value, unit, value_qualifier, "
    "effective_at, effective_offset_minutes, performer, device, location, recorded_by_id, "
    "received_at"
)


def raw_insert(spec: dict[str, Any]) -> dict[str, Any]:
    """Threads inserting observation rows straight into PostgreSQL, `per_txn` rows in one
    multi-row INSERT per transaction (committed), as the API's transactions would.

    spec: dsn, table, threads, per_txn, max_rows (this process), duration, start_at, patients,
    batch_id, user_id, seed.
    """
    import psycopg

    threads = int(spec["threads"])
    per_txn = int(spec["per_txn"])
    rows_per_thread = max(per_txn, int(spec["max_rows"]) // threads)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * 16) + ")"] * per_txn)
    statement = f"INSERT INTO {spec['table']} ({RAW_COLUMNS}) VALUES {placeholders}"  # noqa: S608
    done = [0] * threads
    elapsed = [0.0] * threads

    def run(index: int) -> None:
        rng = random.Random(f"{spec['seed']}-raw-{index}")
        rows = observation_rows(
            rng, list(spec["patients"]), rows_per_thread, spec["batch_id"], spec["user_id"]
        )
        with psycopg.connect(spec["dsn"]) as conn:
            _wait_until(spec["start_at"])
            start = time.perf_counter()
            deadline = start + float(spec["duration"])
            for lo in range(0, len(rows) - per_txn + 1, per_txn):
                if time.perf_counter() >= deadline:
                    break
                params = [v for row in rows[lo : lo + per_txn] for v in row]
                conn.execute(statement, params)
                conn.commit()
                done[index] += per_txn
            elapsed[index] = time.perf_counter() - start

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"rows": sum(done), "elapsed": max(elapsed)}
