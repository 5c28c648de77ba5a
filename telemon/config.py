"""Configuration: the embedded default, or production from TELEMON_* variables.

With nothing set, telemon runs on a SQLite file under ./instance/, runs background work
in-process, writes mail as .eml files to ./instance/outbox/ and stores photos under
./instance/photos/. Setting TELEMON_DATABASE_URL, TELEMON_REDIS_URL and TELEMON_SMTP_URL
switches to PostgreSQL, Celery workers and real SMTP.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.engine import make_url

ENV_PREFIX = "TELEMON_"


class MissingSecretKey(RuntimeError):
    """Production (TELEMON_DATABASE_URL set) without TELEMON_SECRET_KEY: refused at start."""


def _storage_dir(instance_path: str) -> Path:
    return Path(os.environ.get("TELEMON_STORAGE_DIR") or instance_path)


def load_config(instance_path: str) -> dict[str, Any]:
    """Build the Flask config from the environment; the embedded default where unset."""
    storage = _storage_dir(instance_path)
    database_url = os.environ.get("TELEMON_DATABASE_URL") or f"sqlite:///{storage / 'telemon.db'}"
    redis_url = os.environ.get("TELEMON_REDIS_URL") or None
    smtp_url = os.environ.get("TELEMON_SMTP_URL") or None
    secret = os.environ.get("TELEMON_SECRET_KEY")
    if os.environ.get("TELEMON_DATABASE_URL") and not secret:
        # Production: every API process must sign sessions with the same key; one written to
        # this machine's instance folder would differ between processes and hosts.
        raise MissingSecretKey(
            "TELEMON_DATABASE_URL is set (production) but TELEMON_SECRET_KEY is not: set "
            "TELEMON_SECRET_KEY to a long random value, the same in every telemon process "
            "(for example `openssl rand -hex 32`)."
        )
    # Where mailed links point (telemon.http.links); unset: where `telemon serve` serves.
    base_url = os.environ.get("TELEMON_BASE_URL", "").strip().rstrip("/") or None
    return {
        "SECRET_KEY": secret or _development_secret(storage),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TELEMON_REDIS_URL": redis_url,
        # Without a broker, background work runs in this process right after the commit.
        "TELEMON_TASKS_IN_PROCESS": redis_url is None,
        "TELEMON_SMTP_URL": smtp_url,
        "TELEMON_MAIL_FROM": os.environ.get("TELEMON_MAIL_FROM", "telemon@localhost"),
        "TELEMON_OUTBOX_DIR": str(storage / "outbox"),
        "TELEMON_PHOTO_DIR": str(storage / "photos"),
        "TELEMON_BASE_URL": base_url,
        "TELEMON_TOKEN_TTL_SECONDS": int(os.environ.get("TELEMON_TOKEN_TTL_SECONDS", "28800")),
        # A red alert nobody has acknowledged after this many minutes is escalated.
        "TELEMON_ESCALATE_AFTER_MINUTES": int(
            os.environ.get("TELEMON_ESCALATE_AFTER_MINUTES", "30")
        ),
        # An accepted batch still unevaluated after this long is handed over again by the sweep.
        "TELEMON_SWEEP_AFTER_SECONDS": int(os.environ.get("TELEMON_SWEEP_AFTER_SECONDS", "60")),
        # How often the work list page fetches itself anew (the name is older than the page's).
        "TELEMON_QUEUE_REFRESH_SECONDS": int(os.environ.get("TELEMON_QUEUE_REFRESH_SECONDS", "30")),
        "TELEMON_DIGEST_HOUR": int(os.environ.get("TELEMON_DIGEST_HOUR", "7")),
        "TELEMON_LOGIN_LIMIT": os.environ.get("TELEMON_LOGIN_LIMIT", "5 per minute"),
        # Failed sign-ins per user name, from whatever address (telemon.identity.limits).
        "TELEMON_LOGIN_USER_LIMIT": os.environ.get("TELEMON_LOGIN_USER_LIMIT", "10 per 15 minutes"),
        # How many "this CPR number is registered" answers (409) one account gets.
        "TELEMON_CPR_CONFLICT_LIMIT": os.environ.get("TELEMON_CPR_CONFLICT_LIMIT", "10 per hour"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # With Redis down, sign-in still works: the limits are counted in this process's memory
        # until Redis answers again, and a limiter error never fails a request.
        "RATELIMIT_STORAGE_OPTIONS": _redis_fail_fast() if redis_url else {},
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        # How many proxies in front of telemon may be believed about the client's address
        # (X-Forwarded-For, -Proto, -Host): 0 unless telemon runs behind them.
        "TELEMON_TRUSTED_PROXIES": int(os.environ.get("TELEMON_TRUSTED_PROXIES", "0")),
        # An SMTP server that accepts and never answers holds a mail worker at most this long.
        "TELEMON_SMTP_TIMEOUT_SECONDS": float(os.environ.get("TELEMON_SMTP_TIMEOUT_SECONDS", "10")),
        # Seconds a client is told to wait (Retry-After) while the database is unreachable.
        "TELEMON_RETRY_AFTER_SECONDS": int(os.environ.get("TELEMON_RETRY_AFTER_SECONDS", "30")),
        "SESSION_COOKIE_HTTPONLY": True,
        # A web session ends after this long without a request (a shared ward PC).
        "PERMANENT_SESSION_LIFETIME": 60
        * int(os.environ.get("TELEMON_SESSION_IDLE_MINUTES", "30")),
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure cookies wherever telemon is reached over HTTPS (everywhere but a laptop).
        "SESSION_COOKIE_SECURE": (base_url or "").startswith("https://"),
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        # Wound photos: one photo's upper limit, and the pixel count above which a photo is
        # refused as a decompression bomb. With TELEMON_S3_BUCKET set, photos go to that
        # S3-compatible bucket (credentials from the standard AWS_* environment) instead of
        # TELEMON_PHOTO_DIR.
        "TELEMON_PHOTO_MAX_BYTES": int(os.environ.get("TELEMON_PHOTO_MAX_BYTES", "15000000")),
        "TELEMON_PHOTO_MAX_PIXELS": int(os.environ.get("TELEMON_PHOTO_MAX_PIXELS", "40000000")),
        # All photos of one upload together: bounds the decoding work one request can cause.
        "TELEMON_PHOTO_MAX_PIXELS_PER_UPLOAD": int(
            os.environ.get("TELEMON_PHOTO_MAX_PIXELS_PER_UPLOAD", "60000000")
        ),
        "TELEMON_S3_BUCKET": os.environ.get("TELEMON_S3_BUCKET") or None,
        "TELEMON_S3_ENDPOINT_URL": os.environ.get("TELEMON_S3_ENDPOINT_URL") or None,
        # Wound review requests: reply deadlines in the clinic's working time (see
        # telemon.woundcare.working_hours), and its public holidays (ISO dates, comma-separated).
        "TELEMON_REVIEW_URGENT_WORKING_HOURS": float(
            os.environ.get("TELEMON_REVIEW_URGENT_WORKING_HOURS", "4")
        ),
        "TELEMON_REVIEW_ROUTINE_WORKING_DAYS": float(
            os.environ.get("TELEMON_REVIEW_ROUTINE_WORKING_DAYS", "2")
        ),
        # A message to a care team is due this many of the team's working hours after it came.
        "TELEMON_MESSAGE_ANSWER_WORKING_HOURS": float(
            os.environ.get("TELEMON_MESSAGE_ANSWER_WORKING_HOURS", "8")
        ),
        "TELEMON_WORKING_HOURS": os.environ.get("TELEMON_WORKING_HOURS", "08:00-16:00"),
        "TELEMON_WORKING_TIMEZONE": os.environ.get("TELEMON_WORKING_TIMEZONE", "Europe/Copenhagen"),
        "TELEMON_PUBLIC_HOLIDAYS": os.environ.get("TELEMON_PUBLIC_HOLIDAYS", ""),
        # Denmark's public holidays computed for this many years from this one (0: none).
        "TELEMON_HOLIDAY_YEARS": int(os.environ.get("TELEMON_HOLIDAY_YEARS", "3")),
        # Healing trajectory: least area reduction (%) expected after the given days.
        "TELEMON_WOUND_VLU_MIN_REDUCTION_PERCENT": float(
            os.environ.get("TELEMON_WOUND_VLU_MIN_REDUCTION_PERCENT", "40")
        ),
        "TELEMON_WOUND_DFU_MIN_REDUCTION_PERCENT": float(
            os.environ.get("TELEMON_WOUND_DFU_MIN_REDUCTION_PERCENT", "50")
        ),
        "TELEMON_WOUND_TRAJECTORY_AFTER_DAYS": int(
            os.environ.get("TELEMON_WOUND_TRAJECTORY_AFTER_DAYS", "28")
        ),
        "API_TITLE": "telemon",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "WTF_CSRF_TIME_LIMIT": None,
    }


def _redis_fail_fast() -> dict[str, Any]:
    """Redis client options for calls a request waits on: short time-outs, no retries."""
    return {"socket_connect_timeout": 1, "socket_timeout": 1, "retry": Retry(NoBackoff(), 0)}


# argon2id's cost (telemon.security), as production hashes: 3 passes over 64 MiB in 4 lanes.
PASSWORD_HASH_TIME_COST = 3
PASSWORD_HASH_MEMORY_KIB = 64 * 1024
PASSWORD_HASH_PARALLELISM = 4


def password_hash_cost() -> tuple[int, int, int]:
    """argon2id's time cost, memory (KiB) and lanes: production's, unless
    TELEMON_PASSWORD_HASH_TIME_COST and TELEMON_PASSWORD_HASH_MEMORY_KIB say otherwise. Read
    from the environment at each use (not the Flask config), because hashing also runs outside
    an app (bench/seed.py) and in every process a test starts (`telemon demo`, workers). Only
    the test suite lowers it (tests/conftest.py); never lower it in production."""
    return (
        int(os.environ.get("TELEMON_PASSWORD_HASH_TIME_COST") or PASSWORD_HASH_TIME_COST),
        int(os.environ.get("TELEMON_PASSWORD_HASH_MEMORY_KIB") or PASSWORD_HASH_MEMORY_KIB),
        PASSWORD_HASH_PARALLELISM,
    )


def engine_options(database_url: str) -> dict[str, Any]:
    # SQL parameters (CPR numbers, names, values) never reach an error message or a log line.
    options: dict[str, Any] = {"hide_parameters": True}
    if database_url.startswith("sqlite"):
        # The API and the in-process scheduler share the file; wait for locks instead of failing.
        return {**options, "connect_args": {"timeout": 30}}
    # psycopg prepares a statement on its sixth run, and PostgreSQL then may switch to a generic
    # plan built without the parameter values. For the visibility joins that plan misjudges
    # row counts by orders of magnitude (GET /alerts went from 28 ms to 6 s on the benchmark
    # database), so every execution is planned with its values; parsing is still saved.
    # JIT compilation pays off for long analytic queries, not for ours: the work list's visibility
    # join looks expensive to the planner and spent 30 ms compiling to run in 20 ms.
    return {
        **options,
        "pool_pre_ping": True,
        "connect_args": {"options": "-c plan_cache_mode=force_custom_plan -c jit=off"},
    }


def private_database_file(database_url: str) -> None:
    """The embedded default's SQLite file readable by its owner only (0600), like the photos:
    created empty (an empty file is an empty SQLite database) before SQLite would create it
    with the umask's 0644. SQLite gives its journal and WAL files the database file's mode."""
    if not database_url.startswith("sqlite"):
        return
    path = make_url(database_url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


def _development_secret(storage: Path) -> str:
    """A per-installation random key kept in the instance folder, so sessions survive restarts."""
    storage.mkdir(parents=True, exist_ok=True)
    path = storage / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
