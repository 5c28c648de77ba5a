"""Where an alert goes: the responsible care team's work list, and its mailbox when it is red."""

from __future__ import annotations

from telemon.alerts.service import RaiseOutcome
from telemon.http.links import alert_link
from telemon.models import Alert
from telemon.notify import messages
from telemon.notify.outbox import queue_mail
from telemon.vocabulary import Severity


def route(outcome: RaiseOutcome) -> None:
    """A red alert, new or just raised to red (a red finding joining a yellow alert), is mailed
    to the team at once, in the team's language; yellow and blue wait in the work list and the
    daily digest. One mail per alert turning red (the outbox keys it by the alert)."""
    alert = outcome.alert
    if alert.severity == Severity.RED and (outcome.created or outcome.severity_raised):
        _mail_team(alert)


def _mail_team(alert: Alert) -> None:
    team = alert.care_team
    queue_mail(
        f"alert:{alert.id}:red",
        team.email,
        messages.alert_raised(alert.severity, alert_link(alert.id), team.language),
        care_team_id=team.id,
    )
