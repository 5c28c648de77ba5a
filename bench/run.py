"""telemon's benchmark: the production shape on this machine, all on loopback.

    .venv/bin/python bench/run.py            # the full run (large database as in issue 6)
    .venv/bin/python bench/run.py --quick    # a ~2-minute smoke run on a small database
    make bench BENCH_ARGS="--seed-observations 1000000"

It creates a database of its own (telemon_bench_<random>, dropped at the end), migrates it with
`telemon init-db`, seeds it (bench/seed.py), starts gunicorn, a Celery worker and an SMTP sink as
subprocesses, and drives the load from separate processes (bench/loadgen.py). Every phase is
bounded by a count and a time limit. It prints plain `name: value unit` lines, then a table of
the targets met and missed. All subprocesses are stopped on exit, Ctrl-C and errors included.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import redis
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadgen  # noqa: E402
import seed as seeding  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
VENV_BIN = Path(sys.executable).parent


# --- output -----------------------------------------------------------------------------------

FIGURES: dict[str, tuple[float | str, str]] = {}


def emit(name: str, value: float | int | str, unit: str = "") -> None:
    FIGURES[name] = (value, unit)
    if isinstance(value, float):
        text = f"{value:.1f}" if abs(value) >= 10 else f"{value:.3g}"
    else:
        text = str(value)
    print(f"{name}: {text}{' ' + unit if unit else ''}", flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def emit_latency(prefix: str, latencies: list[float], ps: Iterable[int] = (50, 95, 99)) -> None:
    for p in ps:
        emit(f"{prefix}_p{p}", percentile(latencies, p) * 1000, "ms")


# --- processes --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def cpu_snapshot(groups: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far: by each process group named in `groups` (name -> pgid), by every
    PostgreSQL process, and by the whole machine (`machine`), read from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys([*groups, "postgres"], 0.0)
    by_pgid = {pgid: name for name, pgid in groups.items()}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # gone meanwhile
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        name = by_pgid.get(int(fields[2]))
        if name is not None:
            used[name] += seconds
        elif comm == "postgres":
            used["postgres"] += seconds
    jiffies = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    used["machine"] = (sum(jiffies) - jiffies[3] - jiffies[4]) / tick  # all but idle, iowait
    return used


def emit_cpu(phase: str, before: dict[str, float], after: dict[str, float], elapsed: float) -> None:
    """Cores used on average during the phase, per part; `other` is the load generator, Redis,
    the SMTP sink and anything else running on the machine."""
    parts = {name: (after[name] - before.get(name, 0.0)) / elapsed for name in after}
    parts["other"] = parts["machine"] - sum(v for k, v in parts.items() if k != "machine")
    for name in (*(k for k in parts if k not in ("machine", "other")), "other", "machine"):
        emit(f"{phase}_cpu_{name}", parts[name], "cores")


class Services:
    """The subprocesses of the production shape; every one is stopped by stop_all()."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115  (closed with the process)
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us, and we stop them in order
        )
        log.close()
        self.procs[name] = proc
        return proc

    def stop(self, name: str, timeout: float = 20.0) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def check(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                tail = (self.logs / f"{name}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{tail}")

    def worker(self, name: str, concurrency: int, *extra: str) -> None:
        argv = [str(VENV_BIN / "python"), "-m", "telemon", "worker", "--concurrency"]
        self.start(name, [*argv, str(concurrency), "-n", f"{name}@%h", *extra])

    def groups(self, *names: str) -> dict[str, int]:
        """name -> process group id (each service runs in its own session) of running ones."""
        return {n: self.procs[n].pid for n in names if n in self.procs}

    def tail(self, name: str, chars: int = 1500) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def wait_for(check: Callable[[], Any], what: str, timeout: float, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise RuntimeError(f"gave up waiting for {what} after {timeout:.0f} s")


def http_ready(port: int) -> bool:
    try:
        client = loadgen.Http(HOST, port, timeout=2)
        status, _, _ = client.request("GET", "/api/openapi.json")
        client.close()
        return status == 200
    except OSError:
        return False


def pool(processes: int) -> concurrent.futures.ProcessPoolExecutor:
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=processes, mp_context=multiprocessing.get_context("fork")
    )


def run_in_processes(function: Callable[..., Any], specs: list[dict[str, Any]]) -> list[Any]:
    with pool(len(specs)) as executor:
        return list(executor.map(function, specs))


# --- the database -----------------------------------------------------------------------------


class Db:
    def __init__(self, dsn: str) -> None:
        self.conn = psycopg.connect(dsn, autocommit=True)

    def one(self, query: str, params: Any = None) -> Any:
        row = self.conn.execute(query, params).fetchone()  # type: ignore[call-overload]
        return None if row is None else row[0]

    def row(self, query: str, params: Any = None) -> Any:
        return self.conn.execute(query, params).fetchone()  # type: ignore[call-overload]

    def pending(self, after_batch: int) -> int:
        return int(
            self.one(
                "SELECT count(*) FROM ingest_batch WHERE id > %s AND evaluated_at IS NULL",
                (after_batch,),
            )
        )

    def max_batch(self) -> int:
        return int(self.one("SELECT coalesce(max(id), 0) FROM ingest_batch"))


# --- phases -----------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.q = args.quick
        self.deadline = time.monotonic() + args.max_minutes * 60
        self.results: dict[str, Any] = {}
        self.invalid: set[str] = set()

    # helpers
    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def bounded(self, seconds: float) -> float:
        """A phase's duration, cut so the whole run keeps to --max-minutes."""
        left = self.remaining() - 30
        if left < 5:
            raise RuntimeError("out of time (--max-minutes); stopping")
        return min(seconds, left)

    def load_specs(
        self,
        token_list: list[str],
        size: int,
        duration: float,
        max_requests: int,
        rate: float | None,
        tag: str,
    ) -> list[dict[str, Any]]:
        processes = self.args.load_processes
        start_at = time.time() + (6 if max_requests > 2000 else 3)
        patients = list(self.seeded.load_patient_ids)
        return [
            {
                "host": HOST,
                "port": self.port,
                "token": token_list[i % len(token_list)],
                "threads": self.args.threads,
                "start_at": start_at,
                "duration": duration,
                "max_requests": max_requests // processes + (i < max_requests % processes),
                "size": size,
                "patients": patients,
                "seed": f"{tag}-{i}-{self.run_id}",
                "rate": None if rate is None else rate / processes,
            }
            for i in range(processes)
        ]

    def post_phase(
        self,
        size: int,
        duration: float,
        max_requests: int,
        rate: float | None,
        tag: str,
        counted: bool = False,
    ) -> dict[str, Any]:
        """Post from --load-processes processes; `counted`: the count, not the time, is the
        phase's measure (a fixed amount of work)."""
        specs = self.load_specs(self.nurse_tokens, size, duration, max_requests, rate, tag)
        results = run_in_processes(loadgen.post_load, specs)
        merged: dict[str, Any] = {"latencies": [], "statuses": {}, "errors": 0, "elapsed": 0.0}
        for r in results:
            merged["latencies"] += r["latencies"]
            for status, count in r["statuses"].items():
                merged["statuses"][status] = merged["statuses"].get(status, 0) + count
            merged["errors"] += r["errors"]
            merged["elapsed"] = max(merged["elapsed"], r["elapsed"])
            merged["exhausted"] = merged.get("exhausted", False) or r["exhausted"]
        merged["ok"] = merged["statuses"].get(201, 0)
        bad = {s: c for s, c in merged["statuses"].items() if s != 201}
        if bad or merged["errors"]:
            note(f"{tag}: non-201 answers {bad}, connection errors {merged['errors']}")
        if merged.get("exhausted") and not counted:
            note(f"{tag}: the request budget ran out before the time limit (--max-obs-rate)")
        return merged

    # setup
    def setup(self) -> None:
        args = self.args
        self.run_id = secrets.token_hex(4)
        self.db_name = f"telemon_bench_{self.run_id}"
        self.admin_dsn = seeding.libpq_url(args.database_url)
        base = psycopg.conninfo.conninfo_to_dict(self.admin_dsn)
        base["dbname"] = self.db_name
        self.dsn = psycopg.conninfo.make_conninfo(**base)  # type: ignore[arg-type]
        self.url = "postgresql+psycopg://" + self.dsn_to_url(base)
        self.instance = Path(tempfile.mkdtemp(prefix="telemon-bench-"))
        self.logs = self.instance / "logs"
        self.logs.mkdir()
        note(f"logs and instance folder: {self.instance}")
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.db_name)))
        self.created_db = True
        self.redis = redis.Redis.from_url(args.redis_url)
        self.redis.flushdb()
        self.smtp_port = free_port()
        self.port = free_port()
        env = dict(
            os.environ,
            TELEMON_DATABASE_URL=self.url,
            TELEMON_REDIS_URL=args.redis_url,
            TELEMON_SMTP_URL=f"smtp://{HOST}:{self.smtp_port}",
            TELEMON_SECRET_KEY=secrets.token_urlsafe(32),
            TELEMON_INSTANCE=str(self.instance / "instance"),
            TELEMON_BASE_URL=f"http://{HOST}:{self.port}",
            TELEMON_LOG_LEVEL="WARNING",
        )
        self.services = Services(env, self.logs)
        t = time.perf_counter()
        subprocess.run(
            [str(VENV_BIN / "python"), "-m", "telemon", "init-db"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        emit("setup_migrate_s", time.perf_counter() - t, "s")
        sizes = (args.seed_patients, args.seed_observations, args.seed_alerts)
        note(f"seeding {sizes[0]} patients, {sizes[1]} observations, {sizes[2]} open alerts")
        self.seeded = seeding.seed(
            self.url,
            patients=args.seed_patients,
            observations=args.seed_observations,
            open_alerts=args.seed_alerts,
            nurses=max(args.load_processes, 2),
            log=note,
        )
        emit("large_db_patients", self.seeded.patients)
        emit("large_db_observations", self.seeded.observations)
        emit("large_db_open_alerts", self.seeded.open_alerts)
        for name, seconds in self.seeded.timings.items():
            emit(name, seconds, "s")
        emit(
            "seed_rows_per_s",
            self.seeded.observations / max(self.seeded.timings["seed_observations_s"], 1e-9),
            "rows/s",
        )
        self.db = Db(self.dsn)
        # Flush the seed's dirty pages now, so that no phase pays for the bulk load's checkpoint.
        t = time.perf_counter()
        self.db.conn.execute("CHECKPOINT")
        emit("seed_checkpoint_s", time.perf_counter() - t, "s")
        emit(
            "large_db_size",
            int(self.db.one("SELECT pg_database_size(current_database())")) / 2**20,
            "MiB",
        )
        py = str(VENV_BIN / "python")
        self.services.start("smtp", [py, "-m", "aiosmtpd", "-n", "-l", f"{HOST}:{self.smtp_port}"])
        self.services.start(
            "gunicorn",
            [
                str(VENV_BIN / "gunicorn"),
                "-w",
                str(args.gunicorn_workers),
                "--threads",
                str(args.gunicorn_threads),
                "-b",
                f"{HOST}:{self.port}",
                "telemon.wsgi:app",
            ],
        )
        self.services.worker("worker", args.worker_concurrency)
        wait_for(lambda: (self.services.check(), http_ready(self.port))[1], "gunicorn", 60)
        password = self.seeded.password
        self.nurse_tokens = [
            loadgen.get_token(HOST, self.port, name, password) for name in self.seeded.nurses
        ]
        self.clinician_token = loadgen.get_token(HOST, self.port, self.seeded.clinician, password)
        # Warm up: a few batches through the whole pipeline proves the worker is consuming.
        before = self.db.max_batch()
        warm = self.post_phase(50, 20, 20, None, "warmup", counted=True)
        if warm["ok"] == 0:
            raise RuntimeError("warm-up posts failed; see the gunicorn log")
        wait_for(lambda: self.db.pending(before) == 0, "the worker to evaluate the warm-up", 90)
        note("services are up; the worker evaluates")

    @staticmethod
    def dsn_to_url(parts: dict[str, Any]) -> str:
        user = parts.get("user", "postgres")
        password = f":{parts['password']}" if parts.get("password") else ""
        host = parts.get("host", "127.0.0.1")
        port = parts.get("port", "5432")
        return f"{user}{password}@{host}:{port}/{parts['dbname']}"

    # phase: raw PostgreSQL
    def raw_postgres(self) -> None:
        args = self.args
        table = "bench_raw_observation"
        conn = self.db.conn
        conn.execute(
            sql.SQL("CREATE TABLE {} (LIKE observation INCLUDING ALL)").format(
                sql.Identifier(table)
            )
        )
        # The same foreign keys as observation, so each row is checked as the API's are.
        for (definition,) in conn.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'observation'::regclass AND contype = 'f'"
        ).fetchall():
            conn.execute(
                sql.SQL("ALTER TABLE {} ADD " + definition).format(sql.Identifier(table))  # type: ignore[arg-type]
            )
        batch_id = self.db.max_batch()
        user_id = self.seeded.nurse_ids[0]
        patients = list(self.seeded.load_patient_ids)
        import random

        # COPY: the bulk limit, one connection.
        copy_rows = 50_000 if self.q else 200_000
        rows = loadgen.observation_rows(
            random.Random(self.run_id), patients, copy_rows, batch_id, user_id
        )
        with psycopg.connect(self.dsn) as copy_conn, copy_conn.cursor() as cur:
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
        emit("raw_pg_copy_rows_per_s", copy_rows / copy_s, "rows/s")
        # Committed multi-row INSERTs of 50 and of 1 row, from as many connections as the
        # API load uses: the limit for the API's transactions of the same size.
        for per_txn, name in ((50, "raw_pg_insert50"), (1, "raw_pg_insert1")):
            duration = self.bounded(5 if self.q else 15)
            processes = args.load_processes
            specs = [
                {
                    "dsn": self.dsn,
                    "table": table,
                    "threads": args.threads,
                    "per_txn": per_txn,
                    "max_rows": (100_000 if per_txn == 1 else 400_000) // processes,
                    "duration": duration,
                    "start_at": time.time() + 4,
                    "patients": patients,
                    "batch_id": batch_id,
                    "user_id": user_id,
                    "seed": f"{name}-{i}-{self.run_id}",
                }
                for i in range(processes)
            ]
            results = run_in_processes(loadgen.raw_insert, specs)
            rows_done = sum(r["rows"] for r in results)
            elapsed = max(r["elapsed"] for r in results)
            emit(f"{name}_rows_per_s", rows_done / elapsed, "rows/s")
        conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(table)))

    # phase: reads on the large database
    def reads(self) -> None:
        requests = 50 if self.q else 200
        for name, spec in (
            ("get_alerts", {"path": "/api/v1/alerts", "token": self.clinician_token}),
            (
                "queue_page",
                {"path": "/", "web_user": self.seeded.clinician, "password": self.seeded.password},
            ),
        ):
            spec.update(
                host=HOST,
                port=self.port,
                requests=requests,
                duration=self.bounded(20 if self.q else 45),
                warmup=5,
            )
            (result,) = run_in_processes(loadgen.read_latency, [spec])
            if set(result["statuses"]) != {200}:
                note(f"{name}: answers {result['statuses']} (see the gunicorn log); INVALID")
                self.invalid.add(name)
            emit(f"{name}_requests", len(result["latencies"]))
            emit(f"{name}_response_size", result["bytes"] / 1024, "KiB")
            emit_latency(name, result["latencies"], (50, 95, 99))
            self.results[name] = result["latencies"]

    # phase: throughput
    def throughput(self, size: int, name: str) -> float:
        seconds = self.args.phase_seconds * (1 if size > 1 else 0.75)
        duration = self.bounded(seconds)
        max_requests = int(duration * (self.args.max_obs_rate / size if size > 1 else 1500))
        before = self.db.max_batch()
        groups = self.services.groups("gunicorn", "worker")
        started = datetime.now(UTC)
        cpu_before = cpu_snapshot(groups)
        result = self.post_phase(size, duration, max_requests, None, name)
        ended = datetime.now(UTC)
        cpu_after = cpu_snapshot(groups)
        rate = result["ok"] * size / result["elapsed"]
        emit(f"{name}_obs_per_s", rate, "obs/s")
        emit(f"{name}_requests_per_s", result["ok"] / result["elapsed"], "req/s")
        emit(f"{name}_requests", result["ok"])
        emit_latency(f"{name}_http", result["latencies"])
        # Evaluation during the same window, and what was left when the load stopped.
        evaluated = int(
            self.db.one(
                "SELECT count(*) FROM observation o JOIN ingest_batch b ON b.id = o.batch_id "
                "WHERE b.id > %s AND b.evaluated_at <= %s",
                (before, ended),
            )
        )
        stored = int(
            self.db.one(
                "SELECT count(*) FROM observation o JOIN ingest_batch b ON b.id = o.batch_id "
                "WHERE b.id > %s AND b.received_at <= %s",
                (before, ended),
            )
        )
        backlog = self.db.pending(before)
        t = time.perf_counter()
        wait_for(lambda: self.db.pending(before) == 0, f"{name}: evaluation to drain", 300, 0.25)
        drain = time.perf_counter() - t if backlog else 0.0
        # Per second of the load itself (the phase also holds a start-up delay).
        eval_rate = evaluated / result["elapsed"]
        emit(f"{name}_stored_in_db", stored)
        emit(f"{name}_evaluated_obs_per_s", eval_rate, "obs/s")
        emit(f"{name}_eval_backlog_at_end", backlog, "batches")
        emit(f"{name}_eval_drain_after_load", drain, "s")
        lags = self.db.row(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag), "
            "percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) FROM ("
            "SELECT extract(epoch FROM evaluated_at - received_at) AS lag "
            "FROM ingest_batch WHERE id > %s) t",
            (before,),
        )
        emit(f"{name}_eval_lag_p50", float(lags[0] or 0) * 1000, "ms")
        emit(f"{name}_eval_lag_p99", float(lags[1] or 0) * 1000, "ms")
        # The batches of one evaluation run share its evaluated_at.
        runs = self.db.one(
            "SELECT count(DISTINCT evaluated_at) FROM ingest_batch WHERE id > %s", (before,)
        )
        emit(f"{name}_eval_runs", int(runs or 0))
        # Over the whole phase (start-up of the load processes included): where the cores went.
        emit_cpu(name, cpu_before, cpu_after, (ended - started).total_seconds())
        self.results[name] = {
            "rate": rate,
            "eval_rate": eval_rate,
            # Keeping up: what was evaluated in the window is at least 95 % of what was stored.
            "keeping_up": evaluated >= 0.95 * stored,
            "drain": drain,
        }
        return rate

    # phase: FHIR gateway uploads
    def fhir(self) -> None:
        """PHD-style transaction Bundles to POST /fhir (a gateway's session each: patient,
        devices, 5 observations holding 6 readings), closed loop; readings/s and the ratio to
        the JSON API's batch rate, when that phase ran."""
        duration = self.bounded(self.args.phase_seconds)
        max_requests = int(duration * 600)
        before = self.db.max_batch()
        ids = list(self.seeded.load_patient_ids)
        with psycopg.connect(self.dsn) as conn:
            rows = conn.execute(
                "SELECT id, cpr FROM patient WHERE id >= %s AND id <= %s ORDER BY id",
                (ids[0], ids[-1]),
            ).fetchall()
        specs = self.load_specs(self.nurse_tokens, 1, duration, max_requests, None, "fhir")
        for spec in specs:
            spec["fhir_patients"] = [(int(pid), str(cpr)) for pid, cpr in rows]
        groups = self.services.groups("gunicorn", "worker")
        started = datetime.now(UTC)
        cpu_before = cpu_snapshot(groups)
        results = run_in_processes(loadgen.post_load, specs)
        ended = datetime.now(UTC)
        cpu_after = cpu_snapshot(groups)
        statuses: dict[int, int] = {}
        for r in results:
            for status, count in r["statuses"].items():
                statuses[status] = statuses.get(status, 0) + count
        elapsed = max(r["elapsed"] for r in results)
        latencies = [x for r in results for x in r["latencies"]]
        ok = statuses.get(200, 0)
        if set(statuses) - {200} or any(r["errors"] for r in results):
            note(f"fhir: answers {statuses}, connection errors {sum(r['errors'] for r in results)}")
        stored = int(self.db.one("SELECT count(*) FROM observation WHERE batch_id > %s", (before,)))
        rate = ok * loadgen.FHIR_READINGS / elapsed
        emit("fhir_bundles_per_s", ok / elapsed, "bundles/s")
        emit("fhir_readings_per_s", rate, "readings/s")
        emit("fhir_readings_stored", stored)
        emit_latency("fhir_http", latencies)
        if "batch50_obs_per_s" in FIGURES:
            batch = float(FIGURES["batch50_obs_per_s"][0])
            emit("ratio_fhir_readings_to_batch50_api", rate / batch, "")
        wait_for(lambda: self.db.pending(before) == 0, "fhir: evaluation to drain", 300, 0.25)
        emit_cpu("fhir", cpu_before, cpu_after, (ended - started).total_seconds())
        self.results["fhir"] = {"rate": rate}

    # phase: end-to-end alert latency at half load
    def alert_latency(self, batch_rate: float) -> None:
        duration = self.bounded(self.args.phase_seconds)
        rate = batch_rate / 2 / 50  # batches per second, half the measured maximum
        emit("e2e_background_load", rate * 50, "obs/s")
        specs = self.load_specs(
            self.nurse_tokens, 50, duration, int(rate * duration) + 10, rate, "half"
        )
        interval = 0.5
        probe = {
            "host": HOST,
            "port": self.port,
            "token": self.nurse_tokens[0],
            "clinician_token": self.clinician_token,
            "probe_patients": self.seeded.probe_patient_ids,
            "patients": list(self.seeded.load_patient_ids),
            "size": 50,
            "interval": interval,
            "poll_interval": 0.02,
            "start_at": specs[0]["start_at"],
            "duration": duration,
            "timeout": 15.0,
            "seed": self.run_id,
        }
        with pool(len(specs) + 1) as executor:
            probing = executor.submit(loadgen.probe_alerts, probe)
            loads = [executor.submit(loadgen.post_load, spec) for spec in specs]
            probe_result = probing.result()
            load_results = [f.result() for f in loads]
        sent = sum(r["statuses"].get(201, 0) for r in load_results)
        elapsed = max(r["elapsed"] for r in load_results)
        emit("e2e_background_achieved", sent * 50 / elapsed, "obs/s")
        emit("e2e_alert_probes", len(probe_result["latencies"]))
        if probe_result["misses"] or probe_result["failures"]:
            note(f"e2e: {probe_result['misses']} probe(s) not seen in 15 s, {probe_result}")
        emit("e2e_alert_misses", probe_result["misses"])
        emit_latency("e2e_alert_latency", probe_result["latencies"], (50, 95, 99))
        self.results["e2e"] = probe_result["latencies"]

    # phase: does a second worker process add evaluation throughput?
    def worker_scaling(self) -> None:
        batches = 100 if self.q else 600
        self.services.stop("worker")
        configs = [(1, 1), (2, 1)] if self.q else [(1, 1), (2, 1), (1, 2), (2, 2)]
        drains: dict[str, float] = {}
        for processes, concurrency in configs:
            self.bounded(60)
            before = self.db.max_batch()
            result = self.post_phase(
                50, 60, batches, None, f"queue-{processes}x{concurrency}", counted=True
            )
            after = self.db.max_batch()
            names = [f"scale{i}" for i in range(processes)]
            for name in names:
                self.services.worker(name, concurrency, "--without-gossip", "--without-mingle")
            try:
                wait_for(
                    lambda b=before: (self.services.check(), self.db.pending(b) == 0)[1],
                    "the scaling drain",
                    240,
                    0.5,
                )
            finally:
                for name in names:
                    self.services.stop(name)
            # The batches of one run share its evaluated_at; the first run's start is unknown,
            # so the rate is what the later runs evaluated over the time they took.
            count, first_run, span = self.db.row(
                "SELECT count(*), count(*) FILTER (WHERE evaluated_at = m), "
                "extract(epoch FROM max(evaluated_at) - m) FROM ingest_batch, "
                "(SELECT min(evaluated_at) AS m FROM ingest_batch WHERE id > %s AND id <= %s) f "
                "WHERE id > %s AND id <= %s GROUP BY m",
                (before, after, before, after),
            )
            rate = (int(count) - int(first_run)) * 50 / max(float(span), 1e-9)
            key = f"{processes}x{concurrency}"
            drains[key] = rate
            emit(f"eval_drain_{key}_obs_per_s", rate, "obs/s")
            if result["ok"] != batches:
                note(f"scaling {key}: {result['ok']} of {batches} batches accepted")
        emit("eval_drain_gain_second_process", drains["2x1"] / drains["1x1"], "x")
        self.results["scaling"] = drains

    # the report
    def summary(self) -> None:
        r = self.results
        rows: list[tuple[str, str, str, bool | None]] = []
        if "batch50" in r:
            b = r["batch50"]
            rows.append(
                (
                    "obs/s via API, batches of 50, evaluation keeping up",
                    ">= 2000",
                    f"{b['rate']:.0f} stored, {b['eval_rate']:.0f} evaluated",
                    b["rate"] >= 2000 and b["keeping_up"],
                )
            )
        if "single" in r:
            rows.append(
                (
                    "single-observation posts/s",
                    ">= 300",
                    f"{r['single']['rate']:.0f}",
                    r["single"]["rate"] >= 300,
                )
            )
        if "e2e" in r:
            p99 = percentile(r["e2e"], 99) * 1000
            rows.append(
                (
                    "end-to-end alert latency p99, half load",
                    "< 1000 ms",
                    f"{p99:.0f} ms",
                    p99 < 1000,
                )
            )
        for key, label in (("get_alerts", "GET /api/v1/alerts"), ("queue_page", "queue page")):
            if key in r and key in self.invalid:
                rows.append((f"{label} p95, large database", "< 100 ms", "HTTP errors", None))
            elif key in r:
                p95 = percentile(r[key], 95) * 1000
                rows.append(
                    (f"{label} p95, large database", "< 100 ms", f"{p95:.0f} ms", p95 < 100)
                )
        if "scaling" in r:
            gain = r["scaling"]["2x1"] / r["scaling"]["1x1"]
            rows.append(
                (
                    "2nd worker process adds evaluation throughput",
                    "> 1.0x",
                    f"{gain:.2f}x",
                    gain > 1.05,
                )
            )
        print()
        print(f"{'target':<56} {'wanted':>10} {'measured':>28}  result")
        for label, wanted, measured, ok in rows:
            verdict = "INVALID" if ok is None else "met" if ok else "MISSED"
            print(f"{label:<56} {wanted:>10} {measured:>28}  {verdict}")


def load_average(phase: str) -> None:
    """The machine's 1-minute load average: above the core count, something else competes for
    the CPUs and the figures of that phase are pessimistic."""
    one, _, _ = os.getloadavg()
    emit(f"loadavg_{phase}", one, "")
    if one > (os.cpu_count() or 1):
        note(f"the machine is busy before {phase} (load {one:.1f}); figures are pessimistic")


def machine_info(redis_url: str, dsn: str) -> None:
    emit("machine_cpus", os.cpu_count() or 0)
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        emit("machine_memory", int(mem) / 2**20, "GiB")
    except OSError:
        pass
    emit("machine_cpu_model", model or platform.processor() or "unknown")
    emit("machine_python", platform.python_version())
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        emit("machine_postgresql", row[0] if row else "?")
        settings = conn.execute(
            "SELECT name, setting, coalesce(unit, '') FROM pg_settings WHERE name IN "
            "('shared_buffers', 'synchronous_commit', 'max_connections')"
        ).fetchall()
        for name, setting, unit in settings:
            emit(f"machine_pg_{name}", setting, unit)
    emit("machine_redis", redis.Redis.from_url(redis_url).info("server")["redis_version"])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="telemon benchmark (issue 6)")
    p.add_argument("--quick", action="store_true", help="~2-minute smoke run, small database")
    p.add_argument("--seed-patients", type=int, default=None, help="default 10000 (quick 1000)")
    p.add_argument("--seed-observations", type=int, default=None, help="default 5000000")
    p.add_argument("--seed-alerts", type=int, default=None, help="default 20000 (quick 2000)")
    p.add_argument("--phase-seconds", type=float, default=None, help="throughput phase length")
    p.add_argument("--max-minutes", type=float, default=15.0, help="hard limit for the run")
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
    p.add_argument(
        "--skip",
        default="",
        help="comma-separated phases to skip: raw,reads,batch,single,fhir,e2e,scaling",
    )
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
    )
    p.add_argument("--keep", action="store_true", help="keep the database and logs at the end")
    args = p.parse_args(argv)
    if args.seed_patients is None:
        args.seed_patients = 1000 if args.quick else 10_000
    if args.seed_observations is None:
        args.seed_observations = 100_000 if args.quick else 5_000_000
    if args.seed_alerts is None:
        args.seed_alerts = 2000 if args.quick else 20_000
    if args.phase_seconds is None:
        args.phase_seconds = 12 if args.quick else 45
    if args.quick:
        args.max_minutes = min(args.max_minutes, 5)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    bench = Bench(args)
    started = time.monotonic()
    code = 0
    try:
        machine_info(args.redis_url, seeding.libpq_url(args.database_url))
        bench.setup()
        if "raw" not in skip:
            load_average("raw")
            bench.raw_postgres()
        if "reads" not in skip:
            load_average("reads")
            bench.reads()
        batch_rate = 2000.0
        if "batch" not in skip:
            load_average("batch")
            batch_rate = bench.throughput(50, "batch50")
            bench.results["batch50"]["rate"] = batch_rate
        if "single" not in skip:
            load_average("single")
            bench.throughput(1, "single")
        if "fhir" not in skip:
            load_average("fhir")
            bench.fhir()
        if "raw" not in skip and "batch" not in skip and "single" not in skip:
            api50, raw50 = FIGURES["batch50_obs_per_s"][0], FIGURES["raw_pg_insert50_rows_per_s"][0]
            api1, raw1 = FIGURES["single_obs_per_s"][0], FIGURES["raw_pg_insert1_rows_per_s"][0]
            copy = FIGURES["raw_pg_copy_rows_per_s"][0]
            emit("ratio_batch50_api_to_raw_insert50", float(api50) / float(raw50), "")
            emit("ratio_batch50_api_to_raw_copy", float(api50) / float(copy), "")
            emit("ratio_single_api_to_raw_insert1", float(api1) / float(raw1), "")
        if "e2e" not in skip:
            load_average("e2e")
            bench.alert_latency(batch_rate)
        if "scaling" not in skip:
            load_average("scaling")
            bench.worker_scaling()
        load_average("end")
        emit("bench_total_s", time.monotonic() - started, "s")
        bench.summary()
    except KeyboardInterrupt:
        note("interrupted; stopping everything")
        code = 130
    except Exception as error:  # report, then clean up
        note(f"benchmark failed: {type(error).__name__}: {error}")
        services = getattr(bench, "services", None)
        for name in ("gunicorn", "worker"):
            if services is not None and services.tail(name).strip():
                note(f"last lines of {name}.log:\n{services.tail(name)}")
        code = 1
    finally:
        cleanup(bench, args.keep)
    return code


def cleanup(bench: Bench, keep: bool) -> None:
    services = getattr(bench, "services", None)
    if services is not None:
        services.stop_all()
    db = getattr(bench, "db", None)
    if db is not None:
        db.conn.close()
    if getattr(bench, "created_db", False) and not keep:
        with psycopg.connect(bench.admin_dsn, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(bench.db_name)
                )
            )
    elif getattr(bench, "created_db", False):
        note(f"kept database {bench.db_name}")
    if getattr(bench, "redis", None) is not None:
        bench.redis.flushdb()
    instance = getattr(bench, "instance", None)
    if instance is not None and not keep:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
