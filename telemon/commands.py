"""What the `telemon` command does (telemon.cli): serve, worker, beat, init-db, create-user, demo,
run-periodic. Registered on every app (telemon.app), so `app.test_cli_runner()` runs them too.
A command parses its arguments, calls use cases (telemon.transactions) and prints; it commits
nothing itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from telemon.administration.holidays import ensure_computed, ensure_from_environment
from telemon.anticoagulation.service import ensure_default_nomogram
from telemon.background import jobs
from telemon.background.scheduler import InProcessScheduler
from telemon.demo import load_demo
from telemon.errors import TelemonError
from telemon.http.links import served_url
from telemon.identity.service import create_user_by_operator
from telemon.patients.service import ensure_default_thresholds
from telemon.questionnaires.service import ensure_shipped as ensure_shipped_questionnaires


def register_commands(app: Flask) -> None:
    for command in (init_db, create_user, demo, serve, worker, beat, run_periodic):
        app.cli.add_command(command)


def prepare_database() -> None:
    """Create or migrate the schema; store the standard threshold sets, the shipped nomogram,
    the environment's public holidays, Denmark's of the coming years and telemon's own COPD
    questionnaire where they are not
    stored yet."""
    upgrade()
    ensure_default_thresholds()
    ensure_default_nomogram()
    ensure_from_environment()
    ensure_computed()
    ensure_shipped_questionnaires()


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or migrate the database schema."""
    prepare_database()
    click.echo("Database is at the latest schema.")


@click.command("create-user")
@click.argument("username")
@click.option(
    "--role", required=True, type=click.Choice(["admin", "clinician", "nurse", "gp", "messaging"])
)
@click.option("--organisation", "organisation_id", type=int, default=None)
@click.option("--email", default=None)
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from stdin.")
@with_appcontext
def create_user(
    username: str, role: str, organisation_id: int | None, email: str | None, password_stdin: bool
) -> None:
    """Create a user. Without --organisation an admin is a system administrator."""
    password = sys.stdin.readline().rstrip("\n")
    try:
        user = create_user_by_operator(username, role, organisation_id, email, password)
    except TelemonError as error:
        raise click.ClickException(_said(error)) from None
    click.echo(f"Created {role} {username!r} (id {user.id}).")


def _said(error: TelemonError) -> str:
    """A refusal as one line for the terminal: what was wrong, and why for each field
    ("organisation_id" is the command's --organisation)."""
    reasons = [
        f"{'--organisation' if field == 'organisation_id' else field}: {text}"
        for field, texts in (error.errors or {}).items()
        for text in texts
    ]
    return " ".join([error.detail, *reasons])


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Load synthetic demo data (idempotent): organisations, a care team, users, patients."""
    prepare_database()
    for line in load_demo():
        click.echo(line)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Start the API and the web UI (single process; production runs gunicorn)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # Mailed links point here unless TELEMON_BASE_URL says otherwise (telemon.http.links).
    app.config["TELEMON_SERVED_URL"] = served_url(host, port)
    prepare_database()
    if app.config["TELEMON_TASKS_IN_PROCESS"]:
        InProcessScheduler(app).start()
        mode = "embedded default: tasks in-process"
    else:
        mode = "background work goes to Celery workers (run `telemon worker` and `telemon beat`)"
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"telemon is running ({mode}).")
    click.echo(f"  Sign in:  http://{shown}:{port}/")
    click.echo(f"  API:      http://{shown}:{port}/api/v1  (OpenAPI: /api/openapi.json)")
    click.echo(f"  Database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    if not app.config["TELEMON_SMTP_URL"]:
        click.echo(f"  Mail:     written to {app.config['TELEMON_OUTBOX_DIR']}")
    run_simple(host, port, app, threaded=True, use_reloader=False)


def _celery_argv(kind: str, extra: tuple[str, ...]) -> list[str]:
    if not current_app.config["TELEMON_REDIS_URL"]:
        raise click.ClickException("Set TELEMON_REDIS_URL: workers need Redis.")
    return [kind, *extra]


# `telemon worker` with no --queues: one worker process per queue group, so that a hung SMTP
# server or a long periodic job never delays alert evaluation. (queues, pool, concurrency)
WORKER_GROUPS: tuple[tuple[str, str, int | None], ...] = (
    ("evaluation", "prefork", None),  # None: --concurrency, else one per core
    ("mail", "threads", 4),  # waits on SMTP, not on the CPU
    ("periodic", "solo", 1),
)


@click.command("worker", context_settings={"ignore_unknown_options": True})
@click.option(
    "--queues",
    default=None,
    help="Serve these queues in one process (e.g. evaluation). Default: a separate worker "
    "each for evaluation, mail and periodic.",
)
@click.option("--concurrency", type=int, default=None)
@click.argument("extra", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def worker(queues: str | None, concurrency: int | None, extra: tuple[str, ...]) -> None:
    """Start Celery workers (needs TELEMON_REDIS_URL)."""
    argv = _celery_argv("worker", extra)
    if queues is None:
        sys.exit(_supervise_groups(concurrency, extra))
    argv += ["-Q", queues, "--loglevel", os.environ.get("TELEMON_LOG_LEVEL", "INFO")]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    current_app.extensions["celery"].worker_main(argv)


def _supervise_groups(concurrency: int | None, extra: tuple[str, ...]) -> int:
    """Run one `telemon worker --queues ...` per group; stop all when one stops or on a signal."""
    children = []
    for queue, pool, size in WORKER_GROUPS:
        command = [sys.executable, "-m", "telemon", "worker", "--queues", queue]
        command += ["--pool", pool, "--hostname", f"{queue}@%h", *extra]
        if size is not None or concurrency:
            command += ["--concurrency", str(size or concurrency)]
        children.append(subprocess.Popen(command))

    def stop(signum: int, _frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(child.poll() is None for child in children):
        time.sleep(0.5)
    stop(signal.SIGTERM, None)
    codes = [child.wait() for child in children]
    return next((code for code in codes if code), 0)


@click.command("beat", context_settings={"ignore_unknown_options": True})
@click.argument("extra", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def beat(extra: tuple[str, ...]) -> None:
    """Start Celery beat, which schedules the periodic jobs (needs TELEMON_REDIS_URL)."""
    schedule_file = os.path.join(current_app.instance_path, "celerybeat-schedule")
    argv = _celery_argv("beat", extra) + ["--schedule", schedule_file, "--loglevel", "INFO"]
    current_app.extensions["celery"].start(argv)


@click.command("run-periodic")
@click.argument("job", required=False)
@with_appcontext
def run_periodic(job: str | None) -> None:
    """Run the periodic jobs once (or one of them), e.g. from cron on the embedded default."""
    names = [job] if job else list(jobs.PERIODIC)
    for name in names:
        if name not in jobs.PERIODIC:
            raise click.ClickException(f"Unknown job {name}; one of {', '.join(jobs.PERIODIC)}.")
        click.echo(f"{name}: {jobs.run(name)}")
