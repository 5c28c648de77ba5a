"""The alert page a clinician decides from: the chart around it, the readings behind it (newest
first, only those), the wound's photos, the INR's dose suggestion with its form (for who may
act only), and a timeline that names who did what and when; all in Danish."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from telemon.extensions import db
from telemon.models import Alert, DoseSuggestion
from tests.helpers import (
    assessment_data,
    item,
    jpeg_with_gps,
    open_wound,
    post_assessment,
    raise_alert,
    sign_in,
    token_for,
)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def _readings_table(page: str) -> str:
    return page.split('<table class="list readings">', 1)[1].split("</table>", 1)[0]


def test_the_readings_behind_it_newest_first_and_only_those(client, world) -> None:
    nurse = token_for(client, "nurse")
    now = datetime.now(UTC)
    for minutes, value in ((90, 95), (60, 85), (30, 84)):
        body = {
            "observations": [
                item(world.patient.id, "spo2", value, now - timedelta(minutes=minutes))
            ]
        }
        assert client.post("/api/v1/observations", json=body, headers=nurse).status_code == 201
    red = db.session.scalars(
        select(Alert).where(Alert.patient_id == world.patient.id, Alert.severity == "red")
    ).one()
    sign_in(client, "clinician")
    page = _page(client, f"/alerts/{red.id}")
    table = _readings_table(page)
    assert table.index("84\u00a0%") < table.index("85\u00a0%")  # newest first
    assert "95\u00a0%" not in table  # a reading in range is not behind the alert
    assert 'id="chart-spo2"' in page and 'class="zone-red"' in page and 'class="mark"' in page
    assert "SpO2 omkring alarmen" in page
    for english in ("reading(s)", "{INR}", " at ", "spo2</td>"):
        assert english not in page


def test_the_timeline_names_who_did_what_and_when(client, world) -> None:
    nurse = token_for(client, "nurse")
    body = {"observations": [item(world.patient.id, "spo2", 85)]}
    client.post("/api/v1/observations", json=body, headers=nurse)
    alert = db.session.scalars(select(Alert).where(Alert.severity == "red")).one()
    sign_in(client, "clinician")
    acknowledged = client.post(
        f"/alerts/{alert.id}/acknowledge",
        data={"note": "Ringede til patienten.", "back": f"/alerts/{alert.id}"},
    )
    assert acknowledged.status_code == 302
    page = _page(client, f"/alerts/{alert.id}")
    timeline = page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    assert "oprettet (rød)" in timeline
    assert "set af clinician" in timeline
    assert "kvitteret af clinician" in timeline and "Ringede til patienten." in timeline
    assert re.search(r"<time>\d\d\.\d\d\.\d{4} \d\d\.\d\d</time>", timeline)  # Danish dates


def test_an_inr_alert_shows_its_dose_suggestion_and_only_the_team_may_confirm(
    client,
    acting,
) -> None:
    url = f"/alerts/{acting.inr_alert_id}"
    sign_in(client, "nurse")  # the municipal home nurse: the enrolment is shared with her
    page = _page(client, url)
    assert "pausér én dosis, reducér derefter 10\u00a0%" in page
    assert "/confirm" not in page and "/acknowledge" not in page
    client.post("/sign-out")
    sign_in(client, "team-nurse")  # the anticoagulation clinic's nurse
    page = _page(client, url)
    assert "pausér én dosis, reducér derefter 10\u00a0%" in page and "31,25" in page
    assert f"/dose-suggestions/{acting.suggestion_id}/confirm" in page
    confirmed = client.post(
        f"/dose-suggestions/{acting.suggestion_id}/confirm",
        data={"weekly_dose_mg": "31,25", "back": url},
    )
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith(url)
    suggestion = db.session.get(DoseSuggestion, acting.suggestion_id)
    db.session.refresh(suggestion)
    assert suggestion.status == "confirmed" and suggestion.decided_weekly_dose_mg == 31.25
    page = _page(client, url)
    assert "Afgjort" in page and "31,25 mg/uge" in page


def test_a_bad_dose_is_refused_with_a_danish_message_and_nothing_set(
    client,
    acting,
) -> None:
    sign_in(client, "team-nurse")
    for typed in ("abc", "-1", "1e999", "", "100000"):
        response = client.post(
            f"/dose-suggestions/{acting.suggestion_id}/confirm",
            data={"weekly_dose_mg": typed, "decision": "override"},
            follow_redirects=True,
        )
        # The worklist comes back with the suggestion's row, the message and what was typed.
        assert response.status_code == 422
        assert "Angiv ugedosis i mg" in html.unescape(response.get_data(as_text=True))
    # From the alert page: back there, with the message.
    response = client.post(
        f"/dose-suggestions/{acting.suggestion_id}/confirm",
        data={"weekly_dose_mg": "abc", "back": f"/alerts/{acting.inr_alert_id}"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Angiv ugedosis i mg" in html.unescape(response.get_data(as_text=True))
    assert db.session.get(DoseSuggestion, acting.suggestion_id).status == "pending"


def test_a_wound_alert_shows_the_latest_photos_and_links_to_the_wound(client, wounds) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    data = assessment_data(infection_signs=["erythema", "warmth"])
    assert post_assessment(client, nurse, wound_id, data, jpeg_with_gps()).status_code == 201
    alert = db.session.scalars(select(Alert).where(Alert.programme == "wound")).one()
    sign_in(client, "wound-specialist", "correct-horse-battery")
    page = _page(client, f"/alerts/{alert.id}")
    assert f'href="/wounds/{wound_id}"' in page
    assert page.count('src="/wounds/photos/') == 1


def test_resolving_a_resolved_alert_says_so_and_redirects(client, world) -> None:
    """The resolve form sent twice (Back, or a colleague was first): a redirect to the alert
    with a word, not a 409 page the browser would offer to resend."""
    alert_id = raise_alert(world.enrollment, "spo2_low", "red", 0)
    sign_in(client, "clinician")
    form = {"note": "Ringet op; har det godt."}
    assert client.post(f"/alerts/{alert_id}/resolve", data=form).status_code == 302
    again = client.post(f"/alerts/{alert_id}/resolve", data={"note": "En anden note."})
    assert again.status_code == 303 and again.location.endswith(f"/alerts/{alert_id}")
    assert "Alarmen er allerede afsluttet." in client.get(again.location).get_data(as_text=True)
