"""Answering a questionnaire on the phone pages, through the test client: one question per
screen, Back, the advice the path reaches, a summary, sent once."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy import func, select

from telemon.extensions import db
from telemon.models import Alert, QuestionnaireResponse
from tests.helpers import sign_in


def _hidden(page: str) -> dict[str, str]:
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    }


class Walker:
    def __init__(self, client: Any, url: str) -> None:
        self.client, self.url = client, url
        response = client.get(url)
        assert response.status_code == 200
        self.page = response.get_data(as_text=True)

    def send(self, action: str, **fields: str) -> Any:
        data = {**_hidden(self.page), "action": action, **fields}
        response = self.client.post(self.url, data=data)
        if response.status_code in (200, 422):
            self.page = response.get_data(as_text=True)
        return response

    @property
    def item(self) -> str | None:
        found = re.search(r'name="current" value="([^"]+)"', self.page)
        return found.group(1) if found else None


def _shipped_id(client: Any) -> int:
    page = client.get("/me/questionnaires").get_data(as_text=True)
    found = re.search(r'href="/me/questionnaires/(\d+)"', page)
    assert found, page
    return int(found.group(1))


def test_the_patient_answers_one_question_per_screen(client, world) -> None:
    sign_in(client, "patient")
    url = f"/me/questionnaires/{_shipped_id(client)}"
    walk = Walker(client, url)
    assert walk.item == "intro"
    walk.send("next")
    assert walk.item == "spo2"
    # A value no oximeter shows is refused on its screen, the screen kept.
    assert walk.send("next", **{"m-spo2": "140", "m-pulse": "70"}).status_code == 422
    assert walk.item == "spo2"
    walk.send("next", **{"m-spo2": "95", "m-pulse": "72"})
    assert walk.item == "weight"
    walk.send("skip")
    walk.send("skip")  # blood pressure
    assert walk.item == "breathless"
    assert walk.send("next").status_code == 422  # no answer: stay
    walk.send("next", value="true")
    assert walk.item == "breathless_at_rest"
    # Back, and another answer: the follow-up is not asked.
    walk.send("back")
    assert walk.item == "breathless"
    walk.send("next", value="false")
    assert walk.item == "cough"
    walk.send("next", value="false")
    walk.send("next", value="true")  # more sputum
    assert walk.item == "sputum_colour"
    walk.send("next", value="green")
    assert walk.item == "sputum_advice"
    assert "egenbehandlingsplan" in walk.page
    walk.send("next")
    walk.send("next", value="false")  # fever
    walk.send("next", value="none")
    walk.send("next")  # the CAT's introduction
    for _ in range(8):
        walk.send("next", value="1")
    assert walk.item == "thanks"
    walk.send("next")
    assert walk.item is None and "Send" in walk.page or "Send svar" in walk.page
    sent = walk.send("send")
    assert sent.status_code == 302
    again = walk.send("send")  # a double tap
    assert again.status_code == 302
    (row,) = db.session.scalars(select(QuestionnaireResponse)).all()
    assert row.triage == "red" and row.performer == "patient"
    assert "breathless_at_rest" not in row.answers and row.answers["sputum_colour"] == "green"
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 1


def test_the_home_nurse_answers_with_the_patient(client, world) -> None:
    sign_in(client, "nurse")
    page = client.get(f"/home/patients/{world.patient.id}/questionnaires").get_data(as_text=True)
    found = re.search(rf'href="/home/patients/{world.patient.id}/questionnaires/(\d+)"', page)
    assert found, page
    walk = Walker(client, found.group(0).split('"')[1])
    walk.send("next")
    walk.send("next", **{"m-spo2": "93", "m-pulse": "80"})
    walk.send("skip")
    walk.send("skip")
    for value in ("false", "false", "false", "false", "none"):
        walk.send("next", value=value)
    walk.send("next")
    for _ in range(8):
        walk.send("next", value="0")
    walk.send("next")
    assert walk.send("send").status_code == 302
    (row,) = db.session.scalars(select(QuestionnaireResponse)).all()
    assert row.performer == "nurse" and row.triage == "green"


def test_a_stranger_cannot_answer_for_the_patient(client, world) -> None:
    sign_in(client, "other-nurse")
    page = client.get(f"/home/patients/{world.patient.id}/questionnaires")
    assert page.status_code == 404


def test_the_alert_page_shows_the_response_with_its_marked_answers(client, world) -> None:
    sign_in(client, "patient")
    url = f"/me/questionnaires/{_shipped_id(client)}"
    walk = Walker(client, url)
    walk.send("next")
    walk.send("next", **{"m-spo2": "86", "m-pulse": "88"})
    walk.send("skip")
    walk.send("skip")
    walk.send("next", value="true")  # more breathless
    walk.send("next", value="false")  # not at rest
    walk.send("next")  # the advice
    for value in ("false", "false", "false", "none"):
        walk.send("next", value=value)
    walk.send("next")
    for _ in range(8):
        walk.send("next", value="2")
    walk.send("next")
    assert walk.send("send").status_code == 302
    (alert,) = db.session.scalars(select(Alert)).all()
    assert alert.severity == "red"
    sign_in(client, "clinician")
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "Er du mere forpustet end du plejer?" in page
    assert 'class="severity-yellow"' in page  # the marked answer
    assert "Hoster du mere end du plejer?" in page  # unmarked answers are shown too
    assert "86" in page


def test_the_patient_page_overview_table_opens_a_response(client, world) -> None:
    sign_in(client, "patient")
    url = f"/me/questionnaires/{_shipped_id(client)}"
    walk = Walker(client, url)
    walk.send("next")
    walk.send("next", **{"m-spo2": "91", "m-pulse": "88"})
    walk.send("skip")
    walk.send("skip")
    for value in ("false", "false", "true", "yellow", "false", "none"):
        walk.send("next", value=value)
    walk.send("next")
    for _ in range(8):
        walk.send("next", value="2")
    walk.send("next")
    assert walk.send("send").status_code == 302
    (response,) = db.session.scalars(select(QuestionnaireResponse)).all()
    sign_in(client, "clinician")
    page = client.get(f"/patients/{world.patient.id}").get_data(as_text=True)
    table = page[
        page.index('<table class="answer-overview">') : page.index(
            "</table>", page.index('<table class="answer-overview">')
        )
    ]
    assert 'class="severity-yellow">91' in table  # SpO2 91: below the warning limit 92
    assert "KOL: daglig måling og spørgsmål" in table
    assert f'href="/questionnaire-responses/{response.id}"' in table
    answers = client.get(f"/questionnaire-responses/{response.id}").get_data(as_text=True)
    assert "Hvilken farve har slimen?" in answers and "Gul" in answers
    sign_in(client, "other-nurse")
    assert client.get(f"/questionnaire-responses/{response.id}").status_code == 404


def test_the_console_publishes_previews_and_retires(client, world) -> None:
    import io
    import json

    from telemon.models import Questionnaire
    from tests.questionnaire_trees import copd_tree

    sign_in(client, "root")
    tree = json.dumps(copd_tree()).encode()
    published = client.post(
        "/admin/questionnaires",
        data={"programme": "copd", "document": (io.BytesIO(tree), "kol.json")},
        content_type="multipart/form-data",
    )
    assert published.status_code == 302, published.get_data(as_text=True)
    q = db.session.scalar(select(Questionnaire).where(Questionnaire.source == "opentele"))
    listed = client.get("/admin/questionnaires").get_data(as_text=True)
    assert "KOL daglig" in listed and f"/admin/questionnaires/{q.id}/preview" in listed
    broken = copd_tree()
    broken["nodes"][8]["measurementType"] = "CTG"
    refused = client.post(
        "/admin/questionnaires",
        data={"document": (io.BytesIO(json.dumps(broken).encode()), "x.json")},
        content_type="multipart/form-data",
    )
    # Refused by Post/Redirect/Get: the list says why; Back never resends the file.
    assert refused.status_code == 303 and refused.location.endswith("/admin/questionnaires")
    assert "bp" in client.get("/admin/questionnaires").get_data(as_text=True)
    # The preview walks the branches as the patient would, and sends nothing.
    walk = Walker(client, f"/admin/questionnaires/{q.id}/preview")
    assert walk.item == "sat"
    walk.send("skip")
    assert walk.item == "sat_skip_note"
    walk.send("next")
    walk.send("next", value="false")
    walk.send("next", value="false")
    walk.send("next", **{"m-systolic_bp": "130", "m-diastolic_bp": "80", "m-pulse": "70"})
    walk.send("next", **{"m-spo2": "95", "m-pulse": "70"})
    assert walk.item is None
    walk.send("send")
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireResponse)) == 0
    retired = client.post(f"/admin/questionnaires/{q.id}/retire")
    assert retired.status_code == 302
    db.session.refresh(q)
    assert q.status == "retired"
