"""The write phases: the raw PostgreSQL limit, readings through the JSON API (batches of 50 and
single readings), FHIR gateway uploads, and whether a second worker process adds evaluation
throughput. Each takes the running Stack and returns what the summary needs."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from typing import Any

import loadgen
import psycopg
from psycopg import sql
from report import cpu_snapshot, emit, emit_cpu, emit_latency
from stack import BenchFailure, Stack, merged, require_answers, run_in_processes


def raw_postgres(stack: Stack) -> None:
    """The same observation rows straight into PostgreSQL: COPY from one connection, then
    committed multi-row INSERTs of 50 and of 1 row from as many connections as the API load
    uses (the limit for transactions the size of the API's)."""
    args, scale = stack.args, stack.scale
    table = "bench_raw_observation"
    conn = stack.db.conn
    conn.execute(
        sql.SQL("CREATE TABLE {} (LIKE observation INCLUDING ALL)").format(sql.Identifier(table))
    )
    # The same foreign keys as observation, so each row is checked as the API's are.
    for (definition,) in conn.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'observation'::regclass AND contype = 'f'"
    ).fetchall():
        conn.execute(sql.SQL("ALTER TABLE {} ADD " + definition).format(sql.Identifier(table)))
    batch_id = stack.db.max_batch()
    user_id = stack.seeded.nurse_ids[0]
    patients = list(stack.seeded.load_patient_ids)
    rows = loadgen.observation_rows(
        random.Random(stack.run_id), patients, scale.copy_rows, batch_id, user_id
    )
    with psycopg.connect(stack.dsn) as copy_conn, copy_conn.cursor() as cur:
        t = time.perf_counter()
        with cur.copy(
            sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(loadgen.RAW_COLUMNS)
            )
        ) as copy:
            for row in rows:
                copy.write_row(row)
        copy_conn.commit()
        copy_s = time.perf_counter() - t
    emit("raw_pg_copy_rows_per_s", scale.copy_rows / copy_s, "rows/s")
    for per_txn, name in ((50, "raw_pg_insert50"), (1, "raw_pg_insert1")):
        duration = stack.bounded(scale.raw_seconds)
        processes = args.load_processes
        specs = [
            {
                "dsn": stack.dsn,
                "table": table,
                "threads": args.threads,
                "per_txn": per_txn,
                "max_rows": (100_000 if per_txn == 1 else 400_000) // processes,
                "duration": duration,
                "start_at": time.time() + 4,
                "patients": patients,
                "batch_id": batch_id,
                "user_id": user_id,
                "seed": f"{name}-{i}-{stack.run_id}",
            }
            for i in range(processes)
        ]
        results = run_in_processes(loadgen.raw_insert, specs)
        rows_done = sum(r["rows"] for r in results)
        elapsed = max(r["elapsed"] for r in results)
        emit(f"{name}_rows_per_s", rows_done / elapsed, "rows/s")
    conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(table)))


def throughput(stack: Stack, size: int, name: str) -> dict[str, Any]:
    """Closed-loop posts of `size` readings each for --phase-seconds: stored and evaluated
    readings per second, the evaluation lag, and where the cores went."""
    args, db = stack.args, stack.db
    seconds = stack.scale.phase_seconds * (1 if size > 1 else 0.75)
    duration = stack.bounded(seconds)
    max_requests = int(duration * (args.max_obs_rate / size if size > 1 else 1500))
    before = db.max_batch()
    groups = stack.services.groups("gunicorn", "worker")
    started = datetime.now(UTC)
    cpu_before = cpu_snapshot(groups)
    result = stack.post_phase(size, duration, max_requests, None, name)
    ended = datetime.now(UTC)
    cpu_after = cpu_snapshot(groups)
    # Evaluation during the same window, and what was left when the load stopped.
    evaluated = int(
        db.one(
            "SELECT count(*) FROM observation o JOIN ingest_batch b ON b.id = o.batch_id "
            "WHERE b.id > %s AND b.evaluated_at <= %s",
            (before, ended),
        )
    )
    stored = int(
        db.one(
            "SELECT count(*) FROM observation o JOIN ingest_batch b ON b.id = o.batch_id "
            "WHERE b.id > %s AND b.received_at <= %s",
            (before, ended),
        )
    )
    if stored < result["ok"] * size:
        raise BenchFailure(f"{name}: {result['ok'] * size} readings accepted, {stored} stored")
    backlog = db.pending(before)
    t = time.perf_counter()
    stack.drain(before, name)
    drain = time.perf_counter() - t if backlog else 0.0
    rate = result["ok"] * size / result["elapsed"]
    emit(f"{name}_obs_per_s", rate, "obs/s")
    emit(f"{name}_requests_per_s", result["ok"] / result["elapsed"], "req/s")
    emit(f"{name}_requests", result["ok"])
    emit_latency(f"{name}_http", result["latencies"])
    # Per second of the load itself (the phase also holds a start-up delay).
    eval_rate = evaluated / result["elapsed"]
    emit(f"{name}_stored_in_db", stored)
    emit(f"{name}_evaluated_obs_per_s", eval_rate, "obs/s")
    emit(f"{name}_eval_backlog_at_end", backlog, "batches")
    emit(f"{name}_eval_drain_after_load", drain, "s")
    lags = db.row(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag), "
        "percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) FROM ("
        "SELECT extract(epoch FROM evaluated_at - received_at) AS lag "
        "FROM ingest_batch WHERE id > %s) t",
        (before,),
    )
    emit(f"{name}_eval_lag_p50", float(lags[0] or 0) * 1000, "ms")
    emit(f"{name}_eval_lag_p99", float(lags[1] or 0) * 1000, "ms")
    # The batches of one evaluation run share its evaluated_at.
    runs = db.one("SELECT count(DISTINCT evaluated_at) FROM ingest_batch WHERE id > %s", (before,))
    emit(f"{name}_eval_runs", int(runs or 0))
    # Over the whole phase (start-up of the load processes included): where the cores went.
    emit_cpu(name, cpu_before, cpu_after, (ended - started).total_seconds())
    return {
        "rate": rate,
        "eval_rate": eval_rate,
        # Keeping up: what was evaluated in the window is at least 95 % of what was stored.
        "keeping_up": evaluated >= 0.95 * stored,
        "drain": drain,
    }


def fhir(stack: Stack, batch_rate: float | None) -> dict[str, Any]:
    """PHD-style transaction Bundles to POST /fhir (a gateway's session each: patient, devices,
    5 observations holding 6 readings), closed loop; readings/s and the ratio to the JSON API's
    batch rate, when that phase ran (`batch_rate`)."""
    db = stack.db
    duration = stack.bounded(stack.scale.phase_seconds)
    max_requests = int(duration * 600)
    before = db.max_batch()
    ids = list(stack.seeded.load_patient_ids)
    rows = db.conn.execute(
        "SELECT id, cpr FROM patient WHERE id >= %s AND id <= %s ORDER BY id", (ids[0], ids[-1])
    ).fetchall()
    specs = stack.load_specs(1, duration, max_requests, None, "fhir")
    for spec in specs:
        spec["fhir_patients"] = [(int(pid), str(cpr)) for pid, cpr in rows]
    groups = stack.services.groups("gunicorn", "worker")
    started = datetime.now(UTC)
    cpu_before = cpu_snapshot(groups)
    result = merged(run_in_processes(loadgen.post_load, specs))
    ended = datetime.now(UTC)
    cpu_after = cpu_snapshot(groups)
    ok = require_answers("fhir: POST /fhir", result, 200)
    stored = int(db.one("SELECT count(*) FROM observation WHERE batch_id > %s", (before,)))
    if stored != ok * loadgen.FHIR_READINGS:
        raise BenchFailure(
            f"fhir: {ok} Bundles of {loadgen.FHIR_READINGS} readings answered, {stored} stored"
        )
    stack.drain(before, "fhir")
    rate = ok * loadgen.FHIR_READINGS / result["elapsed"]
    emit("fhir_bundles_per_s", ok / result["elapsed"], "bundles/s")
    emit("fhir_readings_per_s", rate, "readings/s")
    emit("fhir_readings_stored", stored)
    emit_latency("fhir_http", result["latencies"])
    if batch_rate is not None:
        emit("ratio_fhir_readings_to_batch50_api", rate / batch_rate, "")
    emit_cpu("fhir", cpu_before, cpu_after, (ended - started).total_seconds())
    return {"rate": rate}


def fhir_single(stack: Stack, single_rate: float | None) -> dict[str, Any]:
    """Single SpO2 Observations to POST /fhir/Observation, closed loop: readings/s, and the
    ratio to the JSON API's single readings, when that phase ran (`single_rate`)."""
    db = stack.db
    duration = stack.bounded(stack.scale.phase_seconds)
    before = db.max_batch()
    specs = stack.load_specs(1, duration, int(duration * 2000), None, "fhir_single")
    for spec in specs:
        spec["fhir_single"] = True
    groups = stack.services.groups("gunicorn", "worker")
    started = datetime.now(UTC)
    cpu_before = cpu_snapshot(groups)
    result = merged(run_in_processes(loadgen.post_load, specs))
    ended = datetime.now(UTC)
    cpu_after = cpu_snapshot(groups)
    ok = require_answers("fhir_single: POST /fhir/Observation", result, 201)
    stored = int(db.one("SELECT count(*) FROM observation WHERE batch_id > %s", (before,)))
    if stored != ok:
        raise BenchFailure(f"fhir_single: {ok} Observations answered 201, {stored} stored")
    stack.drain(before, "fhir_single")
    rate = ok / result["elapsed"]
    emit("fhir_single_readings_per_s", rate, "readings/s")
    emit_latency("fhir_single_http", result["latencies"])
    if single_rate is not None:
        emit("ratio_fhir_single_to_single_api", rate / single_rate, "")
    emit_cpu("fhir_single", cpu_before, cpu_after, (ended - started).total_seconds())
    return {"rate": rate}


def worker_scaling(stack: Stack) -> dict[str, float]:
    """With the worker stopped, post a fixed number of batches; then let P worker processes of
    concurrency C drain them, for each configuration: does a second process add throughput?"""
    batches = stack.scale.scaling_batches
    stack.services.stop("worker")
    drains: dict[str, float] = {}
    for processes, concurrency in stack.scale.scaling_configs:
        key = f"{processes}x{concurrency}"
        stack.bounded(60)
        before = stack.db.max_batch()
        result = stack.post_phase(50, 60, batches, None, f"queue-{key}", counted=True)
        if result["ok"] != batches:
            raise BenchFailure(f"scaling {key}: {result['ok']} of {batches} batches accepted")
        after = stack.db.max_batch()
        names = [f"scale{i}" for i in range(processes)]
        for name in names:
            stack.services.worker(name, concurrency, "--without-gossip", "--without-mingle")
        try:
            stack.drain(before, f"scaling {key}", 240)
        finally:
            stack.services.stop(*names)
        drains[key] = _drain_rate(stack, before, after, key)
        emit(f"eval_drain_{key}_obs_per_s", drains[key], "obs/s")
    emit("eval_drain_gain_second_process", drains["2x1"] / drains["1x1"], "x")
    return drains


def _drain_rate(stack: Stack, before: int, after: int, key: str) -> float:
    """Readings evaluated per second while draining the batches (before, after]. The batches of
    one evaluation run share its evaluated_at; the first run's start is unknown, so the rate is
    what the later runs evaluated over the time they took."""
    count, first_run, span = stack.db.row(
        "SELECT count(*), count(*) FILTER (WHERE evaluated_at = m), "
        "extract(epoch FROM max(evaluated_at) - m) FROM ingest_batch, "
        "(SELECT min(evaluated_at) AS m FROM ingest_batch WHERE id > %s AND id <= %s) f "
        "WHERE id > %s AND id <= %s GROUP BY m",
        (before, after, before, after),
    )
    if int(count) == int(first_run) or float(span) <= 0:
        raise BenchFailure(
            f"scaling {key}: one evaluation run took all {count} batches; post more to measure"
        )
    return (int(count) - int(first_run)) * 50 / float(span)
