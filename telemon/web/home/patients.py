"""One patient as the home nurse sees her at the door: what she records here (by programme),
the open alerts read-only (and whether the hospital has seen them), the latest readings."""

from __future__ import annotations

from typing import Any

from flask import g, render_template
from sqlalchemy import select

from telemon import access
from telemon.alerts import queries
from telemon.extensions import db
from telemon.models import Observation, Wound
from telemon.web.guard import signed_in
from telemon.web.home import ROLES, bp

RECENT = 10  # readings listed on the page


@bp.route("/patients/<int:patient_id>")
@signed_in(*ROLES)
def patient(patient_id: int) -> Any:
    person = access.patient_for(g.user, patient_id, "patient.read")
    programmes = {e.programme: e for e in person.enrollments if e.status == "active"}
    alerts = queries.work_list(g.user, queries.AlertFilter(patient_id=patient_id), limit=50)
    wounds = db.session.scalars(
        select(Wound)
        .where(Wound.patient_id == patient_id, Wound.status == "open")
        .order_by(Wound.created_at.desc())
    ).all()
    recent = db.session.scalars(
        select(Observation)
        .where(Observation.patient_id == patient_id)
        .order_by(Observation.effective_at.desc(), Observation.id.desc())
        .limit(RECENT)
    ).all()
    db.session.commit()
    return render_template(
        "home/patient.html",
        patient=person,
        programmes=programmes,
        alerts=alerts,
        wounds=wounds,
        recent=recent,
    )
