"""Where an alert goes: the responsible care team's queue, and its mailbox when it is red."""

from __future__ import annotations

from flask import current_app

from telemon.alerts.service import RaiseOutcome
from telemon.models import Alert
from telemon.notify import messages
from telemon.notify.outbox import queue_mail


def alert_url(alert_id: int) -> str:
    return f"{current_app.config['TELEMON_BASE_URL']}/alerts/{alert_id}"


def queue_url() -> str:
    return f"{current_app.config['TELEMON_BASE_URL']}/"


def route(outcome: RaiseOutcome) -> None:
    """A red alert, new or just raised to red, is mailed to the team at once; yellow and blue
    wait in the queue and the daily digest."""
    alert = outcome.alert
    if alert.severity == "red" and (outcome.created or outcome.severity_raised):
        _mail_team(alert)


def _mail_team(alert: Alert) -> None:
    team = alert.care_team
    queue_mail(
        f"alert:{alert.id}:red",
        team.email,
        messages.alert_raised(alert.severity, alert_url(alert.id)),
        care_team_id=team.id,
    )
