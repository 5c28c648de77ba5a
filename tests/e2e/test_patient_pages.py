"""The patient's own pages through HTTP: their readings and whether the clinic has seen each,
notes shown to them, entering readings, and self-managed anticoagulation (INR in, suggestion
back, accepted, the week in tablets, an overdue test)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from telemon import clock
from telemon.extensions import db
from telemon.models import Alert, AuditEvent, DoseSuggestion, Observation
from tests.helpers import enrol_in_anticoagulation, form_key, item, sign_in, token_for


def test_own_readings_newest_first_with_what_the_clinic_has_seen(client, world) -> None:
    nurse = token_for(client, "nurse")
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 96)]},
        headers=nurse,
    )
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=nurse,
    )
    sign_in(client, "patient")
    assert client.get("/").headers["Location"] == "/me/"
    page = client.get("/me/").get_data(as_text=True)
    assert page.index("SpO2 85") < page.index("SpO2 96")  # newest first
    assert "Endnu ikke set af klinikken" in page and "Inden for dine grænser" in page
    assert "<svg" in page  # the chart, with the patient's own limits
    # The lung team opens the alert and closes it with a note for the patient.
    alert = db.session.scalar(select(Alert))
    doctor = token_for(client, "clinician")
    client.get(f"/api/v1/alerts/{alert.id}", headers=doctor)
    client.post(
        f"/api/v1/alerts/{alert.id}/resolve",
        json={"note": "Ring hvis du bliver mere forpustet.", "visible_to_patient": True},
        headers=doctor,
    )
    page = client.get("/me/").get_data(as_text=True)
    assert "Set af klinikken" in page
    assert "Ring hvis du bliver mere forpustet." in page
    assert db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.user_id == world.patient_user.id, AuditEvent.action == "observation.list")
    )


def test_the_patient_enters_readings_once_and_sees_only_their_own(client, world) -> None:
    sign_in(client, "patient")
    form = client.get("/me/readings/new").get_data(as_text=True)
    key = form_key(form)
    now = clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")
    data = {"form_key": key, "effective_at": now, "spo2": "94", "weight": "81,5"}
    assert client.post("/me/readings/new", data=data).status_code == 302
    assert client.post("/me/readings/new", data=data).status_code == 302  # resent
    rows = db.session.scalars(select(Observation).order_by(Observation.code)).all()
    assert [(o.code, o.value, o.performer) for o in rows] == [
        ("spo2", 94, "patient"),
        ("weight", 81.5, "patient"),
    ]
    # No way to another patient's pages: the patient pages take no patient id at all, and the
    # staff pages refuse the role.
    assert client.get(f"/home/patients/{world.patient.id}").status_code == 403
    assert client.get(f"/patients/{world.patient.id}").status_code == 403


def test_self_managed_inr_suggestion_accepted_and_the_week_in_tablets(app, client, world) -> None:
    enrollment = enrol_in_anticoagulation(app, world)
    enrollment.anticoagulation.self_managing = True
    db.session.commit()
    sign_in(client, "patient")
    page = client.get("/me/anticoagulation").get_data(as_text=True)
    assert "Indberet din INR" in page and "Ugens tabletter" in page
    key = form_key(page)
    now = clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")
    sent = client.post(
        "/me/anticoagulation/inr", data={"form_key": key, "effective_at": now, "inr": "4,2"}
    )
    assert sent.status_code == 302
    page = client.get("/me/anticoagulation").get_data(as_text=True)
    # INR 4.2 is within her limits (hold one dose, then -10 %): hers to decide.
    assert "Din INR 4,2: det skal du gøre nu" in page
    assert "Pausér én dosis, reducér derefter 10\xa0%." in page
    assert "Tag ingen tabletter fredag den 20. november." in page
    assert "Din uge, hvis du godkender forslaget" in page
    assert "Godkend forslaget" in page
    suggestion = db.session.scalar(select(DoseSuggestion))
    assert suggestion.weekly_dose_mg < 35
    accepted = client.post(f"/me/dose-suggestions/{suggestion.id}/accept")
    assert accepted.status_code == 302
    db.session.refresh(suggestion)
    assert suggestion.status == "accepted"
    page = client.get("/me/anticoagulation").get_data(as_text=True)
    assert "Godkend forslaget" not in page
    assert "Din seneste beslutning" in page and "Besluttet af dig" in page
    assert "Ugedosis: 31,25 mg/uge." in page
    assert "Tabletter à 2,5 mg" in page


def test_an_overdue_test_is_a_reminder_and_the_nomogram_may_say_contact(app, client, world) -> None:
    enrollment = enrol_in_anticoagulation(app, world)
    plan = enrollment.anticoagulation
    plan.self_managing = True
    plan.next_test_due = clock.local(clock.now()).date() - timedelta(days=3)
    db.session.commit()
    sign_in(client, "patient")
    page = client.get("/me/anticoagulation").get_data(as_text=True)
    assert "Din INR-måling er 3 dage forsinket" in page
    key = form_key(page)
    now = clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")
    client.post("/me/anticoagulation/inr", data={"form_key": key, "effective_at": now, "inr": "6"})
    page = client.get("/me/anticoagulation").get_data(as_text=True)
    # One instruction: no tablets until the clinic has called, which it does today (open).
    assert "Tag ingen blodfortyndende tabletter fra fredag den 20. november" in page
    assert "Klinikken ringer til dig i dag." in page
    assert "Ændr ikke dosis selv" not in page
    assert "Godkend forslaget" not in page
