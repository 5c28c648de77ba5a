"""MedCom CareCommunication, read and built (telemon.medcom.carecommunication): the profile's
shape both ways, a round trip, and clear errors naming the element at fault."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from telemon.medcom import carecommunication as cc
from tests.carecommunication import (
    HOSPITAL_EAN,
    HOSPITAL_SOR,
    MUNICIPALITY_EAN,
    MUNICIPALITY_SOR,
    check,
    incoming,
)

CPR = "0101701234"


def outgoing(**extra: object) -> cc.Outgoing:
    values: dict[str, object] = {
        "message_key": "message:7",
        "sent_at": datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        "text": "Øg ilten til 2 l/min.\nRing hvis hun bliver sløv.",
        "patient_cpr": CPR,
        "patient_family": "Patient",
        "patient_given": "Synthetic",
        "sender": cc.Party("Synthetic Hospital", HOSPITAL_SOR, HOSPITAL_EAN),
        "receiver": cc.Party("Synthetic Municipality", MUNICIPALITY_SOR, MUNICIPALITY_EAN),
        "author_name": "clinician",
        "author_role": "clinician",
        "author_contact": "lung-team@example.invalid",
        **extra,
    }
    return cc.Outgoing(**values)  # type: ignore[arg-type]


def test_an_incoming_message_is_read() -> None:
    received = cc.message_from_carecommunication(incoming(CPR, "Hun er mere forpustet."))
    assert received.cpr == CPR and received.text == "Hun er mere forpustet."
    assert received.category == "carecoordination" and received.topic is None
    assert received.sender.sor == MUNICIPALITY_SOR and received.receiver.sor == HOSPITAL_SOR
    assert received.author == "Syntetisk Sygeplejerske (sygeplejerske)"
    assert received.previous_message_id is None


def test_a_reply_names_the_message_it_answers() -> None:
    received = cc.message_from_carecommunication(incoming(CPR, "Tak.", previous="abc-123"))
    assert received.previous_message_id == "abc-123"


def test_built_bundle_keeps_to_the_profile_and_reads_back() -> None:
    bundle = cc.carecommunication_bundle(outgoing(), "https://telemon.example.invalid/fhir")
    check(bundle)
    back = cc.message_from_carecommunication(bundle)
    assert back.text == outgoing().text and back.cpr == CPR
    assert back.sender.sor == HOSPITAL_SOR and back.receiver.sor == MUNICIPALITY_SOR
    # The same message built again is the same MedCom message (ids follow from telemon's).
    again = cc.carecommunication_bundle(outgoing(), "https://telemon.example.invalid/fhir")
    assert again == bundle
    assert bundle["entry"][0]["resource"]["id"] == cc.message_header_id("message:7")


def test_a_reply_is_built_as_reply_message() -> None:
    bundle = cc.carecommunication_bundle(outgoing(previous_message_id="abc-123"), "https://x")
    check(bundle)
    provenance = bundle["entry"][-1]["resource"]
    assert provenance["activity"]["coding"][0]["code"] == "reply-message"
    assert cc.message_from_carecommunication(bundle).previous_message_id == "abc-123"


def test_text_is_escaped_in_the_narrative() -> None:
    bundle = cc.carecommunication_bundle(outgoing(text="<b>INR</b> & dosis"), "https://x")
    div = bundle["entry"][2]["resource"]["text"]["div"]
    assert "&lt;b&gt;INR&lt;/b&gt; &amp; dosis" in div


def _broken(change: str) -> dict[str, object]:
    bundle = copy.deepcopy(incoming(CPR, "Hej"))
    entries = bundle["entry"]
    resources = {e["resource"]["resourceType"]: e["resource"] for e in entries}
    if change == "type":
        bundle["type"] = "collection"
    elif change == "header-first":
        entries.reverse()
    elif change == "event":
        resources["MessageHeader"]["eventCoding"]["code"] = "hospital-notification-message"
    elif change == "cpr":
        resources["Patient"]["identifier"] = []
    elif change == "two-patients":
        entries.append(copy.deepcopy(entries[1]))
    elif change == "category":
        del resources["Communication"]["category"]
    elif change == "other-without-topic":
        resources["Communication"]["category"][0]["coding"][0]["code"] = "other"
    elif change == "no-text":
        resources["Communication"]["payload"] = []
    elif change == "segment-date":
        resources["Communication"]["payload"][0]["extension"] = []
    elif change == "dangling-focus":
        resources["MessageHeader"]["focus"] = [{"reference": "Communication/nowhere"}]
    elif change == "header-id":
        resources["MessageHeader"]["id"] = "x" * 65
    elif change == "sender-sor":
        resources["Organization"]["identifier"] = []  # the last Organization: the receiver
    return bundle


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ("type", "Bundle.type"),
        ("header-first", "Bundle.entry[0]"),
        ("event", "MessageHeader.eventCoding"),
        ("cpr", "Patient.identifier"),
        ("two-patients", "Bundle.entry"),
        ("category", "Communication.category"),
        ("other-without-topic", "Communication.topic"),
        ("no-text", "Communication.payload"),
        ("segment-date", "Communication.payload[0].extension"),
        ("dangling-focus", "MessageHeader.focus"),
        ("header-id", "MessageHeader.id"),
        ("sender-sor", "MessageHeader.destination.receiver"),
    ],
)
def test_what_is_not_a_carecommunication_is_refused_naming_the_element(
    change: str, path: str
) -> None:
    with pytest.raises(cc.CareCommunicationError) as refused:
        cc.message_from_carecommunication(_broken(change))
    assert refused.value.path == path
