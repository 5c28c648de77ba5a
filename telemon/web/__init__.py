"""The browser UI: one blueprint per audience, and the pieces they share.

- `entry`: signing in and out, the language, and `/`;
- `clinic`: the hospital clinician's pages (review queue, alerts, patient overview, thresholds,
  wounds);
- `home`: the home nurse's pages (her start page, recording at the patient's side: readings,
  INR, wound assessments with photos and review requests, the wound clinic's answers);
- `patient`: the patient's own pages (readings, notes, entering readings, self-managed
  anticoagulation);
- `admin`: the administration console (users, care teams, organisations, standards,
  nomograms, holidays, the audit trail);
- `components`: what every audience shares: the base layout and error page, the style sheet,
  charts, the date/number filters and form helpers.
Every page is guarded by `telemon.web.guard.signed_in` and asks `telemon.access` who may see
and do what; no page decides access itself.
"""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from telemon.web.admin import bp as admin_bp
    from telemon.web.clinic import bp as clinic_bp
    from telemon.web.components import bp as components_bp
    from telemon.web.entry import bp as entry_bp
    from telemon.web.home import bp as home_bp
    from telemon.web.patient import bp as patient_bp

    for blueprint in (components_bp, entry_bp, clinic_bp, home_bp, patient_bp, admin_bp):
        app.register_blueprint(blueprint)
