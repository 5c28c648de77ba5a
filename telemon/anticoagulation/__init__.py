"""Telemedical anticoagulation: nomogram, TTR and alert rules (pure), the service and its API."""
