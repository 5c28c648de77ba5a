"""The administration console: organisations (system administrator), users, care teams, the
standard thresholds and schedules, nomograms, public holidays, and the audit trail viewer.

Administrators read no clinical data here: patients appear by number only, in the audit
trail. What an administrator may do is telemon.access's to say ("Powers"); each page calls the
service, which refuses what is not hers (and the buttons she may not use are not shown).
"""

from __future__ import annotations

from flask import Blueprint

ROLES = ("admin",)

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

from telemon.web.admin import (  # noqa: E402,F401  (routes on bp)
    audit,
    questionnaires,
    settings,
    teams,
    users,
)
