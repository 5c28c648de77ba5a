"""The rules of a patient's message thread (telemon.messages.thread), on plain values."""

from __future__ import annotations

import pytest

from telemon.messages import thread
from telemon.messages.thread import Reader, Sent
from telemon.vocabulary import MessageWork

TEAM_ORG = 1
MUNICIPALITY = 2


def sent(
    id_: int,
    *,
    team: bool = False,
    patient: bool = False,
    org: int | None = None,
    work: str = "open",
) -> Sent:
    return Sent(id_, team, patient, org, work)


def test_body_is_trimmed_and_bounded() -> None:
    assert thread.clean_body("  Hej\n") == "Hej"
    assert thread.clean_body("x" * 4000) == "x" * 4000
    for bad in ("", " \n\t", "x" * 4001):
        with pytest.raises(ValueError):
            thread.clean_body(bad)


def test_only_messages_from_outside_the_team_are_work() -> None:
    assert thread.work_for(sender_in_team=False) == MessageWork.OPEN
    assert thread.work_for(sender_in_team=True) == MessageWork.NONE


def test_a_reply_answers_what_it_replies_to() -> None:
    question = sent(1, org=MUNICIPALITY)
    assert thread.answered_by(question, []) == [1]
    assert thread.answered_by(sent(1, work="handled"), []) == []


def test_writing_into_the_thread_answers_the_patient_not_the_nurse() -> None:
    open_ones = [sent(1, patient=True), sent(2, org=MUNICIPALITY), sent(3, patient=True)]
    assert thread.answered_by(None, open_ones) == [1, 3]


def test_an_answer_to_a_nurse_is_addressed_to_her_organisation() -> None:
    assert thread.addressed_to(sent(1, org=MUNICIPALITY), TEAM_ORG) == MUNICIPALITY
    assert thread.addressed_to(sent(1, patient=True, org=TEAM_ORG), TEAM_ORG) is None
    assert thread.addressed_to(sent(1, org=TEAM_ORG), TEAM_ORG) is None
    assert thread.addressed_to(sent(1, team=True, org=TEAM_ORG), TEAM_ORG) is None
    assert thread.addressed_to(None, TEAM_ORG) is None


@pytest.mark.parametrize(
    ("reader", "from_team", "to_org", "mark"),
    [
        (Reader(False, True, TEAM_ORG), False, None, "read_by_team_at"),
        (Reader(False, True, TEAM_ORG), True, None, None),
        (Reader(True, False, None), True, None, "read_by_patient_at"),
        (Reader(True, False, None), False, None, None),
        (Reader(False, False, MUNICIPALITY), True, MUNICIPALITY, "read_by_organisation_at"),
        (Reader(False, False, MUNICIPALITY), True, None, None),
        (Reader(False, False, 3), True, MUNICIPALITY, None),
    ],
)
def test_who_reads_what(
    reader: Reader, from_team: bool, to_org: int | None, mark: str | None
) -> None:
    assert thread.read_mark(reader, from_team, to_org) == mark
