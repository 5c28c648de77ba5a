"""The alert life cycle for every programme: raise, join, escalate, acknowledge, resolve, route.

This package's public surface, for the programmes (telemon.copd, telemon.anticoagulation,
telemon.woundcare), which implement Programme and use nothing else of alerts:
- raise_or_update(enrollment, rule, severity, [reason, ...], observation_ids): a finding raises
  an alert or joins the unresolved one on the same measurement; the outcome goes to route();
- resolve_automatically(alert, because) and resolve_by_decision(alert, user, params, note);
- reason(code, params, severity): one reason as stored; measurement_of(rule): what a rule's
  findings are about (findings on one measurement join one alert);
- route(outcome): a red alert, new or just turned red, mailed to the team.
"""

from telemon.alerts.joining import Reason, measurement_of, reason
from telemon.alerts.programmes import Programme
from telemon.alerts.routing import route
from telemon.alerts.service import (
    RaiseOutcome,
    raise_or_update,
    resolve_automatically,
    resolve_by_decision,
)

__all__ = [
    "Programme",
    "RaiseOutcome",
    "Reason",
    "measurement_of",
    "raise_or_update",
    "reason",
    "resolve_automatically",
    "resolve_by_decision",
    "route",
]
