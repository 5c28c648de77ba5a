"""The patient overview (telemon.patients.overview) through GET /api/v1/patients."""

from __future__ import annotations

from sqlalchemy import select

from telemon.extensions import db
from telemon.models import AuditEvent
from telemon.patients import overview
from telemon.patients import service as patients
from tests.helpers import item, raise_alert, token_for


def _register(world, cpr: str, name: str, enrol: bool = True) -> int:
    patient = patients.create_patient(world.clinician, {"cpr": cpr, "name": name})
    if enrol:
        patients.enroll(
            world.clinician,
            patient.id,
            {
                "programme": "copd",
                "care_team_id": world.lung_team.id,
                "shared_with": [world.municipality.id],
            },
        )
    return patient.id


def _rows(client, headers, query: str = "") -> list[dict]:
    response = client.get(f"/api/v1/patients?{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_worst_open_severity_first_green_last_with_last_reading_and_due(client, world) -> None:
    green = _register(world, "0202801111", "Synthetic Green")
    yellow = _register(world, "0303801111", "Synthetic Yellow")
    unenrolled = _register(world, "0404801111", "Synthetic Unenrolled", enrol=False)
    enrolments = {e.patient_id: e for e in _enrolments()}
    raise_alert(enrolments[yellow], "synthetic.yellow", "yellow", 1)
    raise_alert(world.enrollment, "synthetic.red", "red", 5)
    raise_alert(world.enrollment, "synthetic.blue", "blue", 0)
    client.post(
        "/api/v1/observations",
        json={"observations": [item(green, "spo2", 96)]},
        headers=token_for(client, "nurse"),
    )
    clinician = token_for(client, "clinician")
    rows = _rows(client, clinician)
    assert [r["patient_id"] for r in rows] == [world.patient.id, yellow, green]
    top = rows[0]
    assert top["severity"] == "red" and top["open_alerts"] == 2
    assert top["unseen_alerts"] == 2 and top["alerts_seen"] is False
    assert top["name"] == "Synthetic Patient" and top["cpr"] == "0101701234"
    assert rows[2]["severity"] == "green" and rows[2]["alerts_seen"] is True
    assert rows[2]["last_reading"]["code"] == "spo2" and rows[2]["last_reading"]["value"] == 96
    assert rows[2]["next_due"] is not None
    assert [p["programme"] for p in rows[2]["programmes"]] == ["copd"]
    # The registering organisation's clinician finds the patient not yet enrolled with "all".
    assert unenrolled not in [r["patient_id"] for r in rows]
    everyone = _rows(client, clinician, "scope=all")
    assert unenrolled in [r["patient_id"] for r in everyone]
    # Every row shown is audited.
    listed = db.session.scalars(
        select(AuditEvent.patient_id).where(AuditEvent.action == "patient.list")
    ).all()
    assert {world.patient.id, yellow, green} <= set(listed)


def _enrolments():
    from telemon.models import Enrollment

    return db.session.scalars(select(Enrollment)).all()


def test_the_team_opening_an_alert_marks_it_seen_by_the_hospital(client, world) -> None:
    alert_id = raise_alert(world.enrollment, "synthetic.red", "red", 5)
    nurse = token_for(client, "nurse")
    client.get(f"/api/v1/alerts/{alert_id}", headers=nurse)  # the home nurse looks first
    assert _rows(client, nurse)[0]["alerts_seen"] is False
    client.get(f"/api/v1/alerts/{alert_id}", headers=token_for(client, "clinician"))
    assert _rows(client, nurse)[0]["alerts_seen"] is True


def test_search_by_name_or_cpr_and_filters(client, world) -> None:
    _register(world, "0505801111", "Synthetic Hansen")
    clinician = token_for(client, "clinician")
    assert [r["name"] for r in _rows(client, clinician, "q=hansen")] == ["Synthetic Hansen"]
    assert [r["name"] for r in _rows(client, clinician, "q=050580-1")] == ["Synthetic Hansen"]
    assert [r["name"] for r in _rows(client, clinician, "q=0101")] == ["Synthetic Patient"]
    assert _rows(client, clinician, "q=%25") == []  # a LIKE wildcard is a character here
    assert _rows(client, clinician, "programme=wound") == []
    assert len(_rows(client, clinician, f"care_team_id={world.lung_team.id}")) == 2


def test_paging_by_cursor_neither_repeats_nor_skips(client, world) -> None:
    for n in range(5):
        _register(world, f"0{n + 1}0680111{n}", f"Synthetic Page {n}")
    raise_alert(world.enrollment, "synthetic.red", "red", 5)
    clinician = token_for(client, "clinician")
    everyone = [r["patient_id"] for r in _rows(client, clinician)]
    seen, after = [], ""
    while True:
        body = client.get(f"/api/v1/patients?limit=2{after}", headers=clinician).get_json()
        seen += [r["patient_id"] for r in body["items"]]
        if body["next"] is None:
            break
        key = overview.decode_cursor(body["next"])  # rank, time, id: no name, no CPR
        assert not any(isinstance(v, str) for v in key)
        after = f"&after={body['next']}"
    assert seen == everyone and len(seen) == 6
    bad = client.get("/api/v1/patients?after=nonsense", headers=clinician)
    assert bad.status_code == 422 and "after" in bad.get_json()["errors"]


def test_a_nurse_sees_her_organisations_patients_and_an_admin_nobody(client, world) -> None:
    assert [r["patient_id"] for r in _rows(client, token_for(client, "nurse"))] == [
        world.patient.id
    ]
    assert _rows(client, token_for(client, "other-nurse")) == []
    assert (
        client.get("/api/v1/patients", headers=token_for(client, "hospital-admin")).status_code
        == 403
    )


def test_a_paused_patient_shows_paused_and_nothing_due(client, world) -> None:
    clinician = token_for(client, "clinician")
    from telemon import clock

    today = clock.local(clock.now()).date().isoformat()
    paused = client.post(
        f"/api/v1/enrollments/{world.enrollment.id}/pause",
        json={"paused_from": today, "reason": "admitted"},
        headers=clinician,
    )
    assert paused.status_code == 200, paused.get_json()
    row = _rows(client, clinician)[0]
    assert row["paused"] is True and row["next_due"] is None
    assert row["programmes"][0]["pause_reason"] == "admitted"
