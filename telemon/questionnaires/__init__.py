"""Questionnaires: definitions (FHIR), branching and triage (pure), responses."""
