"""The browser UI: one blueprint per audience, and the pieces they share.

- `entry`: signing in and out, the language, and `/`;
- `clinic`: the hospital clinician's pages (the work list, alerts, patient overview, thresholds,
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
and do what; no page decides access itself. The app registers each blueprint (telemon.app).
"""
