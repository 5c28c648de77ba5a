"""The SOR code and EAN (GLN) number MedCom names an organisation by (CareCommunication's
sender and receiver): set by the system administrator through the API and the console,
checked (digits, GS1 check digit, one organisation per SOR code), audited."""

from __future__ import annotations

from sqlalchemy import select

from telemon.extensions import db
from telemon.models import AuditEvent, Organisation
from tests.helpers import sign_in, token_for

GLN = "5790000000012"  # check digit 2


def test_the_codes_are_set_checked_and_audited_through_the_api(client, world) -> None:
    root = token_for(client, "root")
    url = f"/api/v1/organisations/{world.hospital.id}"
    saved = client.patch(url, json={"sor_code": "123456789012345", "ean_code": GLN}, headers=root)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["sor_code"] == "123456789012345"
    assert saved.get_json()["ean_code"] == GLN

    wrong_digit = client.patch(url, json={"ean_code": "5790000000013"}, headers=root)
    assert wrong_digit.status_code == 422 and "ean_code" in wrong_digit.get_json()["errors"]
    for ean in ("abc", "-1", "nan", "1e400", "١٢٣٤٥٦٧٨٩٠١٢٣"):
        refused_ean = client.patch(url, json={"ean_code": ean}, headers=root)
        assert refused_ean.status_code == 422 and "ean_code" in refused_ean.get_json()["errors"]
    newline = client.patch(url, json={"sor_code": "12345\n"}, headers=root)
    assert newline.status_code == 422 and "sor_code" in newline.get_json()["errors"]
    letters = client.patch(url, json={"sor_code": "12a"}, headers=root)
    assert letters.status_code == 422 and "sor_code" in letters.get_json()["errors"]
    taken = client.patch(
        f"/api/v1/organisations/{world.municipality.id}",
        json={"sor_code": "123456789012345"},
        headers=root,
    )
    assert taken.status_code == 409 and "sor_code" in taken.get_json()["errors"]
    # Only a system administrator.
    refused = client.patch(url, json={"sor_code": "1"}, headers=token_for(client, "hospital-admin"))
    assert refused.status_code == 403

    db.session.expire_all()
    assert db.session.get(Organisation, world.municipality.id).sor_code is None
    change = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.update"))
    assert change is not None


def test_the_console_saves_the_codes_and_says_what_is_wrong(client, world) -> None:
    sign_in(client, "root")
    page = client.post(
        f"/admin/organisations/{world.hospital.id}",
        data={"name": "Synthetic Hospital", "sor_code": "98765", "ean_code": GLN},
        follow_redirects=True,
    )
    assert page.status_code == 200
    db.session.expire_all()
    hospital = db.session.get(Organisation, world.hospital.id)
    assert (hospital.sor_code, hospital.ean_code) == ("98765", GLN)
    bad = client.post(
        f"/admin/organisations/{world.hospital.id}",
        data={"name": "Synthetic Hospital", "sor_code": "98765", "ean_code": "123"},
        follow_redirects=True,
    )
    assert "13 digits" in bad.get_data(as_text=True)  # root reads English
    db.session.expire_all()
    assert db.session.get(Organisation, world.hospital.id).ean_code == GLN
