"""One patient as the home nurse sees her at the door: what she records here (by programme),
the open alerts read-only (and whether the hospital has seen them), the latest readings. One
read use case (telemon.patients.home_visit)."""

from __future__ import annotations

from typing import Any

from flask import g, render_template

from telemon import admissions
from telemon.patients import home_visit
from telemon.web.guard import signed_in
from telemon.web.home import ROLES, bp


@bp.route("/patients/<int:patient_id>")
@signed_in(*ROLES)
def patient(patient_id: int) -> Any:
    visit = home_visit.patient_at_home(g.user, patient_id)
    return render_template(
        "home/patient.html",
        patient=visit.patient,
        programmes=visit.programmes,
        alerts=visit.alerts,
        wounds=visit.wounds,
        recent=visit.recent,
        stay=admissions.current_stays([patient_id]).get(patient_id),
    )
