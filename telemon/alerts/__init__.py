"""Alerts: the rules (pure), evaluation, routing, escalation and the alert API."""
