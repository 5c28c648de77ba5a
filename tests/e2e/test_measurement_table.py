"""The measurement table: paging and CSV export (issue 12, item 3)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from sqlalchemy import select

from telemon.extensions import db
from telemon.models import AuditEvent
from tests.helpers import CPH_WINTER, item, sign_in, token_for


def _upload(client, world, n: int) -> None:
    start = datetime(2026, 11, 1, 8, tzinfo=CPH_WINTER)
    readings = [
        item(world.patient.id, "spo2", 90 + n % 5, at=start + timedelta(hours=i)) for i in range(n)
    ]
    response = client.post(
        "/api/v1/observations", json={"observations": readings}, headers=token_for(client, "nurse")
    )
    assert response.status_code == 201


def test_the_table_pages_newest_first_without_repeats(client, world) -> None:
    _upload(client, world, 7)
    clinician = token_for(client, "clinician")
    url = f"/api/v1/patients/{world.patient.id}/observations?limit=3"
    seen, after = [], ""
    while True:
        body = client.get(url + after, headers=clinician).get_json()
        seen += [o["effective_at"] for o in body["items"]]
        if not body["next"]:
            break
        after = f"&after={body['next']}"
    assert len(seen) == 7 and seen == sorted(seen, reverse=True)


def test_csv_export_is_audited_and_named_without_patient_data(client, world) -> None:
    _upload(client, world, 3)
    response = client.get(
        f"/api/v1/patients/{world.patient.id}/observations.csv?code=spo2",
        headers=token_for(client, "clinician"),
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert f"observations-patient-{world.patient.id}-" in disposition
    assert "0101701234" not in disposition and "Synthetic" not in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 3 and rows[0]["code"] == "spo2" and rows[0]["unit"] == "%"
    assert rows[0]["effective_at"].endswith("+01:00")  # the offset it was sent with
    assert db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "observation.export", AuditEvent.user_id == world.clinician.id
        )
    )
    outsider = client.get(
        f"/api/v1/patients/{world.patient.id}/observations.csv",
        headers=token_for(client, "other-nurse"),
    )
    assert outsider.status_code == 404


def test_the_clinicians_csv_opens_in_danish_excel_and_the_machine_form_stays(client, world) -> None:
    _upload(client, world, 1)
    sign_in(client, "clinician")
    url = f"/patients/{world.patient.id}/measurements.csv"
    excel = client.get(url)
    assert excel.status_code == 200 and excel.mimetype == "text/csv"
    data = excel.get_data()
    assert data.startswith("\ufeff".encode())  # UTF-8 with its byte-order mark
    header, first = data.decode("utf-8-sig").split("\r\n")[:2]
    assert header.startswith("Målt (Europe/Copenhagen-tid);Måling;Værdi;")
    assert ";SpO2;" in first and "spo2" not in first and "+01:00" not in first
    machine = client.get(url + "?format=machine").get_data(as_text=True).lstrip("\ufeff")
    assert machine.startswith("effective_at,code,loinc,value")
    # The API: machine-readable unless asked for the spreadsheet.
    headers = token_for(client, "clinician")
    api = f"/api/v1/patients/{world.patient.id}/observations.csv"
    assert (
        client.get(api, headers=headers)
        .get_data(as_text=True)
        .lstrip("\ufeff")
        .startswith("effective_at,")
    )
    sheet = client.get(api + "?format=spreadsheet", headers=headers).get_data(as_text=True)
    assert sheet.lstrip("\ufeff").startswith("Målt (Europe/Copenhagen-tid);")
    assert client.get(api + "?format=xlsx", headers=headers).status_code == 422
