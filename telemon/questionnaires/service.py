"""Questionnaires' use cases: publish (a FHIR Questionnaire or an OpenTele export), retire, read.

A published version never changes: the same url and version sent again with the same content
is the same questionnaire (answered as it is), with other content a 409. Who publishes: a
system administrator, for a programme; a clinician, for her own care team's patients (her
team's questionnaire; she may retire it, and so may a system administrator). Reading
definitions needs a signed-in user of any role: they hold no patient data.
Recording and reading responses: telemon.questionnaires.responses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from telemon import access, audit, clock
from telemon.errors import Conflict, Forbidden, Invalid, NotFound
from telemon.extensions import db
from telemon.models import PROGRAMMES, Questionnaire, User
from telemon.questionnaires import copd_standard, fhir_form, opentele
from telemon.questionnaires.branching import validate_definition
from telemon.questionnaires.definition import Definition, DefinitionError
from telemon.transactions import use_case
from telemon.vocabulary import Role


@dataclass(frozen=True)
class Published:
    questionnaire: Questionnaire
    created: bool


def definition_error(error: DefinitionError, field: str = "items") -> Invalid:
    """A questionnaire telemon cannot use, as a 422 naming the item (or node) at fault."""
    if error.where == "questionnaire":
        return Invalid(error.message, {"questionnaire": [error.message]})
    return Invalid(f"{error.where}: {error.message}", {field: {error.where: [error.message]}})


def read_document(document: Any, source: str) -> Definition:
    """A FHIR Questionnaire (source "fhir") or an OpenTele export ("opentele") as a checked
    definition; Invalid naming the item or node telemon cannot represent."""
    try:
        if source == "opentele":
            return opentele.to_definition(document)
        definition = fhir_form.from_fhir(document)
        validate_definition(definition)
        return definition
    except DefinitionError as error:
        raise definition_error(error, "nodes" if source == "opentele" else "items") from None


def definition_of(questionnaire: Questionnaire) -> Definition:
    """The stored questionnaire as the pure rules read it."""
    return fhir_form.from_fhir(questionnaire.resource)


def _may_publish(user: User, care_team_id: int | None) -> None:
    if care_team_id is None:
        if not (user.role == Role.ADMIN and user.is_system_admin):
            raise Forbidden(
                "A programme's questionnaire is published by the system administrator; "
                "a clinician publishes her care team's own (name the care_team_id)."
            )
        return
    if user.role != Role.CLINICIAN or not access.is_care_team_member(user, care_team_id):
        raise Forbidden("Only a clinician of this care team publishes its questionnaires.")


@use_case
def publish(
    user: User,
    document: Any,
    source: str,
    programme: str = "copd",
    care_team_id: int | None = None,
) -> Published:
    """Publish a new questionnaire version (see the module's docstring)."""
    _may_publish(user, care_team_id)
    if programme not in PROGRAMMES:
        raise Invalid("Unknown programme.", {"programme": [f"One of {', '.join(PROGRAMMES)}."]})
    definition = read_document(document, source)
    resource = fhir_form.to_fhir(definition)
    existing = db.session.scalar(
        select(Questionnaire).where(
            Questionnaire.url == definition.url, Questionnaire.version == definition.version
        )
    )
    if existing is not None:
        if existing.resource == resource and existing.care_team_id == care_team_id:
            return Published(existing, False)
        raise Conflict(
            "This version of the questionnaire is published with other content; "
            "publish it as a new version.",
            {"version": ["Already published with other content."]},
        )
    questionnaire = Questionnaire(
        url=definition.url,
        version=definition.version,
        name=definition.name[:200],
        title=definition.title[:300],
        programme=programme,
        status="active",
        resource=resource,
        source=source,
        care_team_id=care_team_id,
        published_by_id=user.id,
        published_at=clock.now(),
    )
    db.session.add(questionnaire)
    db.session.flush()
    audit.record(user, None, "questionnaire.publish", "questionnaire", questionnaire.id)
    return Published(questionnaire, True)


@use_case
def retire(user: User, questionnaire_id: int) -> Questionnaire:
    """No new answers to this version (those given stay, and still name it)."""
    questionnaire = get(questionnaire_id)
    _may_publish(user, questionnaire.care_team_id)
    if questionnaire.status != "retired":
        questionnaire.status = "retired"
        questionnaire.retired_at = clock.now()
        audit.record(user, None, "questionnaire.retire", "questionnaire", questionnaire.id)
    return questionnaire


def get(questionnaire_id: int) -> Questionnaire:
    """A questionnaire version by id (404 when there is none). Writes nothing."""
    questionnaire = db.session.get(Questionnaire, questionnaire_id)
    if questionnaire is None:
        raise NotFound("No such questionnaire.")
    return questionnaire


def find(
    url: str | None = None, name: str | None = None, status: str | None = None
) -> list[Questionnaire]:
    """Questionnaire versions, newest first within a url; by canonical url (a "|version"
    suffix picks one version), by name (case-insensitive, a prefix as FHIR's string search),
    by status. Writes nothing."""
    query = select(Questionnaire)
    if url:
        base, bar, version = url.partition("|")
        query = query.where(Questionnaire.url == base)
        if bar:
            query = query.where(Questionnaire.version == version)
    if name:
        query = query.where(Questionnaire.name.ilike(name.replace("%", r"\%") + "%"))
    if status:
        query = query.where(Questionnaire.status == status)
    return list(db.session.scalars(query.order_by(Questionnaire.url, Questionnaire.id.desc())))


def published_here(canonical: object) -> bool:
    """Whether a QuestionnaireResponse's `questionnaire` names one of telemon's questionnaires
    (`Questionnaire/{id}`, this server's URL of one, or the canonical url of a published
    version). A response to another platform's questionnaire (FUT's, say) is not answered
    here: an upload keeps it as sent."""
    if not isinstance(canonical, str) or not canonical:
        return False
    if canonical.startswith("Questionnaire/") or "/fhir/Questionnaire/" in canonical:
        return True
    url = canonical.partition("|")[0]
    return (
        db.session.scalar(select(Questionnaire.id).where(Questionnaire.url == url).limit(1))
        is not None
    )


def as_fhir(questionnaire: Questionnaire) -> dict[str, Any]:
    """The stored version as a FHIR Questionnaire resource, with its id and status."""
    resource: Mapping[str, Any] = questionnaire.resource
    return {**resource, "id": str(questionnaire.id), "status": questionnaire.status}


@use_case
def ensure_shipped() -> int:
    """Store telemon's own COPD questionnaire (telemon.questionnaires.copd_standard) for the
    COPD programme where this version is not stored yet; never overwrite one. Returns rows
    added."""
    definition = copd_standard.definition()
    validate_definition(definition)
    stored = db.session.scalar(
        select(Questionnaire.id).where(
            Questionnaire.url == definition.url, Questionnaire.version == definition.version
        )
    )
    if stored is not None:
        return 0
    db.session.add(
        Questionnaire(
            url=definition.url,
            version=definition.version,
            name=definition.name,
            title=definition.title,
            programme="copd",
            status="active",
            resource=fhir_form.to_fhir(definition),
            source="telemon",
            published_at=clock.now(),
        )
    )
    return 1
