"""The home nurse's pages: her start page (the wound clinic's answers to read, her open review
requests, her organisation's patients with their open alerts), and recording at the patient's
side (measurements, INR, wound assessments with photos and a review request). Phone first."""

from __future__ import annotations

from flask import Blueprint

ROLES = ("nurse",)

bp = Blueprint(
    "home",
    __name__,
    url_prefix="/home",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

from telemon.web.home import (  # noqa: E402,F401  (routes on bp)
    messages,
    patients,
    questionnaires,
    recording,
    start,
    wounds,
)
