"""Reading observations back as FHIR: a reading (a blood pressure as the panel it was sent as),
an Observation kept as sent, a wound assessment; and the Observation search. Each through
telemon.access and audited like the JSON API's reads; each a read use case
(telemon.transactions)."""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from telemon import access
from telemon.copd.evaluation import limits_of
from telemon.copd.rules import Limits
from telemon.errors import NotFound
from telemon.extensions import db
from telemon.fhir import resources, search
from telemon.fhir.interpretation import interpretation
from telemon.fhir.outcome import FhirError, Issue
from telemon.fhir.upload_state import READING_NAMESPACE
from telemon.http import links, paging
from telemon.http.ids import id_from_text
from telemon.ingest.codes import CODES
from telemon.models import (
    Device,
    Enrollment,
    KeptObservation,
    Observation,
    ReadingSource,
    User,
    Wound,
    WoundAssessment,
)
from telemon.transactions import use_case
from telemon.woundcare.records import READ_ROLES

_SHAPE = (datetime, int)  # an Observation cursor: effective_at, id


def _base() -> str:
    return links.base_url()


def _int_id(rid: str) -> int:
    value = id_from_text(rid)
    if value is None:
        raise NotFound("No such resource.")
    return value


# ---- Observation ----------------------------------------------------------------------------


@use_case
def read_observation(user: User, rid: str) -> dict[str, Any]:
    if rid.startswith(resources.WOUND_PREFIX):
        return _read_wound_observation(user, rid.removeprefix(resources.WOUND_PREFIX))
    if rid.startswith(resources.KEPT_PREFIX):
        kept = db.session.get(KeptObservation, _int_id(rid.removeprefix(resources.KEPT_PREFIX)))
        if kept is None:
            raise NotFound("No such observation.")
        access.patient_for(user, kept.patient_id, "observation.read", "kept_observation", kept.id)
        return resources.kept_observation(kept)
    reading = db.session.get(Observation, _int_id(rid))
    if reading is None:
        raise NotFound("No such observation.")
    access.patient_for(user, reading.patient_id, "observation.read", "observation", reading.id)
    limits = _limits(reading.patient_id)
    source = db.session.get(ReadingSource, reading.client_id)
    sent = source.sent if source is not None else None
    if sent is not None and "panel" in sent:
        return resources.panel(reading, _panel_members(reading.patient_id, sent, limits))
    return resources.observation(
        reading, interpretation(reading.value, limits.get(reading.code)), sent
    )


def _panel_members(
    patient_id: int, sent: dict[str, Any], limits: dict[str, Limits]
) -> list[tuple[Observation, str | None, dict[str, Any] | None]]:
    """The readings of a panel, in the order they were sent, each with its interpretation and
    how it was sent."""
    ids = [uuid.UUID(c) for c in sent["panel"]["client_ids"]]
    rows = db.session.scalars(
        select(Observation).where(
            Observation.client_id.in_(ids), Observation.patient_id == patient_id
        )
    )
    found = {o.client_id: o for o in rows}
    sources = _sources(list(found))
    return [
        (o, interpretation(o.value, limits.get(o.code)), sources.get(o.client_id))
        for cid in ids
        if (o := found.get(cid)) is not None
    ]


def _read_wound_observation(user: User, rid: str) -> dict[str, Any]:
    access.require_role(user, *READ_ROLES)
    assessment = db.session.get(WoundAssessment, _int_id(rid))
    if assessment is None:
        raise NotFound("No such observation.")
    access.patient_for(
        user, assessment.wound.patient_id, "wound.read", "wound_assessment", assessment.id
    )
    return resources.wound_observation(assessment)


@use_case
def search_observations(
    user: User, params: list[tuple[str, str]], url: str, strict: bool = False
) -> dict[str, Any]:
    """Observation?patient=&code=system|code&date=ge…&date=lt…&identifier=&_count=&_sort=
    &_include=&_summary=count: newest first (_sort=date: oldest first), a page at a time; the
    next link carries a keyset cursor (telemon.http.paging), never patient data. Parameters
    telemon ignores are left out of the self link, or refused when `strict`."""
    params = search.honest(params, search.OBSERVATION_PARAMS, strict)
    patient_text = search.one(params, "patient") or search.one(params, "subject") or ""
    patient_text = search.local_reference(patient_text, _base(), "Patient")
    if not patient_text:
        raise FhirError(400, [Issue("Search observations of one patient: patient={id}.")])
    patient_id = _int_id(patient_text)
    found_patient = access.patient_for(user, patient_id, "observation.read", "observation")
    count = search.count(params)
    cursor = search.one(params, "_cursor")
    after = None
    if cursor:
        try:
            after = paging.decode(cursor, _SHAPE)
        except ValueError:
            raise FhirError(400, [Issue("_cursor is not one of this search's.")]) from None
    codes, wound_panel = search.codes(params)
    since, until = search.dates(params)
    self_url = f"{url}?{urlencode(params)}" if params else url
    wanted = _by_identifier(patient_id, params)
    if search.wants_count_only(params):
        query = _observation_query(patient_id, codes, since, until, wanted)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        return resources.searchset([], _base(), self_url, None, total=total or 0)
    included: list[tuple[str, dict[str, Any]]] = []
    if wound_panel and not codes:
        wounds = _wound_page(patient_id, since, until, count, after)
        entries = [("Observation", resources.wound_observation(a)) for a in wounds.items]
        next_cursor = wounds.next
    else:
        readings = _observation_page(
            patient_id, codes, since, until, count, after, wanted, search.ascending(params)
        )
        limits = _limits(patient_id)
        sent = _sources([o.client_id for o in readings.items])
        entries = []
        shown: set[str] = set()  # the panels already on this page
        for o in readings.items:
            how = sent.get(o.client_id)
            if how is not None and "panel" in how:
                if str(o.client_id) in shown:
                    continue
                shown |= set(how["panel"]["client_ids"])
                members = _panel_members(patient_id, how, limits)
                entries.append(("Observation", resources.panel(o, members)))
                continue
            value = interpretation(o.value, limits.get(o.code))
            entries.append(("Observation", resources.observation(o, value, how)))
        next_cursor = readings.next
        wanted_includes = search.includes(params)
        if "device" in wanted_includes:
            ids = sorted({o.device_id for o in readings.items if o.device_id is not None})
            devices = db.session.scalars(select(Device).where(Device.id.in_(ids))) if ids else []
            included += [("Device", resources.device(d)) for d in devices]
        if "subject" in wanted_includes and readings.items:
            included.append(("Patient", resources.patient(found_patient)))
    next_url = None
    if next_cursor:
        kept = [(k, v) for k, v in params if k != "_cursor"]
        next_url = f"{url}?{urlencode([*kept, ('_cursor', next_cursor)])}"
    return resources.searchset(entries, _base(), self_url, next_url, included=included)


def _by_identifier(patient_id: int, params: list[tuple[str, str]]) -> set[uuid.UUID] | None:
    """The readings an identifier= search names (None: no such parameter): telemon's own
    (urn:ietf:rfc:3986|urn:uuid:…) or the sender's, whose client_ids are derived from it
    (telemon.fhir.intake), so no index of identifiers is needed."""
    tokens = [t for k, v in params if k == "identifier" for t in v.split(",") if t]
    if not tokens:
        return None
    wanted: set[uuid.UUID] = set()
    for token in tokens:
        system, _, value = token.rpartition("|")
        if value.startswith("urn:uuid:") and system in ("", resources.RFC3986):
            with contextlib.suppress(ValueError):
                wanted.add(uuid.UUID(value.removeprefix("urn:uuid:")))
        for code in CODES:
            key = f"{patient_id}|identifier|{system}|{value}|{code}"
            wanted.add(uuid.uuid5(READING_NAMESPACE, key))
    return wanted


def _sources(client_ids: list[Any]) -> dict[Any, dict[str, Any]]:
    """How these readings were sent over FHIR (those that were), in one query."""
    if not client_ids:
        return {}
    rows = db.session.scalars(select(ReadingSource).where(ReadingSource.client_id.in_(client_ids)))
    return {row.client_id: row.sent for row in rows}


def _observation_query(
    patient_id: int,
    codes: set[str] | None,
    since: datetime | None,
    until: datetime | None,
    client_ids: set[uuid.UUID] | None,
) -> Select[tuple[Observation]]:
    query = select(Observation).where(Observation.patient_id == patient_id)
    if client_ids is not None:
        query = query.where(Observation.client_id.in_(sorted(client_ids, key=str)))
    if codes is not None:
        query = query.where(Observation.code.in_(sorted(codes)))
    if since is not None:
        query = query.where(Observation.effective_at >= since)
    if until is not None:
        query = query.where(Observation.effective_at < until)
    return query


def _observation_page(
    patient_id: int,
    codes: set[str] | None,
    since: datetime | None,
    until: datetime | None,
    count: int,
    after: paging.Key | None,
    client_ids: set[uuid.UUID] | None = None,
    oldest_first: bool = False,
) -> paging.Page[Observation]:
    columns = (Observation.effective_at, Observation.id)
    query = _observation_query(patient_id, codes, since, until, client_ids)
    if oldest_first:
        if after is not None:
            query = query.where(paging.after_ascending(after, *columns))
        ordered = query.order_by(*(c.asc() for c in columns))
    else:
        if after is not None:
            query = query.where(paging.after(after, *columns))
        ordered = query.order_by(*paging.order(*columns))
    rows = list(db.session.scalars(ordered.limit(count + 1)))
    return paging.page(rows, count, lambda o: (o.effective_at, o.id))


def _wound_page(
    patient_id: int,
    since: datetime | None,
    until: datetime | None,
    count: int,
    after: paging.Key | None,
) -> paging.Page[WoundAssessment]:
    columns = (WoundAssessment.assessed_at, WoundAssessment.id)
    query = (
        select(WoundAssessment)
        .join(Wound, Wound.id == WoundAssessment.wound_id)
        .where(Wound.patient_id == patient_id)
        .options(selectinload(WoundAssessment.photos))
    )
    if since is not None:
        query = query.where(WoundAssessment.assessed_at >= since)
    if until is not None:
        query = query.where(WoundAssessment.assessed_at < until)
    if after is not None:
        query = query.where(paging.after(after, *columns))
    rows = list(db.session.scalars(query.order_by(*paging.order(*columns)).limit(count + 1)))
    return paging.page(rows, count, lambda a: (a.assessed_at, a.id))


def _limits(patient_id: int) -> dict[str, Limits]:
    """The patient's limits per code, from their active enrolments."""
    rows = db.session.scalars(
        select(Enrollment)
        .where(Enrollment.patient_id == patient_id, Enrollment.status == "active")
        .options(selectinload(Enrollment.thresholds))
    )
    by_code: dict[str, Limits] = {}
    for enrollment in rows:
        for threshold in enrollment.thresholds:
            if (
                CODES.get(threshold.code)
                and CODES[threshold.code].programme == enrollment.programme
            ):
                by_code[threshold.code] = limits_of(threshold)
    return by_code
