"""What outside attack scripts sent, and what telemon must answer: never a 5xx, never a
setting that switches alerts off, never a redirect off the site, never a hint whether an id
or a CPR number exists."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from telemon.extensions import db
from telemon.models import AuditEvent
from tests.helpers import PASSWORD, item, token_for

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def _enrol_ak(client: Any, world: Any, clinician: dict[str, str], **extra: Any) -> Any:
    body = {
        "programme": "anticoagulation",
        "care_team_id": world.lung_team.id,
        "inr_target_low": 2.0,
        "inr_target_high": 3.0,
        "weekly_dose_mg": 35,
        **extra,
    }
    return client.post(
        f"/api/v1/patients/{world.patient.id}/enrollments", json=body, headers=clinician
    )


class TestSettingsBounds:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("rule_settings", {"spo2_baseline_days": 1e300}),
            ("rule_settings", {"weight_gain_kg": 1e9}),
            ("schedule", {"interval_days": 1e300}),
            ("schedule", {"grace_hours": 1e12}),
            ("schedule", {"expected_codes": ["no-such-code"]}),
        ],
    )
    def test_copd_settings_past_their_range_are_refused(self, client, world, field, value):
        clinician = token_for(client, "clinician")
        response = client.patch(
            f"/api/v1/enrollments/{world.enrollment.id}", json={field: value}, headers=clinician
        )
        assert response.status_code == 422
        assert field in response.get_json()["errors"]

    def test_nan_in_inr_alert_settings_is_refused(self, client, world):
        clinician = token_for(client, "clinician")
        response = client.post(
            f"/api/v1/patients/{world.patient.id}/enrollments",
            data=(
                '{"programme": "anticoagulation", "care_team_id": TEAM, "inr_target_low": 2.0,'
                ' "inr_target_high": 3.0, "weekly_dose_mg": 35,'
                ' "inr_alert_settings": {"red_at_or_above": NaN}}'
            ).replace("TEAM", str(world.lung_team.id)),
            content_type="application/json",
            headers=clinician,
        )
        assert response.status_code == 422
        assert "inr_alert_settings" in response.get_json()["errors"]

    @pytest.mark.parametrize(
        "extra",
        [
            {"weekly_dose_mg": 100000},
            {"inr_target_low": 0.9},
            {"inr_target_high": 7.5},
        ],
    )
    def test_anticoagulation_plan_bounds(self, client, world, extra):
        clinician = token_for(client, "clinician")
        assert _enrol_ak(client, world, clinician, **extra).status_code == 422

    def test_a_confirmed_dose_is_bounded(self, client, world):
        clinician = token_for(client, "clinician")
        assert _enrol_ak(client, world, clinician).status_code == 201
        client.post(
            "/api/v1/observations",
            json={"observations": [item(world.patient.id, "inr", 2.4)]},
            headers=token_for(client, "nurse"),
        )
        state = client.get(
            f"/api/v1/patients/{world.patient.id}/anticoagulation", headers=clinician
        ).get_json()
        suggestion = state["dose_suggestion"]["id"]
        url = f"/api/v1/dose-suggestions/{suggestion}/confirm"
        too_much = client.post(url, json={"weekly_dose_mg": 100000}, headers=clinician)
        assert too_much.status_code == 422
        after = client.get(
            f"/api/v1/patients/{world.patient.id}/anticoagulation", headers=clinician
        ).get_json()
        assert after["weekly_dose_mg"] == 35


class TestRedirects:
    @pytest.mark.parametrize(
        "target", ["/%09/evil.example", "//evil.example", "/%5Cevil.example", "/%0d%0aX:%201"]
    )
    def test_sign_in_next_stays_on_the_site(self, client, world, target):
        response = client.post(
            f"/sign-in?next={target}", data={"username": "clinician", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/"

    def test_a_newline_in_back_is_no_error(self, client, world):
        client.post("/sign-in", data={"username": "clinician", "password": PASSWORD})
        response = client.post(
            "/language", data={"language": "en", "back": "/x\r\nSet-Cookie: a=b"}
        )
        assert response.status_code == 302 and response.headers["Location"] == "/"


class TestHeaders:
    def test_pages_carry_the_security_headers(self, client, world):
        page = client.get("/sign-in")
        assert page.headers["Content-Security-Policy"] == CSP
        assert page.headers["X-Frame-Options"] == "DENY"
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert page.headers["Referrer-Policy"] == "same-origin"
        assert page.headers["Cache-Control"] == "no-store"

    def test_api_answers_with_patient_data_are_not_stored(self, client, world):
        clinician = token_for(client, "clinician")
        answer = client.get(f"/api/v1/patients/{world.patient.id}", headers=clinician)
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


class TestProxies:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"TELEMON_TRUSTED_PROXIES": 1}

    def test_the_trusted_proxy_names_the_client_for_audit(self, client, world):
        clinician = token_for(client, "clinician")
        headers = {**clinician, "X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
        client.get(f"/api/v1/patients/{world.patient.id}", headers=headers)
        row = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "patient.read")
            .order_by(AuditEvent.id.desc())
        )
        # One trusted proxy: the address it saw connecting, not what the client claimed.
        assert row.client_address == "198.51.100.7"


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, world):
    clinician = token_for(client, "clinician")
    headers = {**clinician, "X-Forwarded-For": "203.0.113.9"}
    client.get(f"/api/v1/patients/{world.patient.id}", headers=headers)
    row = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "patient.read").order_by(AuditEvent.id.desc())
    )
    assert row.client_address == "127.0.0.1"


class TestExistence:
    def test_404_says_the_same_for_unknown_and_not_yours(self, client, world):
        outsider = token_for(client, "other-clinician")
        details = {
            client.get(path, headers=outsider).get_json()["detail"]
            for path in (
                f"/api/v1/patients/{world.patient.id}",
                "/api/v1/patients/999999",
                f"/api/v1/enrollments/{world.enrollment.id}",
                "/api/v1/enrollments/999999",
                "/api/v1/alerts/999999/acknowledge",
            )
            if client.get(path, headers=outsider).status_code == 404
        }
        assert len(details) == 1

    def test_an_unknown_id_probe_is_audited(self, client, world):
        outsider = token_for(client, "other-clinician")
        client.post("/api/v1/alerts/424242/acknowledge", json={}, headers=outsider)
        refused = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.outcome == "denied", AuditEvent.username == "other-clinician"
            )
        ).all()
        assert any(r.resource_id == "alert_id=424242" for r in refused)

    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"TELEMON_CPR_CONFLICT_LIMIT": "3 per hour"}

    def test_cpr_exists_answers_are_audited_and_limited(self, client, world):
        other = token_for(client, "other-clinician")
        body = {"cpr": "0101701234", "name": "Someone", "birth_date": "1970-01-01"}
        codes = [
            client.post("/api/v1/patients", json=body, headers=other).status_code for _ in range(4)
        ]
        assert codes == [409, 409, 409, 429]
        probes = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "patient.create.cpr_exists")
        ).all()
        assert len(probes) == 3 and {p.patient_id for p in probes} == {world.patient.id}


class TestMalformedInput:
    def test_deep_json_is_a_400_even_unauthenticated(self, client, world):
        deep = "[" * 100_000 + "]" * 100_000
        response = client.post("/api/v1/auth/token", data=deep, content_type="application/json")
        assert response.status_code == 400
        nurse = token_for(client, "nurse")
        response = client.post(
            "/api/v1/observations", data=deep, content_type="application/json", headers=nurse
        )
        assert response.status_code == 400

    def test_nul_in_text_is_a_422_naming_the_field(self, client, world):
        nurse = token_for(client, "nurse")
        body = {"observations": [item(world.patient.id, "pulse", 70, device="pulse\u0000ox")]}
        response = client.post("/api/v1/observations", json=body, headers=nurse)
        assert response.status_code == 422
        assert "observations.0.device" in response.get_json()["errors"]
        clinician = token_for(client, "clinician")
        query = client.get("/api/v1/alerts?status=open%00", headers=clinician)
        assert query.status_code == 422

    @pytest.mark.parametrize("big", [2**31, 2**63, 2**80])
    def test_huge_ids_in_paths_bodies_and_queries(self, client, world, big):
        clinician = token_for(client, "clinician")
        assert client.get(f"/api/v1/patients/{big}", headers=clinician).status_code == 404
        assert client.get(f"/api/v1/alerts?patient_id={big}", headers=clinician).status_code == 422
        body = {"observations": [item(big, "pulse", 70)]}
        nurse = token_for(client, "nurse")
        assert client.post("/api/v1/observations", json=body, headers=nurse).status_code == 422
        team = {"programme": "wound", "care_team_id": big}
        url = f"/api/v1/patients/{world.patient.id}/enrollments"
        assert client.post(url, json=team, headers=clinician).status_code == 422

    @pytest.mark.parametrize(
        "moment",
        ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "1800-06-01T08:00:00+00:00"],
    )
    def test_extreme_years_in_bodies_and_queries(self, client, world, moment):
        nurse = token_for(client, "nurse")
        reading = dict(item(world.patient.id, "pulse", 70), effective_at=moment)
        response = client.post(
            "/api/v1/observations", json={"observations": [reading]}, headers=nurse
        )
        assert response.status_code == 422
        url = f"/api/v1/patients/{world.patient.id}/observations"
        quoted = moment.replace("+", "%2B")
        assert client.get(f"{url}?since={quoted}", headers=nurse).status_code == 422

    def test_readings_before_2000_are_refused(self, client, world):
        nurse = token_for(client, "nurse")
        old = datetime(1999, 12, 31, 12, tzinfo=UTC)
        body = {"observations": [item(world.patient.id, "pulse", 70, at=old)]}
        response = client.post("/api/v1/observations", json=body, headers=nurse)
        assert response.status_code == 422
        assert "effective_at" in response.get_json()["errors"]["observations"]["0"]
        recent = datetime.now(UTC) - timedelta(days=400)
        body = {"observations": [item(world.patient.id, "pulse", 70, at=recent)]}
        assert client.post("/api/v1/observations", json=body, headers=nurse).status_code == 201

    def test_a_patient_cannot_record_as_a_nurse(self, client, world):
        patient = token_for(client, "patient")
        for performer, status in (("nurse", 422), ("relative", 201), ("device", 201)):
            body = {"observations": [item(world.patient.id, "pulse", 70, performer=performer)]}
            response = client.post("/api/v1/observations", json=body, headers=patient)
            assert response.status_code == status, performer

    def test_database_errors_log_no_values(self, client, world, caplog):
        from sqlalchemy.exc import IntegrityError

        from telemon.models import Patient

        with caplog.at_level(logging.DEBUG):
            db.session.add(
                Patient(
                    cpr="0101701234",
                    name="Duplicate",
                    birth_date=world.patient.birth_date,
                    organisation_id=world.hospital.id,
                    created_at=datetime.now(UTC),
                )
            )
            with pytest.raises(IntegrityError) as failed:
                db.session.flush()
            db.session.rollback()
            logging.getLogger("test").error("failed", exc_info=failed.value)
        assert "0101701234" not in caplog.text and "DETAIL" not in caplog.text
        assert "0101701234" not in str(failed.value.orig)
