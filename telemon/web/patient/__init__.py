"""The patient's own pages: their readings (table and chart with their own limits, newest
first, whether the clinic has seen each), the notes their team chose to show them, entering
their own readings, and for a self-managing anticoagulation patient: INR in, the dose
suggestion back, accepting it, the week in tablets, the next test. Only their own data
(telemon.access), every read audited. Phone first."""

from __future__ import annotations

from flask import Blueprint

ROLES = ("patient",)

bp = Blueprint("patient", __name__, url_prefix="/me", template_folder="templates")

from telemon.web.patient import (  # noqa: E402,F401  (routes on bp)
    anticoagulation,
    messages,
    questionnaires,
    readings,
)
