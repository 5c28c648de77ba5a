"""Build a large synthetic telemon database quickly: bench data, not application code.

    python bench/seed.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB \
        --patients 10000 --observations 5000000 --open-alerts 20000

The database must already be at the latest schema (`telemon init-db`). Rows are generated inside
PostgreSQL (INSERT ... SELECT generate_series), the observation table's secondary indexes are
dropped during the load and rebuilt afterwards, and foreign-key triggers are skipped for the
session (session_replication_role = replica; needs a superuser, falls back to checked inserts
otherwise). Everything is synthetic: names, CPR numbers and readings are made up.

Layout built (all COPD):
- a hospital, a municipality and a GP practice; one care team ("Bench lung team") holding every
  patient, so its clinician sees all of them (the worst case for the queue);
- `bench-clinician` (member of the team) and `bench-nurse-1..N` (municipality; every enrolment is
  shared with it), all with real argon2id hashes of the password given;
- N patients, one active COPD enrolment each with the programme's default thresholds;
- M observations spread evenly over the patients and the last 90 days, all in the normal range,
  in batches of 50 that are marked evaluated;
- K open alerts on the first patients (the last `--probe-patients` patients are kept free of
  alerts), each with its "raised" event and, except the blue ones, one attached reading.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg
from psycopg import sql

PASSWORD = "bench-password-1234"
SPAN_DAYS = 90

# code, LOINC, UCUM unit, centre, spread (uniform +- spread/2), decimals. Normal readings only:
# nothing here crosses a default threshold or a baseline rule.
NORMAL_READINGS: tuple[tuple[str, str | None, str, float, float, int], ...] = (
    ("spo2", "59408-5", "%", 96.0, 2.0, 0),
    ("pulse", "8867-4", "/min", 75.0, 10.0, 0),
    ("weight", "29463-7", "kg", 75.0, 1.0, 1),
    ("systolic_bp", "8480-6", "mm[Hg]", 130.0, 10.0, 0),
    ("diastolic_bp", "8462-4", "mm[Hg]", 80.0, 6.0, 0),
    ("temperature", "8310-5", "Cel", 36.7, 0.4, 1),
    ("respiratory_rate", "9279-1", "/min", 16.0, 4.0, 0),
    ("peak_flow", "33452-4", "L/min", 350.0, 40.0, 0),
    ("fev1", "20150-9", "L", 1.8, 0.2, 2),
    ("cat_score", None, "{score}", 13.0, 0.0, 0),
)

# Rules the seeded open alerts are spread over, one round of patients per rule.
ALERT_RULES = (
    "threshold.pulse",
    "missing_measurement",
    "threshold.systolic_bp",
    "weight.gain",
    "threshold.respiratory_rate",
)


@dataclass
class Seeded:
    """What the benchmark needs to know about the seeded database."""

    hospital_id: int = 0
    municipality_id: int = 0
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


def _one(conn: psycopg.Connection[Any], query: Any, params: Any = None) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]


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
    from telemon.security import hash_password  # real argon2id hashes for the API users

    probe_patients = min(probe_patients, max(1, patients // 10))
    alert_patients = patients - probe_patients
    if open_alerts > alert_patients * len(ALERT_RULES):
        raise SystemExit(
            f"at most {alert_patients * len(ALERT_RULES)} open alerts fit on "
            f"{alert_patients} patients ({len(ALERT_RULES)} rules each)"
        )
    out = Seeded(patients=patients, observations=observations, open_alerts=open_alerts)
    started = time.perf_counter()
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        try:
            conn.execute("SET session_replication_role = replica")  # skip FK triggers
        except psycopg.Error:
            log("seed: not a superuser; foreign keys are checked row by row (slower)")
        conn.execute("SET maintenance_work_mem = '512MB'")
        with conn.transaction():
            _people(conn, out, nurses, hash_password(PASSWORD))
            _patients(conn, out, patients)
        out.timings["seed_people_s"] = time.perf_counter() - started
        t = time.perf_counter()
        _observations(conn, out, observations)
        out.timings["seed_observations_s"] = time.perf_counter() - t
        t = time.perf_counter()
        with conn.transaction():
            _alerts(conn, out, open_alerts, alert_patients)
        out.timings["seed_alerts_s"] = time.perf_counter() - t
        first_probe = out.first_patient_id + alert_patients
        out.probe_patient_ids = list(range(first_probe, first_probe + probe_patients))
        t = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        out.timings["seed_vacuum_analyze_s"] = time.perf_counter() - t
    out.timings["seed_total_s"] = time.perf_counter() - started
    return out


def _people(conn: psycopg.Connection[Any], out: Seeded, nurses: int, password_hash: str) -> None:
    def org(name: str, kind: str) -> int:
        return int(
            _one(
                conn,
                "INSERT INTO organisation (name, kind, created_at) VALUES (%s, %s, now()) "
                "RETURNING id",
                (name, kind),
            )
        )

    def user(name: str, role: str, org_id: int) -> int:
        return int(
            _one(
                conn,
                'INSERT INTO "user" (username, password_hash, role, organisation_id, email, '
                "active, language, created_at) VALUES (%s, %s, %s, %s, %s, true, 'en', now()) "
                "RETURNING id",
                (name, password_hash, role, org_id, f"{name}@example.invalid"),
            )
        )

    out.hospital_id = org("Bench Hospital", "hospital")
    out.municipality_id = org("Bench Municipality", "municipality")
    gp_id = org("Bench GP", "gp_practice")
    clinician_id = user(out.clinician, "clinician", out.hospital_id)
    user("bench-gp", "gp", gp_id)
    for i in range(1, nurses + 1):
        out.nurses.append(f"bench-nurse-{i}")
        out.nurse_ids.append(user(f"bench-nurse-{i}", "nurse", out.municipality_id))
    out.care_team_id = int(
        _one(
            conn,
            "INSERT INTO care_team (name, organisation_id, email, escalation_email, created_at) "
            "VALUES ('Bench lung team', %s, 'bench-team@example.invalid', "
            "'bench-lead@example.invalid', now()) RETURNING id",
            (out.hospital_id,),
        )
    )
    conn.execute(
        "INSERT INTO care_team_member (care_team_id, user_id) VALUES (%s, %s)",
        (out.care_team_id, clinician_id),
    )


def _patients(conn: psycopg.Connection[Any], out: Seeded, patients: int) -> None:
    # CPR-shaped, synthetic: DDMMYY + a 4-digit serial, unique by construction.
    conn.execute(
        "INSERT INTO patient (cpr, name, birth_date, organisation_id, created_at) "
        "SELECT to_char(date '1940-01-01' + (g %% 20000), 'DDMMYY') || lpad((g / 20000)::text, 4, "
        "'0'), 'Bench patient ' || g, date '1940-01-01' + (g %% 20000), %s, now() "
        "FROM generate_series(0, %s - 1) AS g ORDER BY g",
        (out.hospital_id, patients),
    )
    out.first_patient_id = int(_one(conn, "SELECT min(id) FROM patient"))
    conn.execute(
        "INSERT INTO enrollment (patient_id, programme, care_team_id, status, enrolled_at, "
        "schedule, rule_settings) SELECT id, 'copd', %s, 'active', now() - interval '120 days', "
        "'{}', '{}' FROM patient ORDER BY id",
        (out.care_team_id,),
    )
    conn.execute(
        "INSERT INTO enrollment_share (enrollment_id, organisation_id) "
        "SELECT e.id, o.id FROM enrollment e CROSS JOIN organisation o "
        "WHERE o.kind IN ('municipality', 'gp_practice')"
    )
    conn.execute(
        "INSERT INTO threshold (enrollment_id, code, alert_high, warning_high, warning_low, "
        "alert_low) SELECT e.id, d.code, d.alert_high, d.warning_high, d.warning_low, "
        "d.alert_low FROM enrollment e CROSS JOIN default_threshold d "
        "WHERE d.programme = 'copd'"
    )


def _observation_indexes(conn: psycopg.Connection[Any]) -> tuple[list[str], list[str]]:
    """The observation table's secondary indexes and unique constraints (not the primary key):
    (statements that drop them, statements that rebuild them)."""
    drops: list[str] = []
    builds: list[str] = []
    for name, definition in conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'observation'::regclass AND contype = 'u'"
    ):
        drops.append(f'ALTER TABLE observation DROP CONSTRAINT "{name}"')
        builds.append(f'ALTER TABLE observation ADD CONSTRAINT "{name}" {definition}')
    for name, definition in conn.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = 'observation'::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
    ):
        drops.append(f'DROP INDEX "{name}"')
        builds.append(definition)
    return drops, builds


def _observations(conn: psycopg.Connection[Any], out: Seeded, observations: int) -> None:
    if observations <= 0:
        return
    per_patient = math.ceil(observations / out.patients)
    batches = math.ceil(observations / 50)
    nurse_id = out.nurse_ids[0]
    with conn.transaction():
        first_batch = int(
            _one(
                conn,
                "WITH b AS (INSERT INTO ingest_batch (received_at, submitted_by_id, "
                "evaluated_at, dispatched_at, attempts) SELECT now() - interval '90 days' "
                "+ g * (interval '90 days' / %s), %s, now(), now(), 1 "
                "FROM generate_series(0, %s - 1) AS g ORDER BY g RETURNING id) "
                "SELECT min(id) FROM b",
                (batches, nurse_id, batches),
            )
        )
    drops, builds = _observation_indexes(conn)
    for statement in drops:
        conn.execute(sql.SQL(statement))  # type: ignore[arg-type]
    # The readings' shapes in a temporary table ("%" in a literal would read as a placeholder).
    conn.execute(
        "CREATE TEMP TABLE bench_codes (idx int, code text, loinc text, unit text, "
        "centre float8, spread float8, decimals int)"
    )
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO bench_codes VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(i, *reading) for i, reading in enumerate(NORMAL_READINGS)],
        )
    insert = sql.SQL(
        "INSERT INTO observation (client_id, content_hash, batch_id, patient_id, code, loinc, "
        "value, unit, value_qualifier, effective_at, effective_offset_minutes, performer, "
        "device, location, recorded_by_id, received_at) "
        "SELECT md5('bench-obs-' || g)::uuid, md5('h' || g) || md5('c' || g), "
        "%(first_batch)s + g / 50, %(first_patient)s + g %% %(patients)s, c.code, c.loinc, "
        "round((c.centre + (random() - 0.5) * c.spread)::numeric, c.decimals)::float8, c.unit, "
        "NULL, t.at, 60, 'patient', NULL, 'home', %(nurse)s, t.at + interval '3 minutes' "
        "FROM generate_series(%(lo)s, %(hi)s - 1) AS g "
        "CROSS JOIN LATERAL (SELECT now() - interval '90 days' + (g / %(patients)s) "
        "* (interval '90 days' / %(per_patient)s) AS at, (g / %(patients)s) %% {n} AS idx) t "
        "JOIN bench_codes c ON c.idx = t.idx"
    ).format(n=sql.Literal(len(NORMAL_READINGS)))
    chunk = 1_000_000
    for lo in range(0, observations, chunk):
        with conn.transaction():
            conn.execute(
                insert,
                {
                    "first_batch": first_batch,
                    "first_patient": out.first_patient_id,
                    "patients": out.patients,
                    "per_patient": per_patient,
                    "nurse": nurse_id,
                    "lo": lo,
                    "hi": min(observations, lo + chunk),
                },
            )
    for statement in builds:
        conn.execute(sql.SQL(statement))  # type: ignore[arg-type]


def _alerts(conn: psycopg.Connection[Any], out: Seeded, open_alerts: int, on: int) -> None:
    if open_alerts <= 0:
        return
    rules = sql.SQL(", ").join(
        sql.SQL("({}, {})").format(sql.Literal(i), sql.Literal(rule))
        for i, rule in enumerate(ALERT_RULES)
    )
    conn.execute(
        sql.SQL(
            "WITH rules (idx, rule) AS (VALUES {rules}) "
            "INSERT INTO alert (patient_id, enrollment_id, programme, care_team_id, rule, "
            "severity, status, reason, raised_at, updated_at, visible_to_patient) "
            "SELECT e.patient_id, e.id, 'copd', e.care_team_id, r.rule, "
            "CASE WHEN r.rule = 'missing_measurement' THEN 'blue' "
            "WHEN j %% 5 = 0 THEN 'red' ELSE 'yellow' END, 'open', "
            "'Synthetic benchmark alert', t.at, t.at, false "
            "FROM generate_series(0, %(n)s - 1) AS j "
            "JOIN enrollment e ON e.patient_id = %(first)s + j %% %(on)s "
            "JOIN rules r ON r.idx = j / %(on)s "
            "CROSS JOIN LATERAL (SELECT now() - (j %% 43200) * interval '1 minute' AS at) t "
            "ORDER BY j"
        ).format(rules=rules),
        {"n": open_alerts, "first": out.first_patient_id, "on": on},
    )
    conn.execute(
        "INSERT INTO alert_event (alert_id, at, kind, severity) "
        "SELECT id, raised_at, 'raised', severity FROM alert"
    )
    conn.execute(
        "INSERT INTO alert_observation (alert_id, observation_id) "
        "SELECT a.id, o.id FROM alert a CROSS JOIN LATERAL (SELECT id FROM observation "
        "WHERE patient_id = a.patient_id ORDER BY effective_at DESC LIMIT 1) o "
        "WHERE a.severity <> 'blue'"
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
    seeded = seed(
        args.database_url,
        patients=args.patients,
        observations=args.observations,
        open_alerts=args.open_alerts,
        nurses=args.nurses,
        probe_patients=args.probe_patients,
    )
    print(
        f"seeded {seeded.patients} patients, {seeded.observations} observations, "
        f"{seeded.open_alerts} open alerts (password for bench users: {seeded.password})"
    )
    for name, seconds in seeded.timings.items():
        print(f"{name}: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
