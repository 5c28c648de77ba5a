"""Reading the record back as FHIR: read and search, each through telemon.access and audited
like the JSON API's reads (an unknown patient and a patient not yours both read as 404). Each
read and search is one read use case (telemon.transactions): its audit rows are committed with
it, and a search of alerts or review requests runs the JSON API's use case inside it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select

from telemon import access, audit
from telemon.alerts import queries
from telemon.errors import NotFound
from telemon.extensions import db
from telemon.fhir import resources, search
from telemon.fhir.mapping import CPR_SYSTEM
from telemon.fhir.outcome import FhirError, Issue
from telemon.http import links, paging
from telemon.http.ids import id_from_text
from telemon.models import (
    Alert,
    KeptResource,
    Patient,
    Photo,
    ReviewRequest,
    User,
)
from telemon.patients.cpr import normalise_cpr
from telemon.transactions import use_case
from telemon.woundcare import reviews
from telemon.woundcare.records import READ_ROLES, STAFF_ROLES

ALERT_ROLES = ("clinician", "nurse", "gp", "patient")


def _base() -> str:
    return links.base_url()


def _int_id(rid: str) -> int:
    value = id_from_text(rid)
    if value is None:
        raise NotFound("No such resource.")
    return value


# ---- Patient --------------------------------------------------------------------------------


@use_case
def read_patient(user: User, rid: str) -> dict[str, Any]:
    found = access.patient_for(user, _int_id(rid), "patient.read", "patient")
    return resources.patient(found)


@use_case
def search_patients(user: User, params: list[tuple[str, str]]) -> dict[str, Any]:
    """Patient?identifier=urn:oid:1.2.208.176.1.2|DDMMYYSSSS: the patient, if you may see them.
    The links carry no CPR number."""
    token = search.one(params, "identifier")
    if token is None:
        raise FhirError(400, [Issue("Search patients by identifier (the CPR number).")])
    system, bar, value = token.rpartition("|")
    entries = []
    if not bar or system == CPR_SYSTEM:
        try:
            cpr = normalise_cpr(value)
        except ValueError:
            cpr = None
        found = db.session.scalar(select(Patient).where(Patient.cpr == cpr)) if cpr else None
        if found is not None and access.may_see_patient(user, found.id):
            audit.record(user, found.id, "patient.search", "patient", found.id)
            entries.append(("Patient", resources.patient(found)))
        elif found is not None:
            audit.record_refusal(user, found.id, "patient.search", "patient", found.id)
    return resources.searchset(entries, _base(), f"{_base()}/fhir/Patient", None)


# ---- Flag (alerts) --------------------------------------------------------------------------


@use_case
def read_flag(user: User, rid: str) -> dict[str, Any]:
    access.require_role(user, *ALERT_ROLES)
    alert = db.session.get(Alert, _int_id(rid))
    if alert is None:
        raise NotFound("No such flag.")
    access.patient_for(user, alert.patient_id, "alert.read", "alert", alert.id)
    if user.role == "patient" and not alert.visible_to_patient:
        raise NotFound("No such flag.")
    return resources.flag(alert)


@use_case
def search_flags(user: User, params: list[tuple[str, str]], url: str) -> dict[str, Any]:
    """Flag?patient=&status=active (the default: alerts not resolved) or inactive (resolved),
    most severe first, then oldest, as GET /api/v1/alerts."""
    access.require_role(user, *ALERT_ROLES)
    status = search.one(params, "status") or "active"
    if status not in ("active", "inactive"):
        raise FhirError(400, [Issue("status is active or inactive.")])
    patient_text = (search.one(params, "patient") or "").removeprefix("Patient/")
    patient_id = _int_id(patient_text) if patient_text else None
    cursor = search.one(params, "_cursor")
    after = None
    if cursor:
        try:
            after = paging.decode(cursor, queries.CURSOR_SHAPE)
        except ValueError:
            raise FhirError(400, [Issue("_cursor is not one of this search's.")]) from None
    f = queries.AlertFilter(
        status="resolved" if status == "inactive" else None,
        patient_id=patient_id,
        shown_to_patient=user.role == "patient",
    )
    page = queries.alert_list(user, f, search.count(params), after)
    next_url = None
    if page.next:
        kept = [(k, v) for k, v in params if k != "_cursor"]
        next_url = f"{url}?{urlencode([*kept, ('_cursor', page.next)])}"
    entries = [("Flag", resources.flag(a)) for a in page.items]
    return resources.searchset(entries, _base(), f"{url}?{urlencode(params)}", next_url)


# ---- Task and Communication (wound review requests) -----------------------------------------


@use_case
def _read_review(user: User, rid: str) -> ReviewRequest:
    """The review request, read (audited) by care staff who see its patient."""
    access.require_role(user, *STAFF_ROLES)
    return reviews.load_review(user, _int_id(rid), "review_request.read")


def read_task(user: User, rid: str) -> dict[str, Any]:
    return resources.task(_read_review(user, rid))


@use_case
def search_tasks(user: User, params: list[tuple[str, str]]) -> dict[str, Any]:
    """Task?status=requested|completed&patient=: review requests, soonest due first."""
    status = search.one(params, "status")
    wanted = {"requested": {"open"}, "completed": {"answered", "closed"}}
    if status is not None and status not in wanted:
        raise FhirError(400, [Issue("status is requested or completed.")])
    patient_text = (search.one(params, "patient") or "").removeprefix("Patient/")
    items = reviews.list_reviews(user, "open" if status == "requested" else None, search.MAX_COUNT)
    items = [
        r
        for r in items
        if (status is None or r.status in wanted[status])
        and (not patient_text or str(r.patient_id) == patient_text)
    ]
    entries = [("Task", resources.task(r)) for r in items[: search.count(params)]]
    return resources.searchset(entries, _base(), f"{_base()}/fhir/Task", None)


def read_communication(user: User, rid: str) -> dict[str, Any]:
    review = _read_review(user, rid)  # recorded as read, answered or not
    if review.answered_at is None:
        raise NotFound("The review request has no answer yet.")
    return resources.communication(review)


# ---- Media (wound photos) -------------------------------------------------------------------


@use_case
def read_kept_resource(user: User, resource_type: str, rid: str) -> dict[str, Any]:
    """A resource an upload brought and telemon kept as sent (id kept-{n}): for those who may
    see its patient, or (with no patient) for the account that sent it."""
    if not rid.startswith(resources.KEPT_PREFIX):
        raise NotFound("No such resource.")
    found = db.session.get(KeptResource, _int_id(rid.removeprefix(resources.KEPT_PREFIX)))
    if found is None or found.resource_type != resource_type:
        raise NotFound("No such resource.")
    if found.patient_id is not None:
        access.patient_for(user, found.patient_id, "observation.read", "kept_resource", found.id)
    elif found.recorded_by_id != user.id:
        raise NotFound("No such resource.")
    return resources.kept_resource(found)


@use_case
def read_media(user: User, rid: str) -> dict[str, Any]:
    """A wound photo's description, after the same check as GET /api/v1/photos/{id}."""
    if rid.startswith(resources.KEPT_PREFIX):
        return read_kept_resource(user, "Media", rid)
    access.require_role(user, *READ_ROLES)
    photo = db.session.get(Photo, _int_id(rid))
    if photo is None:
        raise NotFound("No such media.")
    access.patient_for(
        user, photo.assessment.wound.patient_id, "photo.metadata.read", "photo", photo.id
    )
    return resources.media(photo, _base())
