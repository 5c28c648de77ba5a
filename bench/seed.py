"""Build a large synthetic telemon database quickly: bench data, not application code.

    python bench/seed.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB \
        --patients 10000 --observations 5000000 --open-alerts 20000

The database must already be at the latest schema (`telemon init-db`). Rows are written as the
product writes them, so that a schema change cannot leave the seeder behind unnoticed:
- the column sets are checked against telemon.models and against the migrated database
  (bench/model_rows.py): a column the seeder writes that the schema lacks, or one the schema
  requires that the seeder leaves out, stops the seed with SchemaDrift naming it;
- the small tables go through SQLAlchemy Core inserts of the models' tables (their defaults
  apply); the two large ones, ingest batches and observations, are generated inside PostgreSQL
  (INSERT ... SELECT generate_series) over the same checked column sets;
- what the rows say comes from the product: units and LOINC codes from telemon.ingest.codes,
  birth dates from the CPR number, each enrolment's thresholds and schedule from the stored
  defaults (as enrolling copies them), and each open alert's severity, reasons and measurement
  from the COPD rules and telemon.alerts.joining, as evaluation raises them (bench/seed_alerts.py).
The observation table's secondary indexes are dropped during the load and rebuilt afterwards,
and foreign-key triggers are skipped for the session (session_replication_role = replica;
needs a superuser, falls back to checked inserts otherwise). Everything is synthetic: names,
CPR numbers and readings are made up.

Layout built (all COPD):
- a hospital, a municipality and a GP practice; one care team ("Bench lung team") holding every
  patient, so its clinician sees all of them (the worst case for the queue);
- `bench-clinician` (member of the team) and `bench-nurse-1..N` (municipality; every enrolment is
  shared with it), all with real argon2id hashes of the password given;
- N patients, one active COPD enrolment each with the programme's default thresholds;
- M observations spread evenly over the patients and the last 90 days, all in the normal range,
  in batches of 50 that are marked evaluated (bench/seed_readings.py);
- K open alerts on the first patients (the last `--probe-patients` patients are kept free of
  alerts), each with its "raised" event and, except the blue ones, the patient's latest reading
  of the measurement it is about.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from model_rows import SchemaDrift, check_columns, copy_rows, insert_rows, insert_select
from seed_alerts import ALERT_RULES, Enrolled, alert_rows
from seed_readings import SPAN_DAYS, load_readings
from sqlalchemy import Connection, create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from telemon.copd import rules
from telemon.models import (
    Alert,
    AlertEvent,
    CareTeam,
    DefaultSchedule,
    DefaultThreshold,
    Enrollment,
    Organisation,
    Patient,
    Threshold,
    User,
    alert_observation,
    care_team_member,
    enrollment_share,
)
from telemon.patients.cpr import birth_date_from_cpr
from telemon.patients.service import LIMIT_FIELDS
from telemon.security import hash_password

PASSWORD = "bench-password-1234"
PROGRAMME = "copd"


@dataclass
class Seeded:
    """What the benchmark needs to know about the seeded database."""

    hospital_id: int = 0
    municipality_id: int = 0
    gp_practice_id: int = 0
    care_team_id: int = 0
    clinician: str = "bench-clinician"
    nurses: list[str] = field(default_factory=list)
    nurse_ids: list[int] = field(default_factory=list)
    password: str = PASSWORD
    first_patient_id: int = 0
    patients: int = 0
    probe_patient_ids: list[int] = field(default_factory=list)
    observations: int = 0
    open_alerts: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def load_patient_ids(self) -> range:
        """Patients the load posts for: all but the probe patients."""
        return range(self.first_patient_id, self.first_patient_id + self.patients - self.probes)

    @property
    def probes(self) -> int:
        return len(self.probe_patient_ids)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://) as libpq understands it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def probes_among(patients: int, wanted: int = 200) -> int:
    """How many of the patients (the last ones) are kept free of alerts for the probes: at most
    a tenth, at least one."""
    return min(wanted, max(1, patients // 10))


def seed(
    database_url: str,
    patients: int = 10_000,
    observations: int = 5_000_000,
    open_alerts: int = 20_000,
    nurses: int = 4,
    probe_patients: int = 200,
    log: Any = print,
) -> Seeded:
    """Fill a freshly migrated telemon database; returns what was built."""
    probe_patients = probes_among(patients, probe_patients)
    alert_patients = patients - probe_patients
    if open_alerts > alert_patients * len(ALERT_RULES):
        raise ValueError(
            f"at most {alert_patients * len(ALERT_RULES)} open alerts fit on "
            f"{alert_patients} patients ({len(ALERT_RULES)} rules each)"
        )
    out = Seeded(patients=patients, observations=observations, open_alerts=open_alerts)
    started = time.perf_counter()
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            _session_settings(conn, log)
            _people(conn, out, nurses, hash_password(PASSWORD))  # real argon2id hashes
            enrolled, limits, schedule = _patients(conn, out, patients)
            conn.commit()
            # The alerts are planned, and their columns checked, before the long load.
            alerts = alert_rows(enrolled[:alert_patients], open_alerts, limits, schedule)
            if alerts:
                check_columns(conn, Alert.__table__, alerts[0])
            out.timings["seed_people_s"] = time.perf_counter() - started
            t = time.perf_counter()
            load_readings(conn, observations, out.first_patient_id, patients, out.nurse_ids[0])
            out.timings["seed_observations_s"] = time.perf_counter() - t
            t = time.perf_counter()
            _alerts(conn, alerts)
            conn.commit()
            out.timings["seed_alerts_s"] = time.perf_counter() - t
            first_probe = out.first_patient_id + alert_patients
            out.probe_patient_ids = list(range(first_probe, first_probe + probe_patients))
            t = time.perf_counter()
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM (ANALYZE)"))
            out.timings["seed_vacuum_analyze_s"] = time.perf_counter() - t
    finally:
        engine.dispose()
    out.timings["seed_total_s"] = time.perf_counter() - started
    return out


def _session_settings(conn: Connection, log: Any) -> None:
    try:
        conn.execute(text("SET session_replication_role = replica"))  # skip FK triggers
        conn.commit()
    except DBAPIError:
        conn.rollback()
        log("seed: not a superuser; foreign keys are checked row by row (slower)")
    conn.execute(text("SET maintenance_work_mem = '512MB'"))
    conn.commit()


def _people(conn: Connection, out: Seeded, nurses: int, password_hash: str) -> None:
    """The organisations, the care team and its staff."""
    now = datetime.now(UTC)
    out.hospital_id, out.municipality_id, out.gp_practice_id = insert_rows(
        conn,
        Organisation.__table__,
        [
            {"name": name, "kind": kind, "created_at": now}
            for name, kind in (
                ("Bench Hospital", "hospital"),
                ("Bench Municipality", "municipality"),
                ("Bench GP", "gp_practice"),
            )
        ],
        returning="id",
    )
    out.nurses = [f"bench-nurse-{i}" for i in range(1, nurses + 1)]
    staff = [(out.clinician, "clinician", out.hospital_id), ("bench-gp", "gp", out.gp_practice_id)]
    staff += [(name, "nurse", out.municipality_id) for name in out.nurses]
    user_ids = insert_rows(
        conn,
        User.__table__,
        [
            {
                "username": name,
                "password_hash": password_hash,
                "role": role,
                "organisation_id": organisation_id,
                "email": f"{name}@example.invalid",
                "active": True,
                "language": "en",
                "created_at": now,
            }
            for name, role, organisation_id in staff
        ],
        returning="id",
    )
    out.nurse_ids = user_ids[2:]
    (out.care_team_id,) = insert_rows(
        conn,
        CareTeam.__table__,
        [
            {
                "name": "Bench lung team",
                "organisation_id": out.hospital_id,
                "email": "bench-team@example.invalid",
                "escalation_email": "bench-lead@example.invalid",
                "created_at": now,
            }
        ],
        returning="id",
    )
    insert_rows(
        conn, care_team_member, [{"care_team_id": out.care_team_id, "user_id": user_ids[0]}]
    )


def _patients(
    conn: Connection, out: Seeded, patients: int
) -> tuple[list[Enrolled], dict[str, rules.Limits], dict[str, Any]]:
    """The patients, each enrolled in COPD as enrolling does it (the stored default thresholds
    and schedule copied), shared with the municipality and the GP practice. Returns the
    enrolments in patient order, their limits and their schedule settings."""
    now = datetime.now(UTC)
    rows = []
    for g in range(patients):
        # CPR-shaped, synthetic: DDMMYY + a 4-digit serial, unique by construction.
        born = date(1940, 1, 1) + timedelta(days=g % 20_000)
        cpr = f"{born:%d%m%y}{g // 20_000:04d}"
        rows.append(
            {
                "cpr": cpr,
                "name": f"Bench patient {g}",
                "birth_date": birth_date_from_cpr(cpr),
                "organisation_id": out.hospital_id,
                "created_at": now,
            }
        )
    patient_ids = _copied(conn, Patient.__table__, rows)
    out.first_patient_id = patient_ids[0]
    if patient_ids != list(range(patient_ids[0], patient_ids[0] + patients)):
        raise RuntimeError("seed: patient ids are not consecutive (was the database fresh?)")
    stored_schedule = conn.scalar(
        select(DefaultSchedule.settings).where(DefaultSchedule.programme == PROGRAMME)
    )
    enrollment_ids = _copied(
        conn,
        Enrollment.__table__,
        [
            {
                "patient_id": patient_id,
                "programme": PROGRAMME,
                "care_team_id": out.care_team_id,
                "status": "active",
                "enrolled_at": now - timedelta(days=SPAN_DAYS + 30),
                "schedule": dict(stored_schedule or {}),  # as enrolling copies the default
                "rule_settings": {},
            }
            for patient_id in patient_ids
        ],
    )
    copy_rows(
        conn,
        enrollment_share,
        [
            {"enrollment_id": enrollment_id, "organisation_id": organisation_id}
            for enrollment_id in enrollment_ids
            for organisation_id in (out.municipality_id, out.gp_practice_id)
        ],
    )
    defaults = conn.execute(
        select(DefaultThreshold).where(DefaultThreshold.programme == PROGRAMME)
    ).all()
    copy_rows(
        conn,
        Threshold.__table__,
        [
            {"enrollment_id": enrollment_id, "code": row.code}
            | {f: getattr(row, f) for f in LIMIT_FIELDS}
            for enrollment_id in enrollment_ids
            for row in defaults
        ],
    )
    limits = {
        row.code: rules.Limits(**{f: getattr(row, f) for f in LIMIT_FIELDS}) for row in defaults
    }
    enrolled = [
        Enrolled(patient_id, enrollment_id, out.care_team_id, PROGRAMME)
        for patient_id, enrollment_id in zip(patient_ids, enrollment_ids, strict=True)
    ]
    return enrolled, limits, dict(stored_schedule or {})


def _copied(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """COPY rows into a table of the fresh database; their ids, in the order of `rows`."""
    before = conn.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    copy_rows(conn, table, rows)
    return list(conn.scalars(select(table.c.id).where(table.c.id > before).order_by(table.c.id)))


def _alerts(conn: Connection, alerts: list[dict[str, Any]]) -> None:
    """The open alerts, each with its "raised" event and (but the blue ones) the patient's
    latest reading of its measurement."""
    if not alerts:
        return
    before = int(conn.scalar(text("SELECT coalesce(max(id), 0) FROM alert")) or 0)
    copy_rows(conn, Alert.__table__, alerts)
    insert_select(
        conn,
        AlertEvent.__table__,
        {"alert_id": "id", "at": "raised_at", "kind": "'raised'", "severity": "severity"},
        "alert WHERE id > :before ORDER BY id",
        {"before": before},
    )
    insert_select(
        conn,
        alert_observation,
        {"alert_id": "a.id", "observation_id": "o.id"},
        "alert a CROSS JOIN LATERAL (SELECT id FROM observation WHERE patient_id = a.patient_id "
        "AND code = a.measurement ORDER BY effective_at DESC LIMIT 1) o "
        "WHERE a.id > :before AND a.severity <> 'blue'",
        {"before": before},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a migrated telemon database")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--observations", type=int, default=5_000_000)
    parser.add_argument("--open-alerts", type=int, default=20_000)
    parser.add_argument("--nurses", type=int, default=4)
    parser.add_argument("--probe-patients", type=int, default=200)
    args = parser.parse_args(argv)
    try:
        seeded = seed(
            args.database_url,
            patients=args.patients,
            observations=args.observations,
            open_alerts=args.open_alerts,
            nurses=args.nurses,
            probe_patients=args.probe_patients,
        )
    except (SchemaDrift, ValueError) as error:
        print(f"seed failed: {error}", file=sys.stderr)
        return 1
    print(
        f"seeded {seeded.patients} patients, {seeded.observations} observations, "
        f"{seeded.open_alerts} open alerts (password for bench users: {seeded.password})"
    )
    for name, seconds in seeded.timings.items():
        print(f"{name}: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
