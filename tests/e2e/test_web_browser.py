"""The web UI in real headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.browser import BROWSER_CONFIG, sign_in_page
from tests.helpers import (
    PASSWORD,
    assessment_data,
    item,
    jpeg_with_gps,
    open_wound,
    post_assessment,
    raise_alert,
    token_for,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config() -> dict[str, Any]:
    return dict(BROWSER_CONFIG)


def test_clinician_sees_red_first_opens_it_and_acknowledges(client, world, page, tmp_path) -> None:
    nurse = token_for(client, "nurse")
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "pulse", 105)]},
        headers=nurse,
    )
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=nurse,
    )

    sign_in_page(page, "clinician")
    assert page.title().startswith("Arbejdsliste")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 2
    first = rows.nth(0)
    assert "sev-red" in (first.get_attribute("class") or "")
    red_id = first.get_attribute("data-alert-id")
    page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)

    with page.expect_navigation():  # read the next page, not this one
        first.locator("a[href^='/alerts/']").click()
    assert "Rød alarm" in page.title()
    assert page.get_by_text("Synthetic Patient").is_visible()
    with page.expect_navigation():  # read the next page, not this one
        page.get_by_role("button", name="Kvittér").click()
    assert page.get_by_text("Alarmen er kvitteret.").is_visible()

    page.goto("/")
    ids = [r.get_attribute("data-alert-id") for r in page.locator("table.queue tbody tr").all()]
    assert red_id not in ids and len(ids) == 1
    page.goto("/?status=acknowledged")
    ids = [r.get_attribute("data-alert-id") for r in page.locator("table.queue tbody tr").all()]
    assert ids == [red_id]


def test_another_teams_clinician_cannot_open_the_alert_by_url(client, world, page) -> None:
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=token_for(client, "nurse"),
    )
    alert_id = client.get("/api/v1/alerts", headers=token_for(client, "clinician")).get_json()[
        "items"
    ][0]["id"]
    sign_in_page(page, "other-clinician")
    assert page.locator("table.queue tbody tr").count() == 0
    response = page.goto(f"/alerts/{alert_id}")
    assert response is not None and response.status == 404
    assert "Synthetic Patient" not in page.content()


def test_forms_need_the_csrf_token(client, world, base_url) -> None:
    import urllib.error
    import urllib.parse
    import urllib.request

    data = urllib.parse.urlencode({"username": "clinician", "password": PASSWORD}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base_url}/sign-in", data=data)
    assert refused.value.code == 400


def test_yellow_alerts_are_bulk_acknowledged_and_red_is_not(client, world, page) -> None:
    nurse = token_for(client, "nurse")
    for code, value in (("pulse", 105), ("temperature", 38.5), ("spo2", 85)):
        body = {"observations": [item(world.patient.id, code, value)]}
        client.post("/api/v1/observations", json=body, headers=nurse)
    sign_in_page(page, "clinician")
    boxes = page.locator("input[name=alert_id]")
    assert boxes.count() == 2  # only the yellow rows offer a box
    boxes.nth(0).check()
    boxes.nth(1).check()
    with page.expect_navigation():  # read the next page, not this one
        page.get_by_role("button", name="Kvittér de valgte gule alarmer").click()
    assert page.get_by_text("2 gule alarmer kvitteret.").is_visible()
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 1 and "sev-red" in (rows.nth(0).get_attribute("class") or "")


def test_the_queue_refreshes_itself_and_keeps_ticked_boxes(app, client, world, page) -> None:
    nurse = token_for(client, "nurse")
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "pulse", 105)]},
        headers=nurse,
    )
    sign_in_page(page, "clinician")  # the queue refreshes every second in this test (app_config)
    page.locator("input[name=alert_id]").first.check()
    page.locator("h1").click()  # focus out of the table, as a reader would
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=nurse,
    )
    page.wait_for_selector("tr.fresh", timeout=30000)
    assert page.locator("table.queue tbody tr").count() == 2
    assert page.locator("input[name=alert_id]").first.is_checked()
    assert page.title().startswith("(1) ")


def test_a_later_page_of_the_queue_refreshes_itself_in_place(app, client, world, page) -> None:
    for n in range(50):
        raise_alert(world.enrollment, f"test.red.{n}", "red", n)  # the whole first page
    waiting = raise_alert(world.enrollment, "test.yellow", "yellow", 60)
    sign_in_page(page, "clinician")
    with page.expect_navigation():  # read the next page, not this one
        page.get_by_role("link", name="Næste side").click()
    assert "after=" in page.url
    rows = page.locator("table.queue tbody tr")
    assert [r.get_attribute("data-alert-id") for r in rows.all()] == [str(waiting)]
    page.locator("h1").click()
    client.post(  # a yellow alert raised now: behind the cursor, so on this page
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "pulse", 105)]},
        headers=token_for(client, "nurse"),
    )
    page.wait_for_selector("tr.fresh", timeout=30000)
    assert rows.count() == 2 and rows.nth(0).get_attribute("data-alert-id") == str(waiting)
    assert "after=" in page.url
    assert page.get_by_role("link", name="Første side").is_visible()


def test_wound_page_photos_side_by_side_and_a_reply_from_the_browser(
    client, wounds, page, tmp_path
) -> None:
    world = wounds.base
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, world.patient.id)
    for days_ago, length in ((14, 5.0), (7, 4.5), (0, 4.0)):
        data = assessment_data(
            length_cm=length,
            assessed_at=(datetime.now(UTC) - timedelta(days=days_ago, hours=1)).isoformat(),
        )
        assert post_assessment(client, nurse, wound_id, data, jpeg_with_gps()).status_code == 201
    asked = client.post(
        f"/api/v1/wounds/{wound_id}/review-requests",
        json={"question": "Slough increasing; change dressing?", "urgency": "urgent"},
        headers=nurse,
    )
    assert asked.status_code == 201

    sign_in_page(page, "wound-specialist")
    review_row = page.locator("tr.review")
    assert review_row.count() == 1
    with page.expect_navigation():  # read the next page, not this one
        review_row.locator("a[href^='/review-requests/']").click()
    assert page.title().startswith("Sår")
    cards = page.locator("article.assessment")
    assert cards.count() == 3
    boxes = [cards.nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]  # side by side
    images = page.locator("article.assessment img")
    assert images.count() == 3
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator("#chart-area svg circle").count() == 3
    page.screenshot(path=str(tmp_path / "wound.png"), full_page=True)

    page.get_by_label("Instruks til sygeplejersken").fill("Use alginate; review in 3 days.")
    with page.expect_navigation():  # read the next page, not this one
        page.get_by_role("button", name="Send svar").click()
    assert page.get_by_text("Svaret er sendt").is_visible()
    assert page.get_by_text("Use alginate; review in 3 days.").is_visible()


def test_the_municipal_nurse_sees_the_alert_but_has_no_acknowledge_button(
    client, world, page
) -> None:
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=token_for(client, "nurse"),
    )
    sign_in_page(page, "nurse")
    page.goto("/queue")  # the hospital's queue: she may read it, not act on it
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 1
    assert page.get_by_role("button", name="Kvittér").count() == 0
    assert page.locator("input[name=alert_id]").count() == 0
    with page.expect_navigation():
        rows.nth(0).locator("a[href^='/alerts/']").click()
    assert "Rød alarm" in page.title()
    assert page.get_by_role("button", name="Kvittér").count() == 0
    assert page.get_by_role("button", name="Afslut").count() == 0
