"""Web pages through the Flask test client (CSRF checked in the browser tests)."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from telemon.extensions import db
from telemon.models import AuditEvent, Threshold
from telemon.vocabulary import SEVERITY_RANK as RANK
from tests.helpers import PASSWORD, item, raise_alert, sign_in, token_for


def test_patient_page_shows_the_spo2_chart_with_the_patients_band(client, world) -> None:
    client.post(
        "/api/v1/observations",
        json={
            "observations": [
                item(world.patient.id, "spo2", 85),
                item(world.patient.id, "pulse", 70),
            ]
        },
        headers=token_for(client, "nurse"),
    )
    sign_in(client, "clinician")
    page = client.get(f"/patients/{world.patient.id}").get_data(as_text=True)
    assert "<title>Synthetic Patient · telemon</title>" in page
    assert 'id="chart-spo2"' in page and 'class="zone-red"' in page and "85 % kl. " in page
    assert 'id="chart-pulse"' in page
    assert "SpO2 85\xa0% er under alarmgrænsen 90\xa0%" in page  # the open alert, in Danish
    assert "Redigér grænseværdier" in page  # Danish by default
    audit = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.user_id == world.clinician.id)
    ).all()
    assert "patient.read" in audit


def test_another_teams_clinician_gets_404_on_the_patient_page(client, world) -> None:
    sign_in(client, "other-clinician")
    response = client.get(f"/patients/{world.patient.id}")
    assert response.status_code == 404
    assert "Synthetic Patient" not in response.get_data(as_text=True)


def test_thresholds_are_edited_with_validation_and_audit(client, world) -> None:
    sign_in(client, "clinician")
    url = f"/enrollments/{world.enrollment.id}/thresholds"
    form = client.get(url)
    assert form.status_code == 200 and 'name="spo2.alert_low"' in form.get_data(as_text=True)
    bad = client.post(
        url, data={"spo2.warning_low": "88", "spo2.alert_low": "90"}, follow_redirects=True
    )
    assert bad.status_code == 422
    page = html.unescape(bad.get_data(as_text=True))
    assert "advarsel lav (88\u00a0%) skal være over alarm lav (90\u00a0%)." in page
    assert "Nogle grænser skal rettes" in page
    ok = client.post(url, data={"spo2.warning_low": "89,5", "spo2.alert_low": "87"})
    assert ok.status_code == 302
    row = db.session.get(Threshold, (world.enrollment.id, "spo2"))
    assert (row.warning_low, row.alert_low) == (89.5, 87)
    assert db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "enrollment.update", AuditEvent.user_id == world.clinician.id
        )
    )


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("abc", "alarm lav: ikke et tal"),
        ("1e999", "alarm lav: ikke et tal"),
        ("nan", "alarm lav: ikke et tal"),
        ("9" * 40, "alarm lav: skal ligge mellem 50\u00a0% og 100\u00a0%"),
        ("-5", "alarm lav: skal ligge mellem 50\u00a0% og 100\u00a0%"),
    ],
)
def test_a_limit_that_is_not_a_number_is_a_danish_field_error_and_nothing_is_stored(
    client, world, typed, error
) -> None:
    sign_in(client, "clinician")
    url = f"/enrollments/{world.enrollment.id}/thresholds"
    before = db.session.get(Threshold, (world.enrollment.id, "spo2")).alert_low
    bad = client.post(
        url, data={"spo2.alert_low": typed, "pulse.alert_high": "130"}, follow_redirects=True
    )
    assert bad.status_code == 422
    page = html.unescape(bad.get_data(as_text=True))
    assert error in page
    assert f'value="{typed}"' in page  # shown again, to be corrected
    db.session.expire_all()
    assert db.session.get(Threshold, (world.enrollment.id, "spo2")).alert_low == before
    assert db.session.get(Threshold, (world.enrollment.id, "pulse")).alert_high == 120


def test_a_nurse_cannot_edit_thresholds(client, world) -> None:
    sign_in(client, "nurse")
    assert client.get(f"/enrollments/{world.enrollment.id}/thresholds").status_code == 403


def test_the_language_is_chosen_per_user(client, world) -> None:
    anonymous = client.get("/sign-in", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert "<h1>Sign in</h1>" in anonymous.get_data(as_text=True)
    assert "<h1>Log ind</h1>" in client.get("/sign-in").get_data(as_text=True)
    sign_in(client, "clinician")
    assert "Arbejdsliste" in client.get("/queue").get_data(as_text=True)
    client.post("/language", data={"language": "en", "back": "/"})
    assert "Review queue" in client.get("/queue").get_data(as_text=True)
    client.post("/sign-out")
    sign_in(client, "clinician")
    assert '<html lang="en">' in client.get("/queue").get_data(as_text=True)


def test_the_web_session_ends_after_30_idle_minutes(app, client, world) -> None:
    from datetime import timedelta

    response = client.post("/sign-in", data={"username": "clinician", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert app.permanent_session_lifetime == timedelta(minutes=30)


def _alert_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-alert-id="(\d+)"', page)]


def _link(page: str, text: str) -> str | None:
    found = re.search(r'<a href="([^"]+)"[^>]*>' + text + "</a>", page)
    return html.unescape(found.group(1)) if found else None


def test_the_queue_shows_50_items_a_page_and_links_to_the_rest(client, world) -> None:
    created = []
    for n in range(53):
        severity = ("blue", "yellow", "red")[n % 3]
        minutes = (53 - n) // 2  # later ones older, in pairs raised at the same minute
        created.append(
            (RANK[severity], minutes, raise_alert(world.enrollment, f"q.{n}", severity, minutes))
        )
    expected = [alert_id for _, _, alert_id in sorted(created, key=lambda c: (-c[0], c[1], c[2]))]
    sign_in(client, "clinician")

    first = client.get("/queue?programme=copd").get_data(as_text=True)
    assert _alert_ids(first) == expected[:50]
    assert _link(first, "Første side") is None
    next_page = _link(first, "Næste side")
    assert next_page is not None and "programme=copd" in next_page

    second = client.get(next_page).get_data(as_text=True)
    assert _alert_ids(second) == expected[50:]
    assert _link(second, "Næste side") is None
    assert (
        _alert_ids(client.get(_link(second, "Første side")).get_data(as_text=True)) == expected[:50]
    )
    # The counts at the top stay the totals over every page.
    assert (
        '<span class="badge red">rød: 17</span> <span class="badge yellow">gul: 18</span>' in second
    )

    # A filter that leaves one page has no paging links.
    yellow = client.get("/queue?severity=yellow").get_data(as_text=True)
    assert len(_alert_ids(yellow)) == 18 and _link(yellow, "Næste side") is None


def test_a_mangled_cursor_shows_the_first_page_of_the_queue(client, world) -> None:
    ids = [raise_alert(world.enrollment, f"q.{n}", "yellow", n) for n in range(51)]
    sign_in(client, "clinician")
    for after in ("garbage", "WzMsIjIwMjUiXQ", ""):  # the second is [3,"2025"]
        response = client.get("/queue", query_string={"after": after})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert _alert_ids(page) == ids[:50]
        assert _link(page, "Første side") is None and _link(page, "Næste side") is not None
