"""Bad input the attack scripts of issue 21 sent, and what telemon must answer: limits within
what a reading can be and in order, JSON numbers and booleans only where the document says so,
a 4xx (never a 5xx) for a 5,001-digit integer, a lone surrogate, a year-1 date or a PNG
decompression bomb, and dates within 1900-2200 in every date field."""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

import pytest

from tests.helpers import assessment_data, open_wound, post_assessment, token_for

HUGE = "1" + "0" * 5000  # 5,001 digits: past Python's int-from-text limit (4,300)


def _patch(client: Any, world: Any, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.patch(f"/api/v1/enrollments/{world.enrollment.id}", json=body, headers=headers)


class TestLimits:
    @pytest.mark.parametrize(
        "limits",
        [
            {"alert_low": -1e300},
            {"alert_low": 1e300},
            {"alert_low": -5},
            {"alert_high": 101},  # SpO2 is a percentage
            {"warning_low": 49.9},
        ],
    )
    def test_a_limit_beyond_what_a_reading_can_be_is_refused(self, client, world, limits):
        clinician = token_for(client, "clinician")
        response = _patch(client, world, clinician, {"thresholds": {"spo2": limits}})
        assert response.status_code == 422, response.get_json()
        (field,) = limits
        assert field in json.dumps(response.get_json()["errors"]["thresholds"]["spo2"])

    def test_limits_out_of_order_are_refused_and_plausible_ones_kept(self, client, world):
        clinician = token_for(client, "clinician")
        crossed = {"alert_low": 95, "warning_low": 90}
        assert _patch(client, world, clinician, {"thresholds": {"spo2": crossed}}).status_code == (
            422
        )
        fine = {"alert_low": 50, "warning_low": 92, "alert_high": 100}
        response = _patch(client, world, clinician, {"thresholds": {"spo2": fine}})
        assert response.status_code == 200, response.get_json()

    def test_the_standard_sets_are_bounded_too(self, client, world):
        admin = token_for(client, "root")
        response = client.put(
            "/api/v1/threshold-defaults/copd",
            json={"thresholds": {"temperature": {"alert_high": 1e300}}},
            headers=admin,
        )
        assert response.status_code == 422

    def test_the_web_form_refuses_them_in_the_readers_language(self, client, world):
        from tests.helpers import sign_in

        sign_in(client, "clinician")
        response = client.post(
            f"/enrollments/{world.enrollment.id}/thresholds",
            data={"spo2.alert_low": "-5"},
            headers={"Accept-Language": "da"},
        )
        # Post/Redirect/Get: back to the form, which says what is wrong.
        assert response.status_code == 303
        page = client.get(response.location, headers={"Accept-Language": "da"})
        assert "skal ligge mellem 50" in page.get_data(as_text=True)

    @pytest.mark.parametrize("text", ["١٢٣", "９０", "9_0", "90 ", "90", "true"])
    def test_numbers_in_json_are_json_numbers(self, client, world, text):
        clinician = token_for(client, "clinician")
        response = _patch(client, world, clinician, {"thresholds": {"spo2": {"alert_low": text}}})
        assert response.status_code == 422
        nurse = token_for(client, "nurse")
        reading = {
            "client_id": "5f0c4a52-5b7e-4f55-9d55-8a6f6f0b2c11",
            "patient_id": world.patient.id,
            "code": "pulse",
            "value": text,
            "effective_at": "2026-01-01T08:00:00+01:00",
        }
        response = client.post(
            "/api/v1/observations", json={"observations": [reading]}, headers=nurse
        )
        assert response.status_code == 422
        assert "observations" in response.get_json()["errors"]

    @pytest.mark.parametrize("value", [0, 1, "true", "yes"])
    def test_booleans_in_json_are_true_or_false(self, client, world, value):
        clinician = token_for(client, "clinician")
        response = _patch(client, world, clinician, {"self_managing": value})
        assert response.status_code == 422
        assert "self_managing" in response.get_json()["errors"]

    def test_ids_in_json_are_json_numbers(self, client, world):
        clinician = token_for(client, "clinician")
        response = _patch(client, world, clinician, {"care_team_id": str(world.lung_team.id)})
        assert response.status_code == 422


class TestNoServerErrors:
    def test_a_5001_digit_integer_is_a_4xx_even_unauthenticated(self, client, world):
        body = '{"username": ' + HUGE + ', "password": "x"}'
        response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
        assert 400 <= response.status_code < 500
        clinician = token_for(client, "clinician")
        response = client.patch(
            f"/api/v1/enrollments/{world.enrollment.id}",
            data='{"thresholds": {"spo2": {"alert_low": ' + HUGE + "}}}",
            content_type="application/json",
            headers=clinician,
        )
        assert 400 <= response.status_code < 500
        huge_float = '{"thresholds": {"spo2": {"alert_low": ' + HUGE + ".5}}}"
        response = client.patch(
            f"/api/v1/enrollments/{world.enrollment.id}",
            data=huge_float,
            content_type="application/json",
            headers=clinician,
        )
        assert 400 <= response.status_code < 500

    def test_a_lone_surrogate_is_a_422_naming_the_field(self, client, world):
        clinician = token_for(client, "clinician")
        response = client.post(
            "/api/v1/patients",
            data='{"cpr": "0101701234", "name": "x\\ud800y"}',
            content_type="application/json",
            headers=clinician,
        )
        assert response.status_code == 422
        assert "name" in response.get_json()["errors"]
        nurse = token_for(client, "nurse")
        response = client.post(
            f"/api/v1/patients/{world.patient.id}/wounds",
            data='{"body_site": "x\\udfffy", "wound_type": "venous_leg_ulcer"}',
            content_type="application/json",
            headers=nurse,
        )
        assert response.status_code == 422
        assert "body_site" in response.get_json()["errors"]

    @pytest.mark.parametrize("search", ["ge0001-01-01", "le9999-12-31", "ge0001-01-01T00:00:00Z"])
    def test_fhir_dates_beyond_the_years_are_a_400(self, client, world, search):
        clinician = token_for(client, "clinician")
        response = client.get(
            f"/fhir/Observation?patient={world.patient.id}&date={search}", headers=clinician
        )
        assert response.status_code == 400
        assert response.get_json()["resourceType"] == "OperationOutcome"

    def test_a_png_past_pillows_bomb_limit_is_a_413(self, client, wounds):
        nurse = token_for(client, "nurse")
        wound_id = open_wound(client, nurse, wounds.base.patient.id)
        bomb = _png_header_only(30_000, 30_000)
        assert len(bomb) < 5_000
        response = post_assessment(client, nurse, wound_id, assessment_data(), ("w.png", bomb))
        assert response.status_code == 413


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width × height and holds one row of pixels: a few hundred bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00" * 3 * 10)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


class TestDates:
    @pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
    def test_a_wound_onset_outside_1900_2200_is_refused(self, client, world, day):
        nurse = token_for(client, "nurse")
        response = client.post(
            f"/api/v1/patients/{world.patient.id}/wounds",
            json={"body_site": "heel", "wound_type": "pressure_ulcer", "onset_date": day},
            headers=nurse,
        )
        assert response.status_code == 422
        assert "onset_date" in response.get_json()["errors"]

    @pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2201-01-01"])
    def test_a_public_holiday_outside_1900_2200_is_refused(self, client, world, day):
        root = token_for(client, "root")
        response = client.put(
            f"/api/v1/public-holidays/{day}", json={"name": "Someday"}, headers=root
        )
        assert response.status_code == 422
        assert "day" in response.get_json()["errors"]

    def test_a_pause_outside_1900_2200_is_refused(self, client, world):
        clinician = token_for(client, "clinician")
        response = client.post(
            f"/api/v1/enrollments/{world.enrollment.id}/pause",
            json={"paused_from": "2026-01-01", "paused_until": "9999-12-31", "reason": "holiday"},
            headers=clinician,
        )
        assert response.status_code == 422
        assert "paused_until" in response.get_json()["errors"]


class TestTheDocumentTellsTheTruth:
    def test_a_patch_without_its_body_is_refused(self, client, world):
        # The document says the body is required (schemathesis ST201); `{}` changes nothing.
        clinician = token_for(client, "clinician")
        url = f"/api/v1/enrollments/{world.enrollment.id}"
        response = client.patch(url, headers=clinician)
        assert response.status_code == 422
        assert "body" in response.get_json()["errors"]
        assert client.patch(url, json={}, headers=clinician).status_code == 200
