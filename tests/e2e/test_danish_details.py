"""Danish details a week of real use found (issue 21, point 6): the decimal comma on wound
areas, bulk acknowledgement counted in words, no "hende" for every patient, programmes named in
words in English, the audit viewer in words with repeats collapsed, and a favicon."""

from __future__ import annotations

from sqlalchemy import select

from telemon.extensions import db
from telemon.models import Alert
from tests.helpers import (
    assessment_data,
    item,
    jpeg_with_gps,
    open_wound,
    post_assessment,
    sign_in,
    token_for,
)


def test_the_wound_area_has_a_decimal_comma(client, wounds) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    data = assessment_data(area_cm2=11.3)
    assert post_assessment(client, nurse, wound_id, data, jpeg_with_gps()).status_code == 201
    sign_in(client, "wound-specialist")
    page = client.get(f"/wounds/{wound_id}").get_data(as_text=True)
    assert "11,3 cm²" in page and "11.3 cm²" not in page


def test_bulk_acknowledgement_counts_in_words_and_asks_to_choose(client, world) -> None:
    nurse = token_for(client, "nurse")
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "pulse", 105)]},
        headers=nurse,
    )
    alert = db.session.scalar(select(Alert))
    sign_in(client, "clinician")
    none = client.post("/alerts/acknowledge", data={}, follow_redirects=True)
    text = none.get_data(as_text=True)
    assert "Vælg først de gule alarmer, der skal kvitteres." in text
    assert "0 gule alarmer" not in text
    one = client.post("/alerts/acknowledge", data={"alert_id": alert.id}, follow_redirects=True)
    assert "1 gul alarm kvitteret." in one.get_data(as_text=True)


def test_no_pronoun_guesses_the_patients_sex(client, world) -> None:
    sign_in(client, "clinician")
    registered = client.post(
        "/patients/new",
        data={"cpr": "020280-1111", "name": "Synthetic Three", "form_key": "k-21"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Tilmeld patienten et forløb." in registered and "hende" not in registered


def test_programmes_have_names_in_english_too(client, world) -> None:
    sign_in(client, "clinician")
    client.post("/language", data={"language": "en", "back": "/"})
    page = client.get(f"/patients/{world.patient.id}").get_data(as_text=True)
    assert "<strong>COPD</strong>" in page and "<strong>copd</strong>" not in page


def test_the_audit_viewer_says_actions_in_words_and_collapses_repeats(client, world) -> None:
    sign_in(client, "patient")  # her own page lists her measurements (observation.list)
    for _ in range(3):
        assert client.get("/me/").status_code == 200
    client.post("/sign-out")
    sign_in(client, "root")
    client.post("/language", data={"language": "da", "back": "/"})
    page = client.get(f"/admin/audit/patients/{world.patient.id}").get_data(as_text=True)
    assert "observation.list" not in page and "så listen over målinger" in page
    assert page.count("så listen over målinger") == 1
    assert "3 gange, fra" in page


def test_a_favicon_on_every_page(client, world) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/sign-in").get_data(as_text=True)
    assert '<link rel="icon" href="/static/web/favicon.ico"' in page
