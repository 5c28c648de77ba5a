"""Synthetic demo data for `make run`: a hospital with three care teams, a municipality, a GP
practice, their staff and patients.

Everything here is invented. CPR numbers use real date formats but are synthetic and belong to
no one we know of; names are made up. Loading twice changes nothing.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import select

from telemon import clock
from telemon.anticoagulation.decisions import DoseDecision, decide_dose
from telemon.extensions import db
from telemon.ingest.service import ingest_batch
from telemon.messages import service as messages
from telemon.models import CareTeam, DoseSuggestion, Observation, Organisation, Patient, User
from telemon.patients.cpr import birth_date_from_cpr
from telemon.patients.service import enroll
from telemon.security import hash_password
from telemon.transactions import use_case
from telemon.woundcare import assessments, records, reviews

DEMO_PASSWORD = "demo-password"
HOSPITAL = "Demo Regionshospital"
# Stable ids for the demo's observations, so a second load is a duplicate, not new data.
DEMO_NAMESPACE = uuid.UUID("8d0a4c1e-6c1b-4d7e-9a37-2f1d0c0de000")
AK_OUT_OF_HOURS = (
    "AK-klinikken har åbent på hverdage kl. 8-15.30 på telefon 70 00 00 00 (demo). Uden for "
    "åbningstid: Får du en blødning, der ikke stopper, blod i urin eller afføring eller "
    "pludselig kraftig hovedpine, så ring til lægevagten – ved livstruende symptomer 112."
)


# The demo's organisations and teams had English names until 2026-12; a demo database loaded
# before then is renamed in place rather than given a second set.
_FORMER_ORGANISATION_NAMES = {
    "Demo Regional Hospital": HOSPITAL,
    "Demo Municipality Home Nursing": "Demo Kommune, Hjemmesygeplejen",
    "Demo GP Practice": "Demo Lægepraksis",
}
_FORMER_TEAM_NAMES = {
    "Lung team (demo)": "Lungeteam (demo)",
    "Anticoagulation clinic (demo)": "AK-klinik (demo)",
    "Wound clinic (demo)": "Sårklinik (demo)",
}


def _rename_former() -> None:
    for old, new in _FORMER_ORGANISATION_NAMES.items():
        org = db.session.scalar(select(Organisation).where(Organisation.name == old))
        if org is not None:
            org.name = new
    for old, new in _FORMER_TEAM_NAMES.items():
        team = db.session.scalar(select(CareTeam).where(CareTeam.name == old))
        if team is not None:
            team.name = new
    db.session.flush()


def _org(name: str, kind: str) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, kind=kind, created_at=clock.now())
        db.session.add(org)
        db.session.flush()
    return org


# The demo's staff, named as who did what is shown ("Name, title"): synthetic names.
DEMO_PEOPLE = {
    "demo-hospital-admin": ("Birthe Demo Holm", "IT-administrator"),
    "demo-municipality-admin": ("Jens Demo Kjær", "IT-administrator"),
    "demo-clinician": ("Lise Demo Lund", "overlæge"),
    "demo-nurse": ("Hanne Demo Sørensen", "sygeplejerske"),
    "demo-ak-nurse": ("Mette Demo Bak", "sygeplejerske"),
    "demo-gp": ("Peter Demo Vang", "praktiserende læge"),
}


def _user(
    username: str, role: str, org: Organisation | None, patient_id: int | None = None
) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is not None and user.full_name is None and username in DEMO_PEOPLE:
        user.full_name, user.title = DEMO_PEOPLE[username]
    if user is None:
        user = User(
            username=username,
            password_hash=hash_password(DEMO_PASSWORD),
            role=role,
            organisation_id=org.id if org else None,
            email=f"{username}@example.invalid",
            full_name=DEMO_PEOPLE.get(username, (None, None))[0],
            title=DEMO_PEOPLE.get(username, (None, None))[1],
            patient_id=patient_id,
            active=True,
            language="da",
            created_at=clock.now(),
        )
        db.session.add(user)
        db.session.flush()
    return user


def _patient(cpr: str, name: str, org: Organisation) -> Patient:
    patient = db.session.scalar(select(Patient).where(Patient.cpr == cpr))
    if patient is None:
        patient = Patient(
            cpr=cpr,
            name=name,
            birth_date=birth_date_from_cpr(cpr),
            organisation_id=org.id,
            created_at=clock.now(),
        )
        db.session.add(patient)
        db.session.flush()
    return patient


@dataclass
class _World:
    """The demo's organisations, staff, care teams and patients (made or found)."""

    hospital: Organisation
    municipality: Organisation
    gp_practice: Organisation
    clinician: User
    nurse: User
    ak_nurse: User
    lung_team: CareTeam
    ak_team: CareTeam
    wound_team: CareTeam
    copd_patients: tuple[Patient, Patient]
    ak_patient: Patient  # Carl: the home nurse measures his INR
    wound_patient: Patient
    self_managing: Patient  # Erik: reports his own INR
    self_managing_login: User
    medcom_patient: Patient  # Elmer: the patient of MedCom's HospitalNotification examples


def load_demo() -> Iterator[str]:
    """Create the demo world and yield what a newcomer needs to know to sign in.

    A sequence of use cases (telemon.transactions), each committed, and its work handed over,
    before the next: the world (organisations, staff, teams, patients, logins); each patient's
    enrolment; their readings, each upload evaluated once committed, so that the dose
    suggestion an INR makes is there for the step that decides it. Each step finds what an
    earlier load made and is skipped: loading twice changes nothing."""
    world = _world()
    for patient in world.copd_patients:
        if not any(e.programme == "copd" and e.status == "active" for e in patient.enrollments):
            enroll(
                world.clinician,
                patient.id,
                {
                    "programme": "copd",
                    "care_team_id": world.lung_team.id,
                    "shared_with": [world.municipality.id, world.gp_practice.id],
                },
            )
    elmer = world.medcom_patient
    if not elmer.enrollments:
        enroll(
            world.clinician,
            elmer.id,
            {
                "programme": "copd",
                "care_team_id": world.lung_team.id,
                "shared_with": [world.municipality.id],
            },
        )
    ada, bo = world.copd_patients
    _readings(world.nurse, ada.id, spo2=[95, 94, 95, 96, 94, 95, 93, 94, 95, 94, 95, 94, 95, 85])
    _readings(world.nurse, bo.id, spo2=[93, 92, 93, 94, 93, 92, 93, 92, 93, 94, 93, 92, 93, 91])
    _messages(world)
    carl = world.ak_patient
    if not carl.enrollments:
        enroll(
            world.clinician,
            carl.id,
            {
                "programme": "anticoagulation",
                "care_team_id": world.ak_team.id,
                "shared_with": [world.municipality.id],
                "inr_target_low": 2.0,
                "inr_target_high": 3.0,
                "weekly_dose_mg": 35,
                "indication": "atrieflimren",
                "device": "Demo-koagulometer",
            },
        )
    # The home nurse measures Carl's INR; the clinic's nurse decided every dose but the newest,
    # which waits in her worklist.
    _inr_series(
        world.nurse,
        carl.id,
        [(84, 2.4), (70, 2.9), (56, 3.4), (42, 2.6), (28, 2.2), (14, 1.9), (1, 4.2)],
        decided_by=world.ak_nurse,
    )
    dorte = world.wound_patient
    if not dorte.enrollments:
        enroll(
            world.clinician,
            dorte.id,
            {
                "programme": "wound",
                "care_team_id": world.wound_team.id,
                "shared_with": [world.municipality.id],
            },
        )
        _wound_series(world.nurse, dorte.id)
    _self_managing_patient(world)
    yield (
        "Demo data loaded (all synthetic). Sign in with any of these, password "
        + repr(DEMO_PASSWORD)
        + ":"
    )
    yield "  demo-clinician  hospital clinician: lung team, anticoagulation and wound clinic"
    yield "  demo-nurse      municipal home nurse (sees shared patients; acts on no alerts)"
    yield "  demo-ak-nurse   nurse of the anticoagulation clinic: the dose worklist, confirms doses"
    yield "  demo-gp         GP"
    yield (
        "  demo-broker     the region's message broker: MedCom messages to"
        " POST /fhir/$process-message (Elmer Demo is the patient of MedCom's examples)"
    )
    yield "  demo-patient    a COPD patient: own readings, entering readings, messages"
    yield (
        "  demo-ak-patient a self-managing anticoagulation patient: INR in, one instruction back"
        " (his newest INR, 5.6, is the clinic's to decide)"
    )
    yield "  demo-hospital-admin      the hospital's administrator: its users and care teams"
    yield "  demo-municipality-admin  the municipality's administrator"
    yield "  admin           system administrator: organisations, standard settings, holidays"


@use_case
def _world() -> _World:
    """The organisations, staff, care teams, patients and patients' logins, found or made."""
    _rename_former()
    hospital = _org(HOSPITAL, "hospital")
    municipality = _org("Demo Kommune, Hjemmesygeplejen", "municipality")
    # MedCom names organisations by SOR code and EAN number (synthetic here): a team's
    # answer to the home nurse can be fetched as a CareCommunication.
    for org, sor, ean in (
        (hospital, "990000000000011", "5790000000011"),
        (municipality, "990000000000022", "5790000000022"),
    ):
        org.sor_code = org.sor_code or sor
        org.ean_code = org.ean_code or ean
    gp_practice = _org("Demo Lægepraksis", "gp_practice")
    _user("admin", "admin", None)
    _user("demo-hospital-admin", "admin", hospital)
    _user("demo-municipality-admin", "admin", municipality)
    clinician = _user("demo-clinician", "clinician", hospital)
    nurse = _user("demo-nurse", "nurse", municipality)
    # A nurse of the hospital's anticoagulation clinic: a member of its team, so she confirms
    # doses and handles the clinic's alerts, as the clinic's nurses do.
    ak_nurse = _user("demo-ak-nurse", "nurse", hospital)
    _user("demo-gp", "gp", gp_practice)
    # The region's message broker: delivers MedCom messages (POST /fhir/$process-message).
    _user("demo-broker", "messaging", hospital)
    team = db.session.scalar(select(CareTeam).where(CareTeam.name == "Lungeteam (demo)"))
    if team is None:
        team = CareTeam(
            name="Lungeteam (demo)",
            organisation_id=hospital.id,
            email="lung-team@example.invalid",
            escalation_email="lung-team-lead@example.invalid",
            created_at=clock.now(),
        )
        team.members = [clinician]
        db.session.add(team)
    if clinician not in team.members:
        team.members.append(clinician)  # she answers the lung team's messages
    ak_team = db.session.scalar(select(CareTeam).where(CareTeam.name == "AK-klinik (demo)"))
    if ak_team is None:
        ak_team = CareTeam(
            name="AK-klinik (demo)",
            organisation_id=hospital.id,
            email="ak-clinic@example.invalid",
            created_at=clock.now(),
        )
        ak_team.members = [clinician]
        db.session.add(ak_team)
    if ak_nurse not in ak_team.members:
        ak_team.members.append(ak_nurse)
    # What the clinic's patients read: when it is open, and whom to call when it is not.
    if ak_team.opening_hours is None:
        ak_team.opening_hours = "08:00-15:30"
    if ak_team.out_of_hours_text is None:
        ak_team.out_of_hours_text = AK_OUT_OF_HOURS
    wound_team = db.session.scalar(select(CareTeam).where(CareTeam.name == "Sårklinik (demo)"))
    if wound_team is None:
        wound_team = CareTeam(
            name="Sårklinik (demo)",
            organisation_id=hospital.id,
            email="wound-clinic@example.invalid",
            created_at=clock.now(),
        )
        wound_team.members = [clinician]
        db.session.add(wound_team)
    ada = _patient("0101501234", "Ada Demo", hospital)
    bo = _patient("1205482345", "Bo Demo", hospital)
    # A patient's login belongs to the organisation that registered her.
    _user("demo-patient", "patient", hospital, patient_id=ada.id)
    carl = _patient("0309453456", "Carl Demo", hospital)
    dorte = _patient("2207384567", "Dorte Demo", hospital)
    erik = _patient("1507521789", "Erik Demo", hospital)
    erik_login = _user("demo-ak-patient", "patient", hospital, patient_id=erik.id)
    # The CPR number of MedCom's HospitalNotification example messages (a test number), so
    # that those messages act on a demo patient.
    elmer = _patient("2509479989", "Elmer Demo", hospital)
    db.session.flush()
    return _World(
        hospital,
        municipality,
        gp_practice,
        clinician,
        nurse,
        ak_nurse,
        team,
        ak_team,
        wound_team,
        (ada, bo),
        carl,
        dorte,
        erik,
        erik_login,
        elmer,
    )


def _self_managing_patient(world: _World) -> None:
    """Erik measures his own INR at home and reports it on the web (WEB-AK). He accepted his
    suggestions himself while in range; this morning's 5.6 is the clinic's: he reads to take no
    tablets until the clinic has called, and it waits in the clinic's worklist."""
    erik = world.self_managing
    if not erik.enrollments:
        enroll(
            world.clinician,
            erik.id,
            {
                "programme": "anticoagulation",
                "care_team_id": world.ak_team.id,
                "shared_with": [world.municipality.id],
                "inr_target_low": 2.0,
                "inr_target_high": 3.0,
                "weekly_dose_mg": 35,
                "tablet_strength_mg": 2.5,
                "indication": "atrieflimren",
                "device": "Demo-koagulometer",
                "self_managing": True,
            },
        )
    login = world.self_managing_login
    _inr_series(
        login,
        erik.id,
        [(35, 2.3), (28, 2.6), (21, 2.8), (14, 2.5), (7, 2.4), (0, 5.6)],
        decided_by=login,
    )


def _inr_series(
    recorder: User,
    patient_id: int,
    tests: list[tuple[int, float]],
    decided_by: User | None = None,
) -> None:
    """INR tests (days ago, value), once per patient, one upload each as a nurse would send.
    With `decided_by`, each suggestion but the newest is decided (as it stands) two hours after
    its test, as the clinic (or the self-managing patient) did. Each upload and each decision
    is a use case of its own: the upload's evaluation, run when it is committed, makes the
    suggestion the decision answers."""
    if db.session.scalar(
        select(Observation.id).where(Observation.patient_id == patient_id).limit(1)
    ):
        return
    now = clock.now().replace(microsecond=0)
    for number, (days_ago, value) in enumerate(tests):
        taken = now - timedelta(days=days_ago, hours=2)
        ingest_batch(
            recorder,
            [
                {
                    "client_id": uuid.uuid5(DEMO_NAMESPACE, f"{patient_id}:inr:{days_ago}"),
                    "patient_id": patient_id,
                    "code": "inr",
                    "value": value,
                    "effective_at": taken,
                    "performer": "nurse" if recorder.role == "nurse" else "patient",
                    "device": "Demo-koagulometer",
                    "location": "home",
                }
            ],
        )
        if decided_by is not None and number < len(tests) - 1:
            suggestion = db.session.scalar(
                select(DoseSuggestion).where(
                    DoseSuggestion.patient_id == patient_id, DoseSuggestion.status == "pending"
                )
            )
            if suggestion is not None:
                with _clock_at(taken + timedelta(hours=2)):
                    decide_dose(decided_by, suggestion.id, DoseDecision())


def _messages(world: _World) -> None:
    """A short thread: Ada asks the lung team and is answered; the home nurse asks about Bo,
    and her question waits in the team's work list. Written again, nothing changes (client
    ids)."""
    ada, bo = world.copd_patients
    patient_login = db.session.scalar(select(User).where(User.username == "demo-patient"))
    assert patient_login is not None
    now = clock.now().replace(microsecond=0)

    def key(name: str) -> str:
        return str(uuid.uuid5(DEMO_NAMESPACE, f"message:{name}"))

    with _clock_at(now - timedelta(days=1, hours=3)):
        asked = messages.write(
            patient_login,
            ada.id,
            {
                "client_id": key("ada-asks"),
                "body": "Jeg er mere forpustet end normalt, når jeg går på trapper. "
                "Skal jeg gøre noget?",
            },
        )
    with _clock_at(now - timedelta(days=1, hours=1)):
        messages.write(
            world.clinician,
            ada.id,
            {
                "client_id": key("ada-answered"),
                "body": "Tak for beskeden. Mål din iltmætning i ro og efter trapperne i de "
                "næste tre dage. Ring til os, hvis den kommer under 90.",
                "reply_to": asked.id,
            },
        )
    with _clock_at(now - timedelta(hours=2)):
        messages.write(
            world.nurse,
            bo.id,
            {
                "client_id": key("bo-nurse-asks"),
                "body": "Bo har hostet mere de sidste dage, ingen feber. Skal vi måle oftere?",
            },
        )


@contextmanager
def _clock_at(moment: datetime) -> Iterator[None]:
    """The app's clock stands at `moment` for the demo's history (telemon.clock)."""
    config = current_app.config
    before = config.get("TELEMON_NOW")
    config["TELEMON_NOW"] = moment
    try:
        yield
    finally:
        config["TELEMON_NOW"] = before


def _wound_series(nurse: User, patient_id: int) -> None:
    """A venous leg ulcer photographed weekly for four weeks, shrinking too slowly, and the
    nurse's question to the wound clinic. The photos are drawn here: no real person's skin."""

    wound = records.create_wound(
        nurse,
        patient_id,
        {"body_site": "venstre mediale malleol", "wound_type": "venous_leg_ulcer"},
    )
    now = clock.now().replace(microsecond=0)
    for week, (length, width, tissue) in enumerate(
        (
            (5.0, 4.0, "slough"),
            (4.8, 3.9, "slough"),
            (4.6, 3.7, "granulation"),
            (4.4, 3.6, "granulation"),
        )
    ):
        assessments.record_assessment(
            nurse,
            wound.id,
            {
                "client_id": uuid.uuid5(DEMO_NAMESPACE, f"{patient_id}:wound:{week}"),
                "assessed_at": now - timedelta(days=30 - 10 * week, hours=3),
                "length_cm": length,
                "width_cm": width,
                "depth_cm": 0.3,
                "exudate": "moderate",
                "tissue": tissue,
                "pain": 4,
                "note": "Renset, kompressionsbind skiftet.",
            },
            [_wound_photo(length, width)],
        )
    reviews.request_review(
        nurse,
        wound.id,
        {
            "question": "Kun lidt mindre efter fire uger. Skift af forbinding eller henvisning?",
            "urgency": "routine",
        },
    )


def _wound_photo(length_cm: float, width_cm: float) -> bytes:
    """A drawn stand-in for a wound photo: an ellipse of the wound's size beside a 2 cm marker."""

    scale = 60  # pixels per cm
    image = Image.new("RGB", (640, 480), (224, 180, 150))
    draw = ImageDraw.Draw(image)
    cx, cy = 300, 240
    rx, ry = length_cm * scale / 2, width_cm * scale / 2
    draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=(170, 50, 55), outline=(120, 30, 30))
    draw.rectangle(
        (560, 400, 560 + 2 * scale // 2, 400 + 2 * scale // 2), outline=(0, 0, 0), width=3
    )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _readings(recorder: User, patient_id: int, spo2: list[float]) -> None:
    """Fourteen days of SpO2 ending now, once per patient; the last value may raise an alert."""
    if db.session.scalar(
        select(Observation.id).where(Observation.patient_id == patient_id).limit(1)
    ):
        return
    today = clock.now().replace(microsecond=0)
    items = []
    for days_ago, value in zip(range(len(spo2) - 1, -1, -1), spo2, strict=True):
        taken = today - timedelta(days=days_ago, hours=1)
        items.append(
            {
                "client_id": uuid.uuid5(DEMO_NAMESPACE, f"{patient_id}:spo2:{days_ago}"),
                "patient_id": patient_id,
                "code": "spo2",
                "value": value,
                "unit": "%",
                "effective_at": taken,
                "performer": "nurse",
                "device": "Demo-pulsoximeter",
                "location": "home",
            }
        )
    ingest_batch(recorder, items)
