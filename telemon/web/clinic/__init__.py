"""The hospital clinician's pages: the work list, alerts, the patient overview, thresholds,
the anticoagulation worklist and dose decisions, and the wound pages."""

from __future__ import annotations

from flask import Blueprint

# Who works here: the hospital's clinicians and GPs. The home nurse uses these pages too until
# her own (issue 11) exist; what each may see and do is telemon.access's to say.
ROLES = ("clinician", "gp", "nurse")

bp = Blueprint(
    "clinic",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/clinic",
)

from telemon.web.clinic import (  # noqa: E402,F401  (routes on bp)
    alerts,
    dose_decisions,
    messages,
    patient_admin,
    patient_list,
    patients,
    worklist,
    wounds,
)
