"""The message threads' pages through HTTP: the patient's "Beskeder", the home nurse's and the
clinic's thread, the work list's message row, "answer the patient" on the alert page; Danish
and English; a resent form stored once."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from telemon.extensions import db
from telemon.models import Message
from tests.helpers import form_key, raise_alert, sign_in


def write(client: Any, url: str, body: str, **extra: str) -> Any:
    page = client.get(url).get_data(as_text=True)
    data = {"form_key": form_key(page), "body": body, **extra}
    return client.post(url, data=data), data


def test_patient_nurse_and_clinic_share_one_thread(client: Any, world: Any) -> None:
    sign_in(client, "patient")
    home = client.get("/me/").get_data(as_text=True)
    assert 'href="/me/messages"' in home and "Beskeder" in home
    answer, data = write(client, "/me/messages", "Jeg hoster mere end i går.")
    assert answer.status_code == 302
    again = client.post("/me/messages", data=data)  # the same form sent twice
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1
    page = client.get("/me/messages").get_data(as_text=True)
    assert "Jeg hoster mere end i går." in page and "Venter på svar fra behandlerteamet" in page
    client.post("/sign-out")

    sign_in(client, "nurse")
    url = f"/home/patients/{world.patient.id}/messages"
    assert url in client.get(f"/home/patients/{world.patient.id}").get_data(as_text=True)
    write(client, url, "Jeg var på besøg; hun virker træt.")
    client.post("/sign-out")

    sign_in(client, "clinician")
    queue = client.get("/queue").get_data(as_text=True)
    assert queue.count('data-key="message-') == 2 and "Besked:" in queue
    clinic_url = f"/patients/{world.patient.id}/messages"
    thread = client.get(clinic_url).get_data(as_text=True)
    assert "Jeg hoster mere" in thread and "Markér som behandlet" in thread
    nurse_message = db.session.scalar(select(Message).where(Message.sender_role == "nurse"))
    write(client, clinic_url, "Tak, vi ringer til hende.", reply_to=str(nurse_message.id))
    handled = db.session.scalar(select(Message).where(Message.sender_role == "patient"))
    client.post(f"/messages/{handled.id}/handled", data={})
    queue = client.get("/queue").get_data(as_text=True)
    assert 'data-key="message-' not in queue
    client.post("/sign-out")

    sign_in(client, "nurse")
    start = client.get("/home/").get_data(as_text=True)
    assert "Nye svar fra behandlerteamet" in start and "1 nyt svar" in start
    assert "Tak, vi ringer til hende." in client.get(url).get_data(as_text=True)
    assert "Nye svar fra behandlerteamet" not in client.get("/home/").get_data(as_text=True)


def test_empty_and_too_long_messages_are_refused_in_danish(client: Any, world: Any) -> None:
    sign_in(client, "patient")
    # Refused forms come back by Post/Redirect/Get: Back and reload never resend them.
    answer, _ = write(client, "/me/messages", "   ")
    assert answer.status_code == 303 and answer.location.endswith("/me/messages")
    assert "Skriv en besked først." in client.get("/me/messages").get_data(as_text=True)
    answer, _ = write(client, "/me/messages", "x" * 4001)
    assert answer.status_code == 303
    assert "En besked kan højst have 4.000 tegn." in client.get("/me/messages").get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0
    # The same form sent again with another text: asked to check it, kept, nothing stored twice.
    _, data = write(client, "/me/messages", "Første udgave.")
    answer = client.post("/me/messages", data={**data, "body": "Anden udgave."})
    assert answer.status_code == 303
    page = client.get("/me/messages").get_data(as_text=True)
    assert "Skemaet er sendt før med andre værdier." in page
    assert ">Anden udgave.</textarea>" in page
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1


def test_the_pages_in_english(client: Any, world: Any) -> None:
    sign_in(client, "patient")
    client.post("/language", data={"language": "en", "back": "/"})
    page = client.get("/me/messages").get_data(as_text=True)
    assert "Write a message" in page and "No messages yet." in page


def test_answer_the_patient_from_the_alert_page(client: Any, world: Any) -> None:
    alert_id = raise_alert(world.enrollment, "spo2_low", "red", 0)
    sign_in(client, "clinician")
    page = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" id="answer-patient"', page)
    assert link and "Svar patienten" in page
    assert link.group(1) == f"/patients/{world.patient.id}/messages#write"


def test_another_municipality_sees_no_thread(client: Any, world: Any) -> None:
    sign_in(client, "other-nurse")
    assert client.get(f"/home/patients/{world.patient.id}/messages").status_code == 404


def test_the_thread_names_staff_by_name_and_title(client: Any, world: Any) -> None:
    """Staff sign their messages as everywhere else ("Name, title", issue 21), not by their
    user name; the patient's login has no name and stays as it is."""
    world.clinician.full_name, world.clinician.title = "Hanne Sørensen", "overlæge"
    db.session.commit()
    sign_in(client, "patient")
    write(client, "/me/messages", "Jeg hoster mere end i går.")
    client.post("/sign-out")
    sign_in(client, "clinician")
    write(client, f"/patients/{world.patient.id}/messages", "Vi ringer i eftermiddag.")
    client.post("/sign-out")
    sign_in(client, "patient")
    page = client.get("/me/messages").get_data(as_text=True)
    assert "<strong>Hanne Sørensen, overlæge</strong>" in page
    assert "<strong>clinician</strong>" not in page
