"""A MedCom HospitalNotification message as one event: which patient, which stay, what happened
and when.

The hospital sends one message per event of a stay to the patient's municipality; telemon is
one of its receivers. The event is the activity of the Provenance that targets the message's
MessageHeader (MedCom's activity codes), named here by MedCom's short codes:

    admit-inpatient          STIN  admitted                 (Encounter.period.start)
    admit-emergency          STAA  emergency, acute ambulant (Encounter.period.start)
    start-leave-inpatient    STOR  leave starts             (leave period extension start)
    end-leave-inpatient      SLOR  leave ends               (leave period extension end)
    discharge-*-home         SLHJ  discharged home          (Encounter.period.end)
    a deceased Patient       MORS  died                     (Encounter.period.end)

"cancel-<activity>" cancels and "revise-<activity>" corrects an earlier message of the stay
(AN_<code>, RE_<code>), named by the Provenance's entity (what: MessageHeader/<id>). A death is
told by the Patient's deceased[x] (MedCom's MORS examples carry the activity of the stay they
end); a deceased patient in a cancellation is still a cancellation.

Plain values in, plain values out: no framework, no database, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from telemon.medcom.messaging import (
    ACTIVITY_CODES,
    FHIR_ID,
    SOR,
    Envelope,
    MessageError,
    identifier,
    is_code,
    items,
    referenced_id,
    resolve,
)

CPR = "urn:oid:1.2.208.176.1.2"
ENCOUNTER_STATUSES = ("in-progress", "onleave", "finished", "entered-in-error")


class Event(StrEnum):
    """What happened, in MedCom's short codes."""

    ADMITTED = "STIN"
    EMERGENCY = "STAA"
    LEAVE_START = "STOR"
    LEAVE_END = "SLOR"
    DISCHARGED = "SLHJ"
    DIED = "MORS"


class Action(StrEnum):
    """A new event, or the cancellation or correction of an earlier message's event."""

    NEW = "new"
    CANCEL = "cancel"  # AN_
    REVISE = "revise"  # RE_


ADMISSIONS = (Event.ADMITTED, Event.EMERGENCY)

# MedCom's activity codes (after "cancel-"/"revise-") -> the event.
ACTIVITIES: dict[str, Event] = {
    "admit-inpatient": Event.ADMITTED,
    "admit-emergency": Event.EMERGENCY,
    "start-leave-inpatient": Event.LEAVE_START,
    "end-leave-inpatient": Event.LEAVE_END,
    "discharge-inpatient-home": Event.DISCHARGED,
    "discharge-emergency-home": Event.DISCHARGED,
    "deceased-inpatient": Event.DIED,
    "deceased-emergency": Event.DIED,
}


class NotificationError(MessageError):
    """The message is not a valid HospitalNotification (answered with a fatal-error)."""


class UnknownEvent(NotificationError):
    """A valid message of an event telemon does not act on (kept, answered ok)."""


@dataclass(frozen=True)
class Notification:
    """One HospitalNotification. Times are timezone-aware, as sent."""

    message_id: str
    event: Event
    action: Action
    refers_to: str | None  # the MessageHeader id a cancellation or correction names
    cpr: str
    episode: str  # the stay's episode-of-care identifier: one per hospital stay
    encounter_status: str
    emergency: bool  # Encounter.class EMER (acute ambulant)
    department: str  # the serviceProvider's name: where the patient is
    department_sor: str | None
    started_at: datetime  # Encounter.period.start: the stay began
    ended_at: datetime | None  # Encounter.period.end: discharged or died
    leave_start: datetime | None
    leave_end: datetime | None
    occurred_at: datetime | None  # Provenance.occurredDateTime

    @property
    def code(self) -> str:
        """MedCom's short code of the message: STIN, AN_STIN, RE_SLHJ, ..."""
        prefix = {Action.NEW: "", Action.CANCEL: "AN_", Action.REVISE: "RE_"}[self.action]
        return f"{prefix}{self.event.value}"


def parse(bundle: Mapping[str, Any], env: Envelope) -> Notification:
    """The notification in a message Bundle whose envelope has been read (messaging.envelope).

    Raises NotificationError (with the reason and where) for a message that breaks the
    profile's rules telemon relies on: exactly one Patient with a CPR number (10 digits), the
    MessageHeader's focus an Encounter with a known status, an episode-of-care identifier and a
    period start, a serviceProvider Organization, and a Provenance for this message with an
    activity code from MedCom's code system; a cancellation or correction must name the message
    it concerns. Raises UnknownEvent for an activity code telemon does not act on.
    """
    entries: list[Any] = items(bundle.get("entry"))
    patient = _one_patient(entries)
    cpr = identifier(patient, CPR)
    if cpr is None or len(cpr) != 10 or not cpr.isdigit():
        raise NotificationError(
            "The Patient has no CPR number (identifier system urn:oid:1.2.208.176.1.2).",
            "Bundle.entry.resource.ofType(Patient).identifier",
        )
    header = entries[0]["resource"]
    focus = header.get("focus")
    found = resolve(entries, focus[0] if isinstance(focus, list) and focus else focus)
    if found is None or found[1].get("resourceType") != "Encounter":
        raise NotificationError(
            "The MessageHeader's focus must be an Encounter in the Bundle.",
            "Bundle.entry[0].resource.focus",
        )
    encounter = found[1]
    where = "Bundle.entry.resource.ofType(Encounter)"
    status = encounter.get("status")
    if status not in ENCOUNTER_STATUSES:
        raise NotificationError(f"Unknown Encounter status {status!r}.", f"{where}.status")
    episode = _episode(encounter)
    if episode is None:
        raise NotificationError(
            "The Encounter has no episode-of-care identifier.", f"{where}.episodeOfCare"
        )
    raw_period = encounter.get("period")
    period: Mapping[str, Any] = raw_period if isinstance(raw_period, Mapping) else {}
    started_at = _time(period.get("start"), f"{where}.period.start", required=True)
    assert started_at is not None
    ended_at = _time(period.get("end"), f"{where}.period.end")
    provider = resolve(entries, encounter.get("serviceProvider"))
    if provider is None or provider[1].get("resourceType") != "Organization":
        raise NotificationError(
            "The Encounter's serviceProvider must be an Organization in the Bundle.",
            f"{where}.serviceProvider",
        )
    department = provider[1].get("name")
    leave = _leave_period(encounter)
    leave_start = _time(leave.get("start"), f"{where}.extension.valuePeriod.start")
    leave_end = _time(leave.get("end"), f"{where}.extension.valuePeriod.end")
    provenance = env.provenance
    if provenance is None:
        raise NotificationError(
            "No Provenance targets this message's MessageHeader.",
            "Bundle.entry.resource.ofType(Provenance)",
        )
    activity = _activity(provenance)
    action, base = _action(activity)
    event = ACTIVITIES.get(base)
    if _deceased(patient) and action != Action.CANCEL:
        event = Event.DIED
    if event is None:
        raise UnknownEvent(f"Activity {activity!r} is not one telemon acts on.")
    refers_to = _refers_to(provenance) if action != Action.NEW else None
    if action != Action.NEW and refers_to is None:
        raise NotificationError(
            "A cancellation or correction must name the message it concerns "
            "(Provenance.entity.what).",
            "Bundle.entry.resource.ofType(Provenance).entity",
        )
    if event == Event.LEAVE_START and action != Action.CANCEL and leave_start is None:
        raise NotificationError(
            "A leave must say when it starts (the leave period's start).",
            f"{where}.extension.valuePeriod.start",
        )
    if event in (Event.DISCHARGED, Event.DIED) and action != Action.CANCEL and ended_at is None:
        raise NotificationError(
            "A discharge or death must say when (Encounter.period.end).", f"{where}.period.end"
        )
    klass = encounter.get("class")
    emergency = isinstance(klass, Mapping) and klass.get("code") == "EMER"
    return Notification(
        message_id=env.message_id,
        event=event,
        action=action,
        refers_to=refers_to,
        cpr=cpr,
        episode=episode,
        encounter_status=str(status),
        emergency=emergency,
        department=department if isinstance(department, str) and department else "?",
        department_sor=identifier(provider[1], SOR),
        started_at=started_at,
        ended_at=ended_at,
        leave_start=leave_start,
        leave_end=leave_end,
        occurred_at=_time(provenance.get("occurredDateTime"), "Provenance.occurredDateTime"),
    )


def _one_patient(entries: list[Any]) -> Mapping[str, Any]:
    patients = [
        e["resource"]
        for e in entries
        if isinstance(e, Mapping)
        and isinstance(e.get("resource"), Mapping)
        and e["resource"].get("resourceType") == "Patient"
    ]
    if len(patients) != 1:
        raise NotificationError(
            f"A HospitalNotification holds exactly one Patient, not {len(patients)}.",
            "Bundle.entry.resource.ofType(Patient)",
        )
    patient: Mapping[str, Any] = patients[0]
    return patient


def _episode(encounter: Mapping[str, Any]) -> str | None:
    for episode in items(encounter.get("episodeOfCare")):
        ident = episode.get("identifier") if isinstance(episode, Mapping) else None
        value = ident.get("value") if isinstance(ident, Mapping) else None
        if isinstance(value, str) and value:
            return value
    return None


def _leave_period(encounter: Mapping[str, Any]) -> Mapping[str, Any]:
    for extension in items(encounter.get("extension")):
        if (
            isinstance(extension, Mapping)
            and "leave-period" in str(extension.get("url", ""))
            and isinstance(extension.get("valuePeriod"), Mapping)
        ):
            period: Mapping[str, Any] = extension["valuePeriod"]
            return period
    return {}


def _activity(provenance: Mapping[str, Any]) -> str:
    activity = provenance.get("activity")
    codings = items(activity.get("coding")) if isinstance(activity, Mapping) else []
    for coding in codings:
        if is_code(coding, ACTIVITY_CODES) and isinstance(coding.get("code"), str):
            return str(coding["code"])
    raise NotificationError(
        "The Provenance has no activity from MedCom's activity codes.",
        "Bundle.entry.resource.ofType(Provenance).activity",
    )


def _action(activity: str) -> tuple[Action, str]:
    for prefix, action in (("cancel-", Action.CANCEL), ("revise-", Action.REVISE)):
        if activity.startswith(prefix):
            return action, activity.removeprefix(prefix)
    return Action.NEW, activity


def _refers_to(provenance: Mapping[str, Any]) -> str | None:
    for entity in items(provenance.get("entity")):
        if isinstance(entity, Mapping) and entity.get("role") in ("removal", "revision"):
            found = referenced_id(entity.get("what"))
            if found and FHIR_ID.fullmatch(found):
                return found
    return None


def _deceased(patient: Mapping[str, Any]) -> bool:
    return patient.get("deceasedBoolean") is True or bool(patient.get("deceasedDateTime"))


def _time(value: object, where: str, required: bool = False) -> datetime | None:
    """A FHIR dateTime with a time and an offset, as an aware datetime."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or "T" not in value:
        raise NotificationError("A date and time with an offset is required.", where)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise NotificationError(f"Not a FHIR dateTime: {value!r}.", where) from None
    if moment.utcoffset() is None:
        raise NotificationError("The time has no offset.", where)
    return moment
