"""Organisations, users, care teams, patients and enrolments through HTTP."""

from __future__ import annotations

from tests.helpers import PASSWORD, token_for


def test_an_admin_sets_up_a_region(client, world) -> None:
    root = token_for(client, "root")
    org = client.post(
        "/api/v1/organisations", json={"name": "New Hospital", "kind": "hospital"}, headers=root
    )
    assert org.status_code == 201
    org_id = org.get_json()["id"]
    admin = client.post(
        "/api/v1/users",
        json={
            "username": "new-admin",
            "password": PASSWORD,
            "role": "admin",
            "organisation_id": org_id,
        },
        headers=root,
    )
    assert admin.status_code == 201
    new_admin = token_for(client, "new-admin")
    doc = client.post(
        "/api/v1/users",
        json={
            "username": "new-doc",
            "password": PASSWORD,
            "role": "clinician",
            "email": "doc@example.invalid",
        },
        headers=new_admin,
    )
    assert doc.status_code == 201 and doc.get_json()["organisation_id"] == org_id
    team = client.post(
        "/api/v1/care-teams",
        json={
            "name": "COPD",
            "organisation_id": org_id,
            "email": "copd@example.invalid",
            "member_ids": [doc.get_json()["id"]],
        },
        headers=new_admin,
    )
    assert team.status_code == 201 and team.get_json()["member_ids"] == [doc.get_json()["id"]]
    # An organisation's admin cannot make teams elsewhere.
    elsewhere = client.post(
        "/api/v1/care-teams",
        json={"name": "X", "organisation_id": world.hospital.id, "email": "x@example.invalid"},
        headers=new_admin,
    )
    assert elsewhere.status_code == 403
    taken = client.post(
        "/api/v1/users",
        json={"username": "new-doc", "password": PASSWORD, "role": "nurse"},
        headers=new_admin,
    )
    assert taken.status_code == 409


def test_patients_cpr_checks_and_duplicates(client, world) -> None:
    headers = token_for(client, "clinician")
    ok = client.post(
        "/api/v1/patients",
        json={"cpr": "150362-4321", "name": "Synthetic Two", "birth_date": "1962-03-15"},
        headers=headers,
    )
    assert ok.status_code == 201
    assert ok.get_json()["cpr"] == "1503624321"
    again = client.post(
        "/api/v1/patients",
        json={"cpr": "1503624321", "name": "Someone", "birth_date": "1962-03-15"},
        headers=headers,
    )
    assert again.status_code == 409
    bad = client.post(
        "/api/v1/patients",
        json={"cpr": "310262-4321", "name": "X", "birth_date": "1962-02-28"},
        headers=headers,
    )
    assert bad.status_code == 422 and "cpr" in bad.get_json()["errors"]
    mismatch = client.post(
        "/api/v1/patients",
        json={"cpr": "150362-4322", "name": "X", "birth_date": "1963-03-15"},
        headers=headers,
    )
    assert mismatch.status_code == 422 and "birth_date" in mismatch.get_json()["errors"]


def test_enrolment_copies_defaults_and_takes_own_thresholds(client, world) -> None:
    headers = token_for(client, "clinician")
    patient = client.post(
        "/api/v1/patients",
        json={"cpr": "020280-1111", "name": "Synthetic Three", "birth_date": "1980-02-02"},
        headers=headers,
    ).get_json()
    body = {
        "programme": "copd",
        "care_team_id": world.lung_team.id,
        "shared_with": [world.municipality.id],
        "thresholds": {"spo2": {"alert_low": 86, "warning_low": 88}},
    }
    response = client.post(
        f"/api/v1/patients/{patient['id']}/enrollments", json=body, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    enrollment = response.get_json()
    assert enrollment["thresholds"]["spo2"] == {
        "alert_high": None,
        "warning_high": None,
        "warning_low": 88,
        "alert_low": 86,
    }
    assert enrollment["thresholds"]["pulse"]["warning_high"] == 100  # from the standard set
    assert enrollment["shared_with"] == [world.municipality.id]
    twice = client.post(f"/api/v1/patients/{patient['id']}/enrollments", json=body, headers=headers)
    assert twice.status_code == 409


def test_thresholds_must_be_ordered(client, world) -> None:
    headers = token_for(client, "clinician")
    response = client.patch(
        f"/api/v1/enrollments/{world.enrollment.id}",
        json={"thresholds": {"spo2": {"alert_low": 93, "warning_low": 90}}},
        headers=headers,
    )
    assert response.status_code == 422
    assert "spo2" in response.get_json()["errors"]["thresholds"]


def test_only_a_clinician_of_the_team_changes_thresholds(client, world) -> None:
    body = {"thresholds": {"spo2": {"alert_low": 88, "warning_low": 90}}}
    nurse = client.patch(
        f"/api/v1/enrollments/{world.enrollment.id}", json=body, headers=token_for(client, "nurse")
    )
    assert nurse.status_code == 403
    outsider = client.patch(
        f"/api/v1/enrollments/{world.enrollment.id}",
        json=body,
        headers=token_for(client, "other-clinician"),
    )
    assert outsider.status_code == 404
    ok = client.patch(
        f"/api/v1/enrollments/{world.enrollment.id}",
        json=body,
        headers=token_for(client, "clinician"),
    )
    assert ok.status_code == 200
    assert ok.get_json()["thresholds"]["spo2"]["alert_low"] == 88


def test_sharing_decides_who_sees_the_patient(client, world) -> None:
    gp = token_for(client, "gp")
    assert client.get(f"/api/v1/patients/{world.patient.id}", headers=gp).status_code == 200
    clinician = token_for(client, "clinician")
    client.patch(
        f"/api/v1/enrollments/{world.enrollment.id}",
        json={"shared_with": [world.municipality.id]},
        headers=clinician,
    )
    assert client.get(f"/api/v1/patients/{world.patient.id}", headers=gp).status_code == 404


def test_the_standard_set_is_changed_by_a_system_admin_and_copied_at_enrolment(client, world):
    url = "/api/v1/threshold-defaults/copd"
    current = client.get(url, headers=token_for(client, "clinician")).get_json()
    assert current["thresholds"]["spo2"]["alert_low"] == 90
    body = {"thresholds": {"spo2": {"warning_low": 91, "alert_low": 89}}}
    assert (
        client.put(url, json=body, headers=token_for(client, "hospital-admin")).status_code == 403
    )
    changed = client.put(url, json=body, headers=token_for(client, "root"))
    assert changed.status_code == 200
    assert changed.get_json()["thresholds"]["spo2"]["alert_low"] == 89
    headers = token_for(client, "clinician")
    patient = client.post(
        "/api/v1/patients",
        json={"cpr": "030390-1111", "name": "Synthetic Four", "birth_date": "1990-03-03"},
        headers=headers,
    ).get_json()
    enrolled = client.post(
        f"/api/v1/patients/{patient['id']}/enrollments",
        json={"programme": "copd", "care_team_id": world.lung_team.id},
        headers=headers,
    ).get_json()
    assert enrolled["thresholds"]["spo2"]["alert_low"] == 89
    # The existing enrolment kept its own copy.
    own = client.get(f"/api/v1/enrollments/{world.enrollment.id}", headers=headers).get_json()
    assert own["thresholds"]["spo2"]["alert_low"] == 90
