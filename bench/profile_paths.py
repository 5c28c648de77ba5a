"""Profile telemon's hot request paths in-process, on a database seeded by bench/seed.py.

    python bench/profile_paths.py --database-url postgresql+psycopg://postgres@127.0.0.1/DB

For each path (a single-observation post, a batch of 50, evaluation of such a batch,
GET /api/v1/alerts, the queue page at /queue) it prints the mean time, the SQL statements per
request grouped by shape (an N+1 shows as one shape repeated), and the top functions by
cumulative time (cProfile). Nothing here is part of the application; it writes a few
observations, alerts and audit rows into the database given, so point it at a benchmark
database, never a real one.
Tasks go to Redis (db 13 by default, flushed before and after); no worker consumes them.

Instructions rather than time (the machine is shared, so times move; instruction counts do not):
run it under callgrind with instrumentation off, and --callgrind counts each path's measured
calls alone (cProfile off), printing "instructions per request" for each:

    valgrind --tool=callgrind --instr-atstart=no .venv/bin/python bench/profile_paths.py \
        --database-url … --callgrind --runs 5 --only alerts
An answer other than the one expected stops it (exit status 1) with what came instead.
"""

from __future__ import annotations

import argparse
import cProfile
import glob
import io
import json
import os
import pstats
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadgen  # noqa: E402
import seed as seeding  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (e.g. tottime)")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="profile only the paths whose name holds this (e.g. '1 item', alerts); repeatable",
    )
    parser.add_argument(
        "--callgrind",
        action="store_true",
        help="under valgrind --tool=callgrind --instr-atstart=no: count instructions per path",
    )
    parser.add_argument(
        "--cpu-clock",
        action="store_true",
        help="cProfile times by this process's CPU time (no waiting on PostgreSQL in the times)",
    )
    args = parser.parse_args(argv)

    import redis
    from sqlalchemy import event, func, select

    os.environ["TELEMON_INSTANCE"] = tempfile.mkdtemp(prefix="telemon-profile-")
    os.environ.setdefault("TELEMON_LOG_LEVEL", "WARNING")
    from telemon.app import create_app
    from telemon.extensions import db
    from telemon.models import IngestBatch, Patient

    redis.Redis.from_url(args.redis_url).flushdb()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "TELEMON_REDIS_URL": args.redis_url,
            "TELEMON_TASKS_IN_PROCESS": False,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    app.extensions["celery"].conf.broker_url = args.redis_url
    statements: list[str] = []

    with app.app_context():

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
            statements.append(statement)

        first = db.session.scalar(select(func.min(Patient.id)))
        last = db.session.scalar(select(func.max(Patient.id)))
        db.session.commit()
        if first is None or last is None:
            raise SystemExit("no patients: seed the database with bench/seed.py first")
        count = last - first + 1
        patients = list(range(first, last + 1 - seeding.probes_among(count)))  # not the probes
        client = app.test_client()
        password = seeding.PASSWORD

        def token(user: str) -> dict[str, str]:
            answer = client.post(
                "/api/v1/auth/token", json={"username": user, "password": password}
            )
            _expect(answer, 200)
            return {"Authorization": f"Bearer {answer.get_json()['access_token']}"}

        nurse = token("bench-nurse-1")
        clinician = token("bench-clinician")
        web = app.test_client()
        signed_in = web.post("/sign-in", data={"username": "bench-clinician", "password": password})
        _expect(signed_in, 302)
        rng = random.Random()  # fresh client_ids: the script may run again on the same database

        def post(size: int) -> Any:
            body = (
                loadgen.batch_body(rng, patients, size)
                if size > 1
                else loadgen.single_body(rng, patients)
            )
            answer = client.post(
                "/api/v1/observations",
                data=body,
                headers={**nurse, "Content-Type": "application/json"},
            )
            return _expect(answer, 201)

        waiting: list[int] = []

        def post_for_evaluation() -> None:
            post(50)
            waiting.append(db.session.scalar(select(func.max(IngestBatch.id))))
            db.session.commit()

        def evaluate() -> None:
            from telemon.alerts import evaluation

            evaluation.evaluate_batch(waiting.pop())

        # (name, the call measured, what it needs done first, unmeasured)
        paths: list[tuple[str, Any, Any]] = [
            ("POST /api/v1/observations (1 item)", lambda: post(1), None),
            ("POST /api/v1/observations (50 items)", lambda: post(50), None),
            ("evaluate_batch (50 items, 10 patients)", evaluate, post_for_evaluation),
            (
                "GET /api/v1/alerts (clinician)",
                lambda: _expect(client.get("/api/v1/alerts", headers=clinician), 200),
                None,
            ),
            ("GET /queue (queue page)", lambda: _expect(web.get("/queue"), 200), None),
        ]
        if args.callgrind:  # what turning the counting on and off costs, to subtract
            paths.insert(0, ("nothing (the counting's own cost)", lambda: None, None))
        for name, call, prepare in paths:
            if (
                args.only
                and not name.startswith("nothing")
                and not any(part.lower() in name.lower() for part in args.only)
            ):
                continue
            timings: list[float] = []
            cpu_times: list[float] = []
            if args.callgrind:
                _callgrind("-z")  # what ran before (the warm-up, other paths) does not count
            profile = cProfile.Profile(time.process_time) if args.cpu_clock else cProfile.Profile()
            shapes: Counter[str] = Counter()
            for run in range(args.runs + 1):  # the first warms up
                if prepare is not None:
                    prepare()
                if run == 0:
                    call()
                    continue
                statements.clear()
                started = time.perf_counter()
                cpu = time.process_time()
                if args.callgrind:
                    _callgrind("-i", "on")
                else:
                    profile.enable()
                call()
                if args.callgrind:
                    _callgrind("-i", "off")
                else:
                    profile.disable()
                timings.append(time.perf_counter() - started)
                cpu_times.append(time.process_time() - cpu)
                shapes.update(_shape(s) for s in statements)
            per_request = sum(shapes.values()) / args.runs
            print(f"\n=== {name}")
            print(f"mean {1000 * sum(timings) / len(timings):.1f} ms over {args.runs} runs")
            print(f"CPU of this process {1000 * sum(cpu_times) / len(cpu_times):.1f} ms a request")
            if args.callgrind:
                print(f"instructions per request: {_callgrind_dump(name) / args.runs / 1e6:.1f} M")
                continue
            print(f"SQL statements per request: {per_request:.1f}")
            for shape, count in shapes.most_common(8):
                print(f"  {count / args.runs:7.1f} x  {shape}")
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out).sort_stats(args.sort)
            stats.print_stats(args.top)
            print(_trim(out.getvalue()))
    redis.Redis.from_url(args.redis_url).flushdb()
    print(json.dumps({"note": "profile done"}))
    return 0


def _expect(answer: Any, status: int) -> Any:
    """The answer, if it has the status expected; otherwise stop with what came instead."""
    if answer.status_code != status:
        raise SystemExit(
            f"{answer.request.method} {answer.request.path}: HTTP {answer.status_code}, "
            f"expected {status}: {answer.get_data()[:300]!r}"
        )
    return answer


def _callgrind(*command: str) -> None:
    """Tell the callgrind this process runs under (callgrind_control) to do something."""
    subprocess.run(
        ["callgrind_control", *command, str(os.getpid())], check=True, capture_output=True
    )


def _callgrind_dump(name: str) -> int:
    """Dump callgrind's counts since the last zeroing; the instructions counted."""
    before = set(glob.glob(f"callgrind.out.{os.getpid()}*"))
    _callgrind("-d", re.sub(r"\W+", "_", name))
    for _ in range(100):
        dumped = set(glob.glob(f"callgrind.out.{os.getpid()}*")) - before
        if dumped:
            time.sleep(0.5)  # written in full
            text = Path(dumped.pop()).read_text()
            found = re.search(r"^totals: (\d+)", text, re.MULTILINE)  # the file's last line
            if found:
                return int(found.group(1))
        time.sleep(0.2)
    raise SystemExit("callgrind wrote no dump: run under valgrind --tool=callgrind")


def _shape(statement: str) -> str:
    text = re.sub(r"\s+", " ", statement)
    text = re.sub(r"%\(\w+\)s", "?", text)
    text = re.sub(r"\(\?(, \?)*\)", "(…)", text)
    return text[:150]


def _trim(report: str) -> str:
    """Drop pstats' header noise; keep the table."""
    lines = report.splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith("ncalls"):
            return "\n".join(lines[i:])
    return report


if __name__ == "__main__":
    sys.exit(main())
