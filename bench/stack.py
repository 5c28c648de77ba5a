"""The production shape on this machine, all on loopback: a database of the run's own (created,
migrated, seeded, dropped), gunicorn, a Celery worker and an SMTP sink as subprocesses, and the
load driven from a pool of processes (bench/loadgen.py).

Anything that goes wrong raises BenchFailure with what happened: a phase never prints a figure
measured on error answers, lost connections or readings that were not evaluated.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import loadgen
import psycopg
import redis
import seed as seeding
from psycopg import sql
from report import emit, note

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
VENV_BIN = Path(sys.executable).parent


class BenchFailure(RuntimeError):
    """The run cannot give a true figure: an error answer, a lost connection, a failed
    evaluation, a service that died."""


@dataclass(frozen=True)
class Scale:
    """How big a run is: the seeded database and how much each phase does."""

    patients: int
    observations: int
    open_alerts: int
    phase_seconds: float  # each throughput phase
    max_minutes: float  # the whole run
    copy_rows: int  # the raw COPY
    raw_seconds: float  # each raw INSERT phase
    reads: int  # requests per read phase
    read_seconds: float
    scaling_batches: int  # posted for each worker configuration
    scaling_configs: tuple[tuple[int, int], ...]  # (processes, concurrency)
    judged: bool = True  # the figures are compared with the targets


FULL = Scale(
    patients=10_000,
    observations=5_000_000,
    open_alerts=20_000,
    phase_seconds=45,
    max_minutes=15,
    copy_rows=200_000,
    raw_seconds=15,
    reads=200,
    read_seconds=45,
    scaling_batches=600,
    scaling_configs=((1, 1), (2, 1), (1, 2), (2, 2)),
)
QUICK = replace(
    FULL,
    patients=1_000,
    observations=100_000,
    open_alerts=2_000,
    phase_seconds=12,
    max_minutes=5,
    copy_rows=50_000,
    raw_seconds=5,
    reads=50,
    read_seconds=20,
    scaling_batches=100,
    scaling_configs=((1, 1), (2, 1)),
)
# CI's check that every phase still runs against the schema of the day: a tiny database, a
# few seconds a phase, no targets.
SMOKE = replace(
    QUICK,
    patients=50,
    observations=5_000,
    open_alerts=200,
    phase_seconds=3,
    max_minutes=8,
    copy_rows=5_000,
    raw_seconds=2,
    reads=20,
    read_seconds=10,
    judged=False,
)


# --- processes --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


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

    def stop(self, *names: str, timeout: float = 20.0) -> None:
        """Stop these services together: SIGTERM to each, then wait (SIGKILL after timeout)."""
        procs = [p for p in (self.procs.pop(name, None) for name in names) if p is not None]
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def stop_all(self) -> None:
        self.stop(*self.procs)

    def check(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise BenchFailure(f"{name} exited with {proc.returncode}:\n{self.tail(name)}")

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
    raise BenchFailure(f"gave up waiting for {what} after {timeout:.0f} s")


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


def merged(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The load processes' results as one: latencies, answers by status, connection errors,
    the longest elapsed time, whether any ran out of prepared requests."""
    out: dict[str, Any] = {"latencies": [], "statuses": {}, "errors": 0, "elapsed": 0.0}
    out["exhausted"] = False
    for r in results:
        out["latencies"] += r["latencies"]
        for status, count in r["statuses"].items():
            out["statuses"][status] = out["statuses"].get(status, 0) + count
        out["errors"] += r["errors"]
        out["elapsed"] = max(out["elapsed"], r["elapsed"])
        out["exhausted"] = out["exhausted"] or r.get("exhausted", False)
    return out


def require_answers(what: str, result: dict[str, Any], expected: int) -> int:
    """The number of `expected` answers; BenchFailure on any other answer, on a connection
    error, or when nothing was answered."""
    statuses: dict[int, int] = result["statuses"]
    other = {status: n for status, n in statuses.items() if status != expected}
    if other or result["errors"]:
        raise BenchFailure(
            f"{what}: answers other than {expected}: {other or 'none'}; connection errors: "
            f"{result['errors']} (see gunicorn.log)"
        )
    ok = statuses.get(expected, 0)
    if ok == 0:
        raise BenchFailure(f"{what}: no request was answered within the phase")
    return ok


# --- the database -----------------------------------------------------------------------------


class Db:
    def __init__(self, dsn: str) -> None:
        self.conn = psycopg.connect(dsn, autocommit=True)

    def one(self, query: str, params: Any = None) -> Any:
        row = self.conn.execute(query, params).fetchone()
        return None if row is None else row[0]

    def row(self, query: str, params: Any = None) -> Any:
        return self.conn.execute(query, params).fetchone()

    def pending(self, after_batch: int) -> int:
        return int(
            self.one(
                "SELECT count(*) FROM ingest_batch WHERE id > %s AND evaluated_at IS NULL",
                (after_batch,),
            )
        )

    def failed(self, after_batch: int) -> int:
        """Batches whose evaluation failed (counted as an attempt, still waiting)."""
        return int(
            self.one(
                "SELECT count(*) FROM ingest_batch WHERE id > %s AND evaluated_at IS NULL "
                "AND attempts > 0",
                (after_batch,),
            )
        )

    def max_batch(self) -> int:
        return int(self.one("SELECT coalesce(max(id), 0) FROM ingest_batch"))


# --- the running system -----------------------------------------------------------------------


class Stack:
    """Everything a phase talks to, set up by setup() and torn down by cleanup()."""

    # Set by setup(), in this order; cleanup() undoes what was done.
    instance: Path
    logs: Path
    redis: redis.Redis
    services: Services
    seeded: seeding.Seeded
    db: Db
    port: int
    nurse_tokens: list[str]
    clinician_token: str

    def __init__(self, args: argparse.Namespace, scale: Scale) -> None:
        self.args = args
        self.scale = scale
        self.deadline = time.monotonic() + args.max_minutes * 60
        self.run_id = secrets.token_hex(4)
        self.db_name = f"telemon_bench_{self.run_id}"
        self.admin_dsn = seeding.libpq_url(args.database_url)
        self.created_db = False

    # time
    def bounded(self, seconds: float) -> float:
        """A phase's duration, cut so the whole run keeps to --max-minutes."""
        left: float = self.deadline - time.monotonic() - 30
        if left < 5:
            raise BenchFailure("out of time (--max-minutes); stopping")
        return min(seconds, left)

    # evaluation
    def drain(self, before: int, what: str, timeout: float = 300) -> None:
        """Wait until the worker has evaluated every batch after `before`; BenchFailure at
        once when an evaluation failed or a service died."""
        db, services = self.db, self.services

        def drained() -> bool:
            services.check()
            failed = db.failed(before)
            if failed:
                raise BenchFailure(
                    f"{what}: the worker failed to evaluate {failed} batch(es):\n"
                    f"{services.tail('worker')}"
                )
            return db.pending(before) == 0

        wait_for(drained, f"{what}: evaluation to drain", timeout, 0.25)

    # load
    def load_specs(
        self,
        size: int,
        duration: float,
        max_requests: int,
        rate: float | None,
        tag: str,
    ) -> list[dict[str, Any]]:
        """One spec per load process (bench/loadgen.py post_load), the nurses' tokens in turn."""
        processes = self.args.load_processes
        start_at = time.time() + (6 if max_requests > 2000 else 3)
        patients = list(self.seeded.load_patient_ids)
        return [
            {
                "host": HOST,
                "port": self.port,
                "token": self.nurse_tokens[i % len(self.nurse_tokens)],
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
        """Post observation batches of `size` from --load-processes processes; every answer
        must be 201. `counted`: the count, not the time, is the phase's measure."""
        specs = self.load_specs(size, duration, max_requests, rate, tag)
        result = merged(run_in_processes(loadgen.post_load, specs))
        result["ok"] = require_answers(f"{tag}: POST /api/v1/observations", result, 201)
        if result["exhausted"] and not counted:
            note(f"{tag}: the request budget ran out before the time limit (--max-obs-rate)")
        return result

    # setup
    def setup(self) -> None:
        args = self.args
        base = psycopg.conninfo.conninfo_to_dict(self.admin_dsn)
        base["dbname"] = self.db_name
        self.dsn = psycopg.conninfo.make_conninfo(**base)  # type: ignore[arg-type]
        self.url = "postgresql+psycopg://" + _dsn_to_url(base)
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
        self._migrate(env)
        self._seed()
        self._start_services()
        password = self.seeded.password
        self.nurse_tokens = [
            loadgen.get_token(HOST, self.port, name, password) for name in self.seeded.nurses
        ]
        self.clinician_token = loadgen.get_token(HOST, self.port, self.seeded.clinician, password)
        # Warm up: a few batches through the whole pipeline prove the worker evaluates.
        before = self.db.max_batch()
        self.post_phase(50, 20, 20, None, "warmup", counted=True)
        self.drain(before, "warm-up", 90)
        note("services are up; the worker evaluates")

    def _migrate(self, env: dict[str, str]) -> None:
        t = time.perf_counter()
        migrated = subprocess.run(
            [str(VENV_BIN / "python"), "-m", "telemon", "init-db"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if migrated.returncode != 0:
            raise BenchFailure(f"telemon init-db failed:\n{migrated.stderr[-2000:]}")
        emit("setup_migrate_s", time.perf_counter() - t, "s")

    def _seed(self) -> None:
        s = self.scale
        note(
            f"seeding {s.patients} patients, {s.observations} observations, {s.open_alerts} alerts"
        )
        self.seeded = seeding.seed(
            self.url,
            patients=s.patients,
            observations=s.observations,
            open_alerts=s.open_alerts,
            nurses=max(self.args.load_processes, 2),
            log=note,
        )
        emit("large_db_patients", self.seeded.patients)
        emit("large_db_observations", self.seeded.observations)
        emit("large_db_open_alerts", self.seeded.open_alerts)
        for name, seconds in self.seeded.timings.items():
            emit(name, seconds, "s")
        seconds = max(self.seeded.timings["seed_observations_s"], 1e-9)
        emit("seed_rows_per_s", self.seeded.observations / seconds, "rows/s")
        self.db = Db(self.dsn)
        # Flush the seed's dirty pages now, so that no phase pays for the bulk load's checkpoint.
        t = time.perf_counter()
        self.db.conn.execute("CHECKPOINT")
        emit("seed_checkpoint_s", time.perf_counter() - t, "s")
        size = int(self.db.one("SELECT pg_database_size(current_database())"))
        emit("large_db_size", size / 2**20, "MiB")

    def _start_services(self) -> None:
        args, services = self.args, self.services
        py = str(VENV_BIN / "python")
        services.start("smtp", [py, "-m", "aiosmtpd", "-n", "-l", f"{HOST}:{self.smtp_port}"])
        gunicorn = [str(VENV_BIN / "gunicorn"), "-w", str(args.gunicorn_workers), "--threads"]
        gunicorn += [str(args.gunicorn_threads), "-b", f"{HOST}:{self.port}", "telemon.wsgi:app"]
        services.start("gunicorn", gunicorn)
        services.worker("worker", args.worker_concurrency)

        def ready() -> bool:
            services.check()
            return http_ready(self.port)

        wait_for(ready, "gunicorn", 60)

    def cleanup(self, keep: bool) -> None:
        """Stop every subprocess; drop the database, flush Redis and remove the instance folder
        unless `keep`."""
        if hasattr(self, "services"):
            self.services.stop_all()
        if hasattr(self, "db"):
            self.db.conn.close()
        if self.created_db and not keep:
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.db_name)
                    )
                )
        elif self.created_db:
            note(f"kept database {self.db_name}")
        if hasattr(self, "redis"):
            self.redis.flushdb()
        if hasattr(self, "instance") and not keep:
            shutil.rmtree(self.instance, ignore_errors=True)


def _dsn_to_url(parts: dict[str, Any]) -> str:
    user = parts.get("user", "postgres")
    password = f":{parts['password']}" if parts.get("password") else ""
    host = parts.get("host", "127.0.0.1")
    port = parts.get("port", "5432")
    return f"{user}{password}@{host}:{port}/{parts['dbname']}"
