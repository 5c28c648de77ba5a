"""Post/Redirect/Get (issue 21, points 1 and 2): a search by CPR number is sent by POST and never
lands in an address; every form answers its POST with a redirect, also when it comes back with
errors, and the page it leads to shows what was typed and what is wrong (once)."""

from __future__ import annotations

from sqlalchemy import func, select

from telemon import clock
from telemon.extensions import db
from telemon.models import Alert, Observation
from tests.helpers import enrol_in_anticoagulation, form_key, item, sign_in, token_for

CPR = "010170-1234"  # the world's synthetic patient


def test_the_clinicians_search_is_a_post_and_the_cpr_never_in_an_address(client, world) -> None:
    sign_in(client, "clinician")
    page = client.get("/patients").get_data(as_text=True)
    assert '<form method="post" class="filters" role="search">' in page
    sent = client.post("/patients", data={"q": CPR, "scope": "all"})
    assert sent.status_code == 303
    assert sent.headers["Location"] == "/patients?scope=all"
    assert "0101" not in sent.headers["Location"]
    found = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Synthetic Patient" in found and f'value="{CPR}"' in found
    # Kept for the next visit of the list (Back, reload, paging), until another search.
    assert "Synthetic Patient" in client.get("/patients?scope=all").get_data(as_text=True)
    client.post("/patients", data={"q": "311299-0000", "scope": "all"})
    assert "Synthetic Patient" not in client.get("/patients?scope=all").get_data(as_text=True)
    # A number in the address is no search at all (so no gateway or bookmark relies on one).
    client.post("/patients", data={"q": ""})
    assert "Synthetic Patient" in client.get("/patients?q=311299&scope=all").get_data(as_text=True)


def test_the_nurses_search_redirects_and_pages_keep_it(client, world) -> None:
    sign_in(client, "nurse")
    sent = client.post("/home/", data={"q": CPR, "programme": "copd"})
    assert sent.status_code == 303 and sent.headers["Location"] == "/home/?programme=copd"
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Synthetic Patient" in page and f'value="{CPR}"' in page


def test_a_form_with_errors_redirects_to_itself_and_shows_what_was_typed_once(
    client, world
) -> None:
    sign_in(client, "patient")
    key = form_key(client.get("/me/readings/new").get_data(as_text=True))
    now = clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")
    sent = client.post(
        "/me/readings/new", data={"form_key": key, "effective_at": now, "spo2": "150"}
    )
    assert sent.status_code == 303 and sent.headers["Location"] == "/me/readings/new"
    shown = client.get("/me/readings/new")
    page = shown.get_data(as_text=True)
    assert shown.status_code == 422
    assert 'value="150"' in page and "Skal ligge mellem" in page
    # Reload after that: the form as new (nothing kept twice, nothing stored).
    again = client.get("/me/readings/new").get_data(as_text=True)
    assert 'value="150"' not in again and "Skal ligge mellem" not in again
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0


def test_an_inr_with_an_error_goes_back_to_the_page_with_it(app, client, world) -> None:
    enrollment = enrol_in_anticoagulation(app, world)
    enrollment.anticoagulation.self_managing = True
    db.session.commit()
    sign_in(client, "patient")
    key = form_key(client.get("/me/anticoagulation").get_data(as_text=True))
    now = clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")
    sent = client.post(
        "/me/anticoagulation/inr", data={"form_key": key, "effective_at": now, "inr": "abc"}
    )
    assert sent.status_code == 303 and sent.headers["Location"] == "/me/anticoagulation"
    page = client.get("/me/anticoagulation").get_data(as_text=True)
    assert 'value="abc"' in page and "Ikke et tal." in page


def test_resolving_a_resolved_alert_again_redirects_with_a_message(client, world) -> None:
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=token_for(client, "nurse"),
    )
    alert = db.session.scalar(select(Alert))
    sign_in(client, "clinician")
    url = f"/alerts/{alert.id}/resolve"
    assert client.post(url, data={"note": "Ringet op."}).status_code == 302
    again = client.post(url, data={"note": "Noget andet."})
    assert again.status_code == 303 and again.headers["Location"] == f"/alerts/{alert.id}"
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Alarmen er allerede afsluttet." in page
    acknowledged = client.post(f"/alerts/{alert.id}/acknowledge", data={})
    assert acknowledged.status_code == 303
