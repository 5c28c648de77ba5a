"""telemon's benchmark: the production shape on this machine, all on loopback.

    .venv/bin/python bench/run.py            # the full run (the large database of issue 6)
    .venv/bin/python bench/run.py --quick    # a few minutes on a medium database (1,000 patients)
    .venv/bin/python bench/run.py --smoke    # CI's check that every phase runs (no targets)
    make bench BENCH_ARGS="--seed-observations 1000000"

It creates a database of its own (telemon_bench_<random>, dropped at the end), migrates it with
`telemon init-db`, seeds it (bench/seed.py), starts gunicorn, a Celery worker and an SMTP sink as
subprocesses (bench/stack.py), and drives the load from separate processes (bench/loadgen.py)
through the phases of bench/ingest_phases.py and bench/alert_phases.py. Every phase is bounded
by a count and a time limit, and fails the run (exit status 1, with what went wrong) on an
answer it did not expect, a lost connection or a failed evaluation, instead of printing a
figure. It prints plain `name: value unit` lines, then a table of the targets met and missed.
All subprocesses are stopped on exit, Ctrl-C and errors included.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import alert_phases  # noqa: E402
import ingest_phases  # noqa: E402
import questionnaire_phase  # noqa: E402
import seed as seeding  # noqa: E402
from report import FIGURES, emit, figure, load_average, machine_info, note, percentile  # noqa: E402
from stack import FULL, QUICK, ROOT, SMOKE, VENV_BIN, BenchFailure, Scale, Stack  # noqa: E402

PHASES = (
    "raw",
    "reads",
    "batch",
    "single",
    "fhir",
    "fhir_single",
    "e2e",
    "questionnaire",
    "scaling",
    "profile",
)


def run_phases(stack: Stack, skip: set[str]) -> dict[str, Any]:
    """The phases in order; returns what the summary needs."""
    results: dict[str, Any] = {}

    def phase(name: str, run: Any, *args: Any) -> Any:
        load_average(name)
        t = time.perf_counter()
        result = run(stack, *args)
        emit(f"phase_{name}_s", time.perf_counter() - t, "s")
        return result

    if "raw" not in skip:
        phase("raw", ingest_phases.raw_postgres)
    if "reads" not in skip:
        results.update(phase("reads", alert_phases.reads))
    batch_rate = None
    if "batch" not in skip:
        results["batch50"] = phase("batch", ingest_phases.throughput, 50, "batch50")
        batch_rate = results["batch50"]["rate"]
    if "single" not in skip:
        results["single"] = phase("single", ingest_phases.throughput, 1, "single")
    if "fhir" not in skip:
        results["fhir"] = phase("fhir", ingest_phases.fhir, batch_rate)
    if "fhir_single" not in skip:
        single_rate = results["single"]["rate"] if "single" in results else None
        results["fhir_single"] = phase("fhir_single", ingest_phases.fhir_single, single_rate)
    if not skip & {"raw", "batch", "single"}:
        emit("ratio_batch50_api_to_raw_insert50", ratio("batch50", "raw_pg_insert50_rows"), "")
        emit("ratio_batch50_api_to_raw_copy", ratio("batch50", "raw_pg_copy_rows"), "")
        emit("ratio_single_api_to_raw_insert1", ratio("single", "raw_pg_insert1_rows"), "")
    if "e2e" not in skip:
        results["e2e"] = phase("e2e", alert_phases.alert_latency, batch_rate or 2000.0)
    if "questionnaire" not in skip:
        results["questionnaire"] = phase("questionnaire", questionnaire_phase.questionnaire)
    if "scaling" not in skip:
        results["scaling"] = phase("scaling", ingest_phases.worker_scaling)
    if "profile" not in skip and not stack.scale.judged:
        phase("profile", profile_paths)
    return results


def ratio(api: str, raw: str) -> float:
    return figure(f"{api}_obs_per_s") / figure(f"{raw}_per_s")


def profile_paths(stack: Stack) -> None:
    """bench/profile_paths.py on the run's database, two runs a path: in the smoke run, so that
    the profiler keeps working (its report goes to profile_paths.log)."""
    log = stack.logs / "profile_paths.log"
    with log.open("w") as out:
        done = subprocess.run(
            [str(VENV_BIN / "python"), str(ROOT / "bench" / "profile_paths.py")]
            + ["--database-url", stack.url, "--redis-url", stack.args.redis_url]
            + ["--runs", "2", "--top", "5"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=300,
        )
    if done.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:]
        raise BenchFailure(f"bench/profile_paths.py exited with {done.returncode}:\n{tail}")


# --- the report -------------------------------------------------------------------------------

Row = tuple[str, str, str, bool]


def targets(results: dict[str, Any]) -> list[Row]:
    """Each target of issues 6 and 20 that the run measured: (what, wanted, measured, met)."""
    rows: list[Row] = []
    if "batch50" in results:
        b = results["batch50"]
        measured = f"{b['rate']:.0f} stored, {b['eval_rate']:.0f} evaluated"
        met = b["rate"] >= 2000 and b["keeping_up"]
        rows.append(
            ("obs/s via API, batches of 50, evaluation keeping up", ">= 2000", measured, met)
        )
    if "ratio_batch50_api_to_raw_insert50" in FIGURES:
        r = figure("ratio_batch50_api_to_raw_insert50")
        rows.append(("batches of 50 / raw insert50, same run", ">= 0.25", f"{r:.3f}", r >= 0.25))
    if "single" in results:
        rate = results["single"]["rate"]
        rows.append(("single-observation posts/s", ">= 300", f"{rate:.0f}", rate >= 300))
    if "ratio_single_api_to_raw_insert1" in FIGURES:
        r = figure("ratio_single_api_to_raw_insert1")
        rows.append(("single posts / raw insert1, same run", ">= 0.10", f"{r:.3f}", r >= 0.10))
    if "ratio_fhir_readings_to_batch50_api" in FIGURES:
        r = figure("ratio_fhir_readings_to_batch50_api")
        rows.append(("FHIR gateway readings / JSON batch readings", ">= 0.5", f"{r:.2f}", r >= 0.5))
    if "e2e" in results:
        p99 = percentile(results["e2e"], 99) * 1000
        rows.append(
            ("end-to-end alert latency p99, half load", "< 1000 ms", f"{p99:.0f} ms", p99 < 1000)
        )
    if "questionnaire" in results:
        q = results["questionnaire"]
        p99 = percentile(q["latencies"], 99) * 1000
        rows.append(
            (
                "questionnaire responses/s (2 measurements, 6 answers)",
                "reported",
                f"{q['rate']:.0f}",
                True,
            )
        )
        rows.append(("questionnaire alert latency p99", "< 1000 ms", f"{p99:.0f} ms", p99 < 1000))
    for key, label in (("get_alerts", "GET /api/v1/alerts"), ("queue_page", "queue page")):
        if key in results:
            p95 = percentile(results[key], 95) * 1000
            rows.append((f"{label} p95, large database", "< 100 ms", f"{p95:.0f} ms", p95 < 100))
    if "scaling" in results:
        gain = results["scaling"]["2x1"] / results["scaling"]["1x1"]
        rows.append(
            ("2nd worker process adds evaluation throughput", "> 1.0x", f"{gain:.2f}x", gain > 1.05)
        )
    return rows


def summary(results: dict[str, Any], scale: Scale) -> None:
    print()
    if not scale.judged:
        print("smoke run: every phase ran and answered as expected (no targets judged)")
        return
    if scale != FULL:
        note(
            f"judged on {scale.patients} patients, {scale.observations} readings and "
            f"{scale.open_alerts} open alerts; the targets are for {FULL.patients}, "
            f"{FULL.observations} and {FULL.open_alerts}"
        )
    print(f"{'target':<56} {'wanted':>10} {'measured':>28}  result")
    for label, wanted, measured, met in targets(results):
        print(f"{label:<56} {wanted:>10} {measured:>28}  {'met' if met else 'MISSED'}")


# --- the command ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, Scale]:
    p = argparse.ArgumentParser(description="telemon benchmark (issues 6 and 20)")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="medium database, short phases")
    size.add_argument(
        "--smoke", action="store_true", help="tiny database, every phase briefly, no targets"
    )
    p.add_argument("--seed-patients", type=int, default=None, help="default 10000")
    p.add_argument("--seed-observations", type=int, default=None, help="default 5000000")
    p.add_argument("--seed-alerts", type=int, default=None, help="default 20000")
    p.add_argument("--phase-seconds", type=float, default=None, help="throughput phase length")
    p.add_argument("--max-minutes", type=float, default=None, help="hard limit for the run")
    p.add_argument("--load-processes", type=int, default=2)
    p.add_argument("--threads", type=int, default=4, help="connections per load process")
    p.add_argument("--gunicorn-workers", type=int, default=2)
    p.add_argument("--gunicorn-threads", type=int, default=4)
    p.add_argument("--worker-concurrency", type=int, default=2)
    p.add_argument(
        "--max-obs-rate",
        type=float,
        default=6000,
        help="request budget for the batch phase, as obs/s (bounds the count)",
    )
    p.add_argument("--skip", default="", help=f"comma-separated phases to skip: {','.join(PHASES)}")
    p.add_argument(
        "--database-url",
        default=os.environ.get(
            "TELEMON_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="an admin connection; the bench creates and drops its own database",
    )
    p.add_argument(
        "--redis-url",
        default=os.environ.get("TELEMON_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="a Redis database of the bench's own: flushed at the start and the end",
    )
    p.add_argument("--keep", action="store_true", help="keep the database and logs at the end")
    args = p.parse_args(argv)
    scale = SMOKE if args.smoke else QUICK if args.quick else FULL
    scale = replace(
        scale,
        patients=args.seed_patients or scale.patients,
        observations=scale.observations
        if args.seed_observations is None
        else args.seed_observations,
        open_alerts=scale.open_alerts if args.seed_alerts is None else args.seed_alerts,
        phase_seconds=args.phase_seconds or scale.phase_seconds,
    )
    if args.max_minutes is None:
        args.max_minutes = scale.max_minutes
    unknown = {s.strip() for s in args.skip.split(",") if s.strip()} - set(PHASES)
    if unknown:
        p.error(f"unknown phase(s) in --skip: {', '.join(sorted(unknown))}")
    return args, scale


def main(argv: list[str] | None = None) -> int:
    args, scale = parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    stack = Stack(args, scale)
    started = time.monotonic()
    code = 0
    try:
        machine_info(args.redis_url, seeding.libpq_url(args.database_url))
        stack.setup()
        emit("setup_s", time.monotonic() - started, "s")
        results = run_phases(stack, skip)
        load_average("end")
        emit("bench_total_s", time.monotonic() - started, "s")
        summary(results, scale)
    except KeyboardInterrupt:
        note("interrupted; stopping everything")
        code = 130
    except Exception as error:  # report, then clean up
        note(f"benchmark failed: {type(error).__name__}: {error}")
        if not isinstance(error, BenchFailure):
            import traceback

            traceback.print_exc()
        for name in ("gunicorn", "worker"):
            tail = stack.services.tail(name) if hasattr(stack, "services") else ""
            if any(word in tail for word in ("Traceback", "ERROR", "CRITICAL")):
                note(f"last lines of {name}.log:\n{tail}")
        if hasattr(stack, "logs") and not args.keep:
            note("run again with --keep to keep the logs and the database")
        code = 1
    finally:
        stack.cleanup(args.keep)
    return code


if __name__ == "__main__":
    sys.exit(main())
