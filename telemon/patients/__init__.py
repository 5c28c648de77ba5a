"""Patients, programme enrolments and per-patient thresholds."""
