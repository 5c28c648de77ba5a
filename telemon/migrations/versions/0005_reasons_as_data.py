"""reasons as data, one open alert per measurement, timeline parameters, care-team mail language

Alerts stored one English sentence; they now store their reasons as codes and parameters
(telemon.clinical_text.reasons) and what they are about (`measurement`), and one unresolved
alert per patient, programme and measurement replaces one per rule. Existing sentences are read
back where the sentence is one telemon wrote (the patterns below, from telemon.alerts.rules,
telemon.anticoagulation and telemon.woundcare before this revision); any other is kept as
{"code": "text", "params": {"text": ...}}. Two unresolved alerts on the same measurement (a
limit and a baseline finding on one SpO2) are joined: the worse keeps both reasons and every
reading, the other is resolved with a note naming it. `severity_raised_at` records when an
alert turned to its present severity (escalation counts from there).

Revision ID: 0005
Revises: 0008
Create Date: 2026-12-01 01:50:00
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0008"
branch_labels = None
depends_on = None

RANK = {"red": 3, "yellow": 2, "blue": 1}
# How the sentences named the measurements (telemon.ingest.codes labels at the time).
LABELS = {
    "SpO2": "spo2",
    "Pulse": "pulse",
    "FEV1": "fev1",
    "Peak flow": "peak_flow",
    "Weight": "weight",
    "Systolic BP": "systolic_bp",
    "Diastolic BP": "diastolic_bp",
    "Temperature": "temperature",
    "Respiratory rate": "respiratory_rate",
    "CAT score": "cat_score",
}
_NUM = r"(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"
_UNIT = r"(?: ?(?:%|/min|mmHg|°C|kg|L/min|L))?"
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "threshold",
        re.compile(
            rf"^(?P<label>[A-Za-z0-9 ]+?) {_NUM}{_UNIT} is (?P<dir>above|below) the "
            rf"(?P<kind>alert|warning) limit {_NUM}{_UNIT}$"
        ),
    ),
    (
        "spo2.drop_from_baseline",
        re.compile(
            rf"^SpO2 {_NUM} % is {_NUM} points below the patient's (\d+)-day median {_NUM} %$"
        ),
    ),
    ("weight.gain", re.compile(rf"^Weight {_NUM} kg is up {_NUM} kg within (\d+) days$")),
    (
        "cat_score.rise",
        re.compile(rf"^CAT score {_NUM} is {_NUM} points above the patient's baseline {_NUM}$"),
    ),
    (
        "inr.range",
        re.compile(
            rf"^INR (?P<q>[<>]?){_NUM} is (?P<dir>above|below) the target range {_NUM}-{_NUM}$"
        ),
    ),
    (
        "inr.poor_control",
        re.compile(
            rf"^Time in therapeutic range {_NUM} % over the last (\d+) days is below {_NUM} %$"
        ),
    ),
    (
        "inr.missed_test",
        re.compile(r"^No INR received by the planned test date (\d{4}-\d\d-\d\d)$"),
    ),
    (
        "missing_measurement",
        re.compile(r"^No (?P<labels>.+) measurement received for (\d{4}-\d\d-\d\d)\.$"),
    ),
    ("wound.infection", re.compile(r"^Signs of infection reported \((?P<site>.*)\): (.+)\.$")),
    (
        "wound.not_healing",
        re.compile(
            rf"^Not healing as expected \((?P<site>.*)\): Area reduced {_NUM}% in (\d+) days; "
            rf"expected at least {_NUM}% after (\d+) days for (?P<type>[a-z ]+)\.$"
        ),
    ),
]


def _n(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def measurement_of(rule: str) -> str:
    """As telemon.alerts.joining.measurement_of (copied: a migration does not change later)."""
    if rule.startswith("threshold."):
        return rule.removeprefix("threshold.")
    fixed = {
        "spo2.drop_from_baseline": "spo2",
        "weight.gain": "weight",
        "cat_score.rise": "cat_score",
        "inr.out_of_range": "inr",
        "missing_measurement": "missing",
    }
    if rule in fixed:
        return fixed[rule]
    parts = rule.split(".")
    if parts[0] == "wound" and len(parts) == 3:
        return f"wound.{parts[1]}"
    return rule


def reason_from_sentence(rule: str, sentence: str) -> tuple[str, dict[str, Any]]:
    """(code, params) read back from a sentence telemon wrote for `rule`; ("text", {"text"})
    when it is not one of the known patterns."""
    for kind, pattern in PATTERNS:
        m = pattern.match(sentence.strip())
        if m is None:
            continue
        parsed = _parsed(kind, rule, m)
        if parsed is not None:
            return parsed
    return "text", {"text": sentence}


def _parsed(kind: str, rule: str, m: re.Match[str]) -> tuple[str, dict[str, Any]] | None:
    g = m.groups()
    if kind == "threshold":
        code = LABELS.get(m["label"])
        if code is None or rule != f"threshold.{code}":
            return None
        return (
            f"threshold.{m['dir']}_{m['kind']}_limit",
            {"code": code, "value": _n(g[1]), "limit": _n(g[4])},
        )
    if kind == "spo2.drop_from_baseline" and rule == kind:
        params = {"code": "spo2", "value": _n(g[0]), "drop": _n(g[1]), "days": int(g[2])}
        return kind, {**params, "median": _n(g[3])}
    if kind == "weight.gain" and rule == kind:
        return kind, {"code": "weight", "value": _n(g[0]), "gain": _n(g[1]), "days": int(g[2])}
    if kind == "cat_score.rise" and rule == kind:
        return kind, {"code": "cat_score", "value": _n(g[0]), "rise": _n(g[1]), "median": _n(g[2])}
    if kind == "inr.range" and rule == "inr.out_of_range":
        return (
            f"inr.{m['dir']}_target_range",
            {
                "value": _n(g[1]),
                "qualifier": m["q"] or None,
                "target_low": _n(g[3]),
                "target_high": _n(g[4]),
            },
        )
    if kind == "inr.poor_control" and rule == kind:
        return kind, {
            "ttr_percent": _n(g[0]),
            "window_days": int(g[1]),
            "limit_percent": _n(g[2]),
        }
    if kind == "inr.missed_test" and rule == kind:
        return kind, {"due_on": g[0]}
    if kind == "missing_measurement" and rule == kind:
        codes = [LABELS.get(label) for label in m["labels"].split(", ")]
        if None in codes:
            return None
        return kind, {"codes": codes, "day": g[1]}
    if kind == "wound.infection" and rule.endswith(".infection"):
        signs = [s.strip().replace(" ", "_") for s in g[1].split(",")]
        return kind, {"body_site": m["site"], "signs": signs}
    if kind == "wound.not_healing" and rule.endswith(".not_healing"):
        return kind, {
            "body_site": m["site"],
            "wound_type": m["type"].replace(" ", "_"),
            "reduction_percent": _n(g[1]),
            "days": int(g[2]),
            "expected_percent": _n(g[3]),
            "after_days": int(g[4]),
        }
    return None


alert = sa.table(
    "alert",
    sa.column("id", sa.BigInteger),
    sa.column("patient_id", sa.Integer),
    sa.column("programme", sa.String),
    sa.column("rule", sa.String),
    sa.column("severity", sa.String),
    sa.column("status", sa.String),
    sa.column("reason", sa.Text),
    sa.column("reasons", sa.JSON),
    sa.column("measurement", sa.String),
    sa.column("raised_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("resolved_at", sa.DateTime(timezone=True)),
    sa.column("resolution_note", sa.Text),
)
alert_event = sa.table(
    "alert_event",
    sa.column("alert_id", sa.BigInteger),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("kind", sa.String),
    sa.column("note", sa.Text),
    sa.column("params", sa.JSON),
)
alert_observation = sa.table(
    "alert_observation", sa.column("alert_id", sa.BigInteger), sa.column("observation_id")
)


def upgrade():
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reasons", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("measurement", sa.String(length=60), nullable=True))
        batch_op.add_column(
            sa.Column("severity_raised_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.drop_index("uq_alert_unresolved_rule")
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
    with op.batch_alter_table("care_team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=5), nullable=False, server_default="da")
        )

    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            alert.c.id,
            alert.c.patient_id,
            alert.c.programme,
            alert.c.rule,
            alert.c.severity,
            alert.c.status,
            alert.c.reason,
            alert.c.raised_at,
        ).order_by(alert.c.id)
    ).all()
    open_by_key: dict[tuple[int, str, str], list[Any]] = {}
    for row in rows:
        code, params = reason_from_sentence(row.rule, row.reason or "")
        reasons = [{"code": code, "params": params, "severity": row.severity}]
        measurement = measurement_of(row.rule)
        conn.execute(
            alert.update()
            .where(alert.c.id == row.id)
            .values(reasons=reasons, measurement=measurement)
        )
        if row.status != "resolved":
            key = (row.patient_id, row.programme, measurement)
            open_by_key.setdefault(key, []).append((row, reasons))
    for group in open_by_key.values():
        if len(group) > 1:
            _join(conn, group)

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.alter_column("reasons", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("measurement", existing_type=sa.String(length=60), nullable=False)
        batch_op.drop_column("reason")
        batch_op.create_index(
            "uq_alert_unresolved_measurement",
            ["patient_id", "programme", "measurement"],
            unique=True,
            sqlite_where=sa.text("status <> 'resolved'"),
            postgresql_where=sa.text("status <> 'resolved'"),
        )


def _join(conn: Any, group: list[Any]) -> None:
    """The worst (then oldest) unresolved alert keeps every reason and reading of the others,
    which are resolved with a note naming it."""
    group.sort(key=lambda item: (-RANK.get(item[0].severity, 0), item[0].raised_at, item[0].id))
    keeper, reasons = group[0]
    codes = {r["code"] for r in reasons}
    joined = list(reasons)
    for row, theirs in group[1:]:
        for r in theirs:
            if r["code"] not in codes:
                joined.append(r)
                codes.add(r["code"])
        known = {
            oid
            for (oid,) in conn.execute(
                sa.select(alert_observation.c.observation_id).where(
                    alert_observation.c.alert_id == keeper.id
                )
            )
        }
        for (oid,) in conn.execute(
            sa.select(alert_observation.c.observation_id).where(
                alert_observation.c.alert_id == row.id
            )
        ).all():
            if oid not in known:
                conn.execute(
                    alert_observation.insert().values(alert_id=keeper.id, observation_id=oid)
                )
        note = f"Joined with alert {keeper.id}: one finding per measurement."
        conn.execute(
            alert.update()
            .where(alert.c.id == row.id)
            .values(status="resolved", resolved_at=row.raised_at, resolution_note=note)
        )
        conn.execute(
            alert_event.insert().values(
                alert_id=row.id,
                at=row.raised_at,
                kind="resolved",
                note=None,
                params={"text": note},
            )
        )
    conn.execute(alert.update().where(alert.c.id == keeper.id).values(reasons=joined))


def downgrade():
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("uq_alert_unresolved_measurement")
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("care_team", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.drop_column("params")
    # The reasons stay data; their sentences are written when shown, by the newer code.
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_column("severity_raised_at")
        batch_op.drop_column("measurement")
        batch_op.drop_column("reasons")
        batch_op.create_index(
            "uq_alert_unresolved_rule",
            ["patient_id", "programme", "rule"],
            unique=True,
            sqlite_where=sa.text("status <> 'resolved'"),
            postgresql_where=sa.text("status <> 'resolved'"),
        )
