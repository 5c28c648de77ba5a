"""The administrative powers (issue 12): who may read, enrol, share and create logins."""

from __future__ import annotations

from sqlalchemy import select

from telemon.extensions import db
from telemon.identity import service as identity
from telemon.models import AuditEvent
from tests.helpers import PASSWORD, item, token_for


def _municipal_admin(client, world) -> dict[str, str]:
    root = db.session.scalar(select(identity.User).where(identity.User.username == "root"))
    identity.create_user(
        root,
        {
            "username": "municipal-admin",
            "password": PASSWORD,
            "role": "admin",
            "organisation_id": world.municipality.id,
        },
    )
    return token_for(client, "municipal-admin")


def test_an_admin_of_a_sharing_municipality_reads_nothing_and_enrols_nobody(client, world):
    admin = _municipal_admin(client, world)
    patient = world.patient.id
    assert client.get(f"/api/v1/patients/{patient}", headers=admin).status_code == 404
    assert client.get(f"/api/v1/patients/{patient}/observations", headers=admin).status_code == 404
    assert client.get("/api/v1/alerts", headers=admin).status_code == 403
    assert client.get("/api/v1/patients", headers=admin).status_code == 403
    enrol = client.post(
        f"/api/v1/patients/{patient}/enrollments",
        json={
            "programme": "anticoagulation",
            "care_team_id": world.lung_team.id,
            "shared_with": [world.other_municipality.id],
            "weekly_dose_mg": 35,
        },
        headers=admin,
    )
    assert enrol.status_code == 403
    share = client.patch(
        f"/api/v1/enrollments/{world.enrollment.id}",
        json={"shared_with": [world.other_municipality.id]},
        headers=admin,
    )
    assert share.status_code == 404  # she does not even see the enrolment
    # The other municipality's nurse still sees nothing.
    other = token_for(client, "other-nurse")
    assert client.get(f"/api/v1/patients/{patient}", headers=other).status_code == 404


def test_only_the_registering_organisation_makes_a_patient_login(client, world):
    body = {"username": "ada-login", "password": PASSWORD, "role": "patient", "patient_id": 0}
    body["patient_id"] = world.patient.id
    refused = client.post("/api/v1/users", json=body, headers=_municipal_admin(client, world))
    assert refused.status_code == 422 and "patient_id" in refused.get_json()["errors"]
    assert (
        client.post("/api/v1/users", json=body, headers=token_for(client, "root")).status_code
        == 422
    )
    denied = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.create", AuditEvent.outcome == "denied")
    ).all()
    assert len(denied) == 2
    made = client.post("/api/v1/users", json=body, headers=token_for(client, "hospital-admin"))
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["organisation_id"] == world.hospital.id
    # Its creation is in the audit trail, with what was set and no password.
    (entry,) = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "user.create",
            AuditEvent.outcome == "allowed",
            AuditEvent.resource_id == str(made.get_json()["id"]),
        )
    ).all()
    assert entry.changes["after"]["role"] == "patient"
    assert entry.changes["after"]["patient_id"] == world.patient.id
    assert entry.changes["before"] == {}
    assert PASSWORD not in str(entry.changes) and "argon2" not in str(entry.changes)
    # The registering organisation's clinician may too, without a password: a temporary one.
    by_clinician = client.post(
        "/api/v1/users",
        json={"username": "ada-login-2", "role": "patient", "patient_id": world.patient.id},
        headers=token_for(client, "clinician"),
    )
    assert by_clinician.status_code == 201
    assert len(by_clinician.get_json()["temporary_password"]) == 19
    # A clinician creates no staff.
    staff = client.post(
        "/api/v1/users",
        json={"username": "sneaky", "password": PASSWORD, "role": "clinician"},
        headers=token_for(client, "clinician"),
    )
    assert staff.status_code == 403


def test_an_admin_of_the_registering_organisation_reads_no_clinical_data(client, world):
    admin = token_for(client, "hospital-admin")
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=token_for(client, "nurse"),
    )
    assert client.get(f"/api/v1/patients/{world.patient.id}", headers=admin).status_code == 404
    response = client.get(f"/api/v1/patients/{world.patient.id}/observations", headers=admin)
    assert response.status_code == 404


def test_teams_hold_staff_of_their_own_organisation_only(client, world):
    admin = _municipal_admin(client, world)
    body = {
        "name": "Home nursing",
        "organisation_id": world.municipality.id,
        "email": "home@example.invalid",
        "member_ids": [world.clinician.id],
    }
    refused = client.post("/api/v1/care-teams", json=body, headers=admin)
    assert refused.status_code == 422 and "member_ids" in refused.get_json()["errors"]
    body["member_ids"] = [world.nurse.id]
    team = client.post("/api/v1/care-teams", json=body, headers=admin)
    assert team.status_code == 201
    team_id = team.get_json()["id"]
    moved = client.patch(
        f"/api/v1/care-teams/{team_id}",
        json={"member_ids": [world.nurse.id, world.other_nurse.id]},
        headers=admin,
    )
    assert moved.status_code == 422
    changed = client.patch(
        f"/api/v1/care-teams/{team_id}",
        json={"escalation_email": "lead@example.invalid"},
        headers=admin,
    )
    assert changed.status_code == 200
    assert changed.get_json()["escalation_email"] == "lead@example.invalid"
    # Another organisation's team is not hers.
    lung = client.patch(
        f"/api/v1/care-teams/{world.lung_team.id}", json={"name": "Mine"}, headers=admin
    )
    assert lung.status_code == 403
    (entry,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "care_team.update")
    ).all()
    assert entry.changes == {
        "before": {"escalation_email": None},
        "after": {"escalation_email": "lead@example.invalid"},
    }


def test_clinicians_of_the_registering_organisation_or_the_team_enrol(client, world):
    """A clinician of another organisation who does not see the patient cannot enrol her; one
    of the registering organisation can, and the enrolment's creation and changes are audited
    with before and after."""
    outsider = token_for(client, "other-clinician")
    body = {"programme": "wound", "care_team_id": world.lung_team.id}
    assert (
        client.post(
            f"/api/v1/patients/{world.patient.id}/enrollments", json=body, headers=outsider
        ).status_code
        == 404
    )
    clinician = token_for(client, "clinician")
    made = client.post(
        f"/api/v1/patients/{world.patient.id}/enrollments", json=body, headers=clinician
    )
    assert made.status_code == 201
    shared = client.patch(
        f"/api/v1/enrollments/{made.get_json()['id']}",
        json={"shared_with": [world.municipality.id]},
        headers=clinician,
    )
    assert shared.status_code == 200
    entries = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.resource_type == "enrollment", AuditEvent.changes.is_not(None))
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in entries][-2:] == ["enrollment.create", "enrollment.update"]
    assert entries[-1].changes == {
        "before": {"shared_with": []},
        "after": {"shared_with": [world.municipality.id]},
    }
    assert entries[-1].patient_id == world.patient.id


def test_a_patient_is_registered_by_cpr_alone_and_her_details_audited_by_name(client, world):
    clinician = token_for(client, "clinician")
    made = client.post(
        "/api/v1/patients",
        json={"cpr": "150362-4321", "name": "Synthetic Two", "phone": "+45 12 34 56 78"},
        headers=clinician,
    )
    assert made.status_code == 201, made.get_json()
    patient = made.get_json()
    assert patient["birth_date"] == "1962-03-15" and patient["phone"] == "+45 12 34 56 78"
    assert patient["organisation_id"] == world.hospital.id
    changed = client.patch(
        f"/api/v1/patients/{patient['id']}",
        json={"next_of_kin_name": "Synthetic Kin", "next_of_kin_phone": "87654321"},
        headers=clinician,
    )
    assert changed.status_code == 200 and changed.get_json()["next_of_kin_name"] == "Synthetic Kin"
    bad = client.patch(
        f"/api/v1/patients/{patient['id']}", json={"phone": "call me"}, headers=clinician
    )
    assert bad.status_code == 422 and "phone" in bad.get_json()["errors"]
    entries = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.patient_id == patient["id"], AuditEvent.changes.is_not(None))
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in entries] == ["patient.create", "patient.update"]
    assert entries[0].changes["after"]["details"] == ["name", "phone"]
    assert entries[1].changes["after"]["changed"] == ["next_of_kin_name", "next_of_kin_phone"]
    assert "Synthetic" not in str([e.changes for e in entries])
    assert "12 34" not in str([e.changes for e in entries])
    nurse = client.patch(
        f"/api/v1/patients/{patient['id']}", json={"name": "X"}, headers=token_for(client, "nurse")
    )
    assert nurse.status_code in (403, 404)
