"""Who did it (issue 21, point 4): staff have a full name and a title, and wherever telemon
says who did something it says "Name, title" (the alert's timeline, the audit viewer, the wound
clinic's answer); an administrator edits them; a login without a name keeps its user name."""

from __future__ import annotations

from sqlalchemy import select

from telemon.extensions import db
from telemon.identity.names import person_name
from telemon.models import Alert, User
from tests.helpers import item, open_wound, sign_in, token_for


def test_person_names() -> None:
    assert person_name("demo-nurse", "Hanne Sørensen", "sygeplejerske") == (
        "Hanne Sørensen, sygeplejerske"
    )
    assert person_name("demo-nurse", "Hanne Sørensen", " ") == "Hanne Sørensen"
    assert person_name("demo-nurse", None, "sygeplejerske") == "demo-nurse"


def _name(username: str, full_name: str, title: str) -> None:
    user = db.session.scalar(select(User).where(User.username == username))
    user.full_name, user.title = full_name, title
    db.session.commit()


def test_the_alert_timeline_and_the_audit_viewer_say_name_and_title(client, world) -> None:
    _name("clinician", "Lise Syntetisk Lund", "overlæge")
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=token_for(client, "nurse"),
    )
    alert = db.session.scalar(select(Alert))
    sign_in(client, "clinician")
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "Lise Syntetisk Lund, overlæge" in page
    client.post("/sign-out")
    sign_in(client, "root")
    trail = client.get(f"/admin/audit/patients/{world.patient.id}").get_data(as_text=True)
    assert "Lise Syntetisk Lund, overlæge" in trail


def test_the_wound_clinics_answer_names_the_specialist(client, wounds) -> None:
    _name("wound-specialist", "Karen Syntetisk Friis", "sårsygeplejerske")
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    asked = client.post(
        f"/api/v1/wounds/{wound_id}/review-requests",
        json={"question": "Forbinding?", "urgency": "routine"},
        headers=nurse,
    ).get_json()
    replied = client.post(
        f"/api/v1/review-requests/{asked['id']}/reply",
        json={"instructions": "Skift til skumbandage."},
        headers=token_for(client, "wound-specialist"),
    )
    assert replied.status_code == 200, replied.get_json()
    sign_in(client, "nurse")
    page = client.get(f"/home/reviews/{asked['id']}").get_data(as_text=True)
    assert "besvaret af Karen Syntetisk Friis, sårsygeplejerske" in page


def test_an_administrator_sets_name_and_title(client, world) -> None:
    sign_in(client, "root")
    url = f"/admin/users/{world.nurse.id}"
    form = client.get(url).get_data(as_text=True)
    assert 'name="full_name"' in form and 'name="title"' in form
    saved = client.post(
        url,
        data={
            "full_name": "Hanne Syntetisk Sørensen",
            "title": "sygeplejerske",
            "email": "nurse@example.invalid",
            "language": "da",
            "role": "nurse",
            "active": "on",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    db.session.refresh(world.nurse)
    assert (world.nurse.full_name, world.nurse.title) == (
        "Hanne Syntetisk Sørensen",
        "sygeplejerske",
    )
    api = client.get(f"/api/v1/users/{world.nurse.id}", headers=token_for(client, "root"))
    assert api.get_json()["full_name"] == "Hanne Syntetisk Sørensen"
    # The console's list of users says who each login is.
    listed = client.get("/admin/users").get_data(as_text=True)
    assert "Hanne Syntetisk Sørensen, sygeplejerske" in listed


def test_contact_details_are_shown_where_one_calls_and_edited_by_the_clinician(
    client, world
) -> None:
    sign_in(client, "clinician")
    page = client.get(f"/patients/{world.patient.id}").get_data(as_text=True)
    assert f'href="/patients/{world.patient.id}/contact"' in page
    url = f"/patients/{world.patient.id}/contact"
    bad = client.post(url, data={"phone": "ring mig", "next_of_kin_name": "Synthetic Kin"})
    assert bad.status_code == 303 and bad.headers["Location"] == url
    shown = client.get(url)
    assert shown.status_code == 422 and 'value="ring mig"' in shown.get_data(as_text=True)
    saved = client.post(
        url,
        data={
            "phone": "+45 20 00 00 01",
            "next_of_kin_name": "Synthetic Kin",
            "next_of_kin_phone": "20 00 00 02",
        },
    )
    assert saved.status_code == 303
    page = client.get(f"/patients/{world.patient.id}").get_data(as_text=True)
    assert 'href="tel:+4520000001"' in page and "Synthetic Kin" in page
    client.post("/sign-out")
    # The home nurse sees them (to call), and cannot change them.
    sign_in(client, "nurse")
    visit = client.get(f"/home/patients/{world.patient.id}").get_data(as_text=True)
    assert 'href="tel:+4520000001"' in visit and 'href="tel:20000002"' in visit
    assert "/contact" not in visit
    assert client.get(url).status_code in (403, 404)
