"""The seeded readings: millions of observations generated inside PostgreSQL, fast.

Each column of an observation and of its ingest batch is an SQL expression over a generated
row number (INSERT ... SELECT generate_series), over the column sets of telemon's models
(checked by bench/model_rows.py); units and LOINC codes are the product's (telemon.ingest.codes).
The observation table's secondary indexes are dropped during the load and rebuilt afterwards.
"""

from __future__ import annotations

import math

from model_rows import check_columns, insert_select
from sqlalchemy import Connection, text

from telemon.ingest.codes import CODES, loinc_for
from telemon.models import IngestBatch, Observation

SPAN_DAYS = 90
BATCH_SIZE = 50  # as OBSERVATION_SQL's batch_id counts them

# Readings in the normal range: nothing crosses a default threshold or a baseline rule.
# code -> (centre, spread: uniform within +- spread/2, decimals); units and LOINC codes are the
# product's (telemon.ingest.codes).
NORMAL_READINGS: dict[str, tuple[float, float, int]] = {
    "spo2": (96.0, 2.0, 0),
    "pulse": (75.0, 10.0, 0),
    "weight": (75.0, 1.0, 1),
    "systolic_bp": (130.0, 10.0, 0),
    "diastolic_bp": (80.0, 6.0, 0),
    "temperature": (36.7, 0.4, 1),
    "respiratory_rate": (16.0, 4.0, 0),
    "peak_flow": (350.0, 40.0, 0),
    "fev1": (1.8, 0.2, 2),
    "cat_score": (13.0, 0.0, 0),
}


def observation_indexes(conn: Connection) -> tuple[list[str], list[str]]:
    """The observation table's secondary indexes and unique constraints (not the primary key):
    (statements that drop them, statements that rebuild them)."""
    drops: list[str] = []
    builds: list[str] = []
    for name, definition in conn.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'observation'::regclass AND contype = 'u'"
        )
    ):
        drops.append(f'ALTER TABLE observation DROP CONSTRAINT "{name}"')
        builds.append(f'ALTER TABLE observation ADD CONSTRAINT "{name}" {definition}')
    for name, definition in conn.execute(
        text(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = 'observation'::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        )
    ):
        drops.append(f'DROP INDEX "{name}"')
        builds.append(definition)
    return drops, builds


# Each column of an observation (and of its batch) as an SQL expression over the generated row
# g: patient g % patients, its (g / patients)-th reading, of kind k.idx in turn, 50 a batch.
OBSERVATION_SQL = {
    "client_id": "md5('bench-obs-' || g)::uuid",
    "content_hash": "md5('h' || g) || md5('c' || g)",
    "batch_id": ":first_batch + g / 50",
    "patient_id": ":first_patient + g % :patients",
    "code": "k.code",
    "loinc": "k.loinc",
    "value": "round((k.centre + (random() - 0.5) * k.spread)::numeric, k.decimals)::float8",
    "unit": "k.unit",
    "effective_at": "t.at",
    "effective_offset_minutes": "60",
    "performer": "'patient'",
    "location": "'home'",
    "recorded_by_id": ":nurse",
    "received_at": "t.at + interval '3 minutes'",
}
OBSERVATION_SOURCE = (
    "generate_series(:lo, :hi - 1) AS g CROSS JOIN LATERAL (SELECT now() - make_interval("
    "days => :span) + (g / :patients) * (make_interval(days => :span) / :per_patient) AS at, "
    "(g / :patients) % :kinds AS idx) t JOIN bench_reading_kind k ON k.idx = t.idx"
)
BATCH_SQL = {
    "received_at": "now() - make_interval(days => :span) "
    "+ g * (make_interval(days => :span) / :batches)",
    "submitted_by_id": ":nurse",
    "evaluated_at": "now()",
    "dispatched_at": "now()",
    "attempts": "1",
}


def load_readings(
    conn: Connection, observations: int, first_patient: int, patients: int, nurse_id: int
) -> None:
    """`observations` normal readings of the patients first_patient.. (consecutive ids), evenly
    over the last SPAN_DAYS days, in evaluated batches of 50 submitted by the nurse."""
    check_columns(conn, Observation.__table__, OBSERVATION_SQL)
    if observations <= 0:
        return
    batches = math.ceil(observations / BATCH_SIZE)
    before = int(conn.scalar(text("SELECT coalesce(max(id), 0) FROM ingest_batch")) or 0)
    insert_select(
        conn,
        IngestBatch.__table__,
        BATCH_SQL,
        "generate_series(0, :batches - 1) AS g ORDER BY g",
        {"batches": batches, "nurse": nurse_id, "span": SPAN_DAYS},
    )
    first_batch, last_batch = conn.execute(
        text("SELECT min(id), max(id) FROM ingest_batch WHERE id > :before"), {"before": before}
    ).one()
    if last_batch - first_batch + 1 != batches:
        raise RuntimeError("seed: ingest batch ids are not consecutive")
    conn.commit()
    drops, builds = observation_indexes(conn)
    for statement in drops:
        conn.exec_driver_sql(statement)
    conn.execute(
        text(
            "CREATE TEMP TABLE bench_reading_kind (idx int, code text, loinc text, unit text, "
            "centre float8, spread float8, decimals int)"
        )
    )
    conn.execute(
        text(
            "INSERT INTO bench_reading_kind VALUES "
            "(:idx, :code, :loinc, :unit, :centre, :spread, :decimals)"
        ),
        [
            {
                "idx": i,
                "code": code,
                "loinc": loinc_for(code, None),
                "unit": CODES[code].unit,
                "centre": centre,
                "spread": spread,
                "decimals": decimals,
            }
            for i, (code, (centre, spread, decimals)) in enumerate(NORMAL_READINGS.items())
        ],
    )
    conn.commit()
    chunk = 1_000_000
    for lo in range(0, observations, chunk):
        insert_select(
            conn,
            Observation.__table__,
            OBSERVATION_SQL,
            OBSERVATION_SOURCE,
            {
                "first_batch": first_batch,
                "first_patient": first_patient,
                "patients": patients,
                "per_patient": math.ceil(observations / patients),
                "kinds": len(NORMAL_READINGS),
                "span": SPAN_DAYS,
                "nurse": nurse_id,
                "lo": lo,
                "hi": min(observations, lo + chunk),
            },
        )
        conn.commit()
    for statement in builds:
        conn.exec_driver_sql(statement)
    conn.commit()
