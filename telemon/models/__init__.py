"""The SQLAlchemy models, one module per part of the domain."""

from telemon.models.alerts import ALERT_STATUSES, SEVERITIES, Alert, AlertEvent, alert_observation
from telemon.models.anticoagulation import AnticoagulationPlan, DoseSuggestion, StoredNomogram
from telemon.models.audit import AuditEvent
from telemon.models.calendar import PublicHoliday
from telemon.models.devices import Device
from telemon.models.fhir_records import (
    DeviceMetric,
    KeptObservation,
    KeptResource,
    ReadingSource,
)
from telemon.models.identity import (
    ORGANISATION_KINDS,
    ROLES,
    ApiToken,
    CareTeam,
    Organisation,
    User,
    WebSession,
    care_team_member,
)
from telemon.models.mail import OutgoingMail
from telemon.models.medcom import DischargeFollowUp, HospitalStay, ReceivedMessage
from telemon.models.messages import MESSAGE_MAX_LENGTH, Message
from telemon.models.observations import IngestBatch, Observation
from telemon.models.patients import (
    PROGRAMMES,
    DefaultSchedule,
    DefaultThreshold,
    Enrollment,
    Patient,
    Threshold,
    enrollment_share,
)
from telemon.models.questionnaires import (
    QUESTIONNAIRE_STATUSES,
    EnrollmentQuestionnaire,
    Questionnaire,
    QuestionnaireResponse,
)
from telemon.models.wounds import (
    REVIEW_STATUSES,
    REVIEW_URGENCIES,
    WOUND_STATUSES,
    WOUND_TYPES,
    Photo,
    ReviewRequest,
    Wound,
    WoundAssessment,
)

__all__ = [
    "ALERT_STATUSES",
    "ORGANISATION_KINDS",
    "PROGRAMMES",
    "ROLES",
    "SEVERITIES",
    "Alert",
    "AnticoagulationPlan",
    "DoseSuggestion",
    "StoredNomogram",
    "AlertEvent",
    "ApiToken",
    "AuditEvent",
    "CareTeam",
    "DefaultSchedule",
    "DefaultThreshold",
    "DischargeFollowUp",
    "HospitalStay",
    "ReceivedMessage",
    "Device",
    "DeviceMetric",
    "Enrollment",
    "EnrollmentQuestionnaire",
    "IngestBatch",
    "KeptObservation",
    "KeptResource",
    "MESSAGE_MAX_LENGTH",
    "Message",
    "Observation",
    "ReadingSource",
    "OutgoingMail",
    "Organisation",
    "Patient",
    "QUESTIONNAIRE_STATUSES",
    "Questionnaire",
    "QuestionnaireResponse",
    "PublicHoliday",
    "Threshold",
    "User",
    "WebSession",
    "alert_observation",
    "care_team_member",
    "enrollment_share",
    "REVIEW_STATUSES",
    "REVIEW_URGENCIES",
    "WOUND_STATUSES",
    "WOUND_TYPES",
    "Photo",
    "ReviewRequest",
    "Wound",
    "WoundAssessment",
]
