"""FHIR uploads on the embedded default: SQLite, evaluation in-process."""

from __future__ import annotations

import copy

from sqlalchemy import func, select

from telemon.extensions import db
from telemon.models import Alert, Device, Observation
from tests import fhir_bundles as fb
from tests.helpers import token_for
from tests.world import build_world


def test_a_gateway_upload_is_stored_once_and_evaluated_on_sqlite(sqlite_app) -> None:
    build_world()
    client = sqlite_app.test_client()
    headers = {**token_for(client, "nurse"), "Content-Type": "application/fhir+json"}
    body = fb.pulse_oximeter_bundle("0101701234", spo2=85)
    first = client.post("/fhir", json=copy.deepcopy(body), headers=headers)
    again = client.post("/fhir", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    locations = [e["response"].get("location") for e in first.get_json()["entry"]]
    assert [e["response"].get("location") for e in again.get_json()["entry"]] == locations
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 2
    assert db.session.scalar(select(func.count()).select_from(Device)) == 2
    (alert,) = db.session.scalars(select(Alert)).all()
    assert alert.severity == "red"
