"""The triage of a response: what the questionnaire's author marked on the answers given.

Plain Python. The triage returned when a response arrives is this, a pure function of the
questionnaire and the answers; the readings in the response are judged later against the
patient's own limits (telemon.questionnaires.evaluation), and the alert may be worse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from telemon.questionnaires.branching import enabled_items
from telemon.questionnaires.definition import Answer, Definition, answer_code

_RANK = {"green": 0, "yellow": 1, "red": 2}


@dataclass(frozen=True)
class Marked:
    """One answer (or left-out measurement) its author marked yellow or red."""

    link_id: str
    triage: str  # "yellow" | "red"
    skipped: bool  # a measurement left out, rather than an answer given


def worst(*triages: str) -> str:
    """The worst of green, yellow and red; green for none."""
    return max(triages, key=_RANK.__getitem__, default="green")


def marked_answers(definition: Definition, answers: Mapping[str, Answer]) -> list[Marked]:
    """The yellow and red marks of these answers, in the questionnaire's order: each asked
    item's answer as its author triaged it, and each asked measurement left out whose
    leaving-out is triaged. Green marks are left out; answers to items not asked count for
    nothing (a validated response has none)."""
    marks: list[Marked] = []
    for item in enabled_items(definition, answers):
        if item.link_id in answers:
            code = answer_code(answers[item.link_id])
            triage = item.triage.get(code, "green") if code is not None else "green"
            if item.type not in ("boolean", "choice"):
                triage = "green"
            if triage != "green":
                marks.append(Marked(item.link_id, triage, False))
        elif item.type == "measurement" and item.skipped_triage not in (None, "green"):
            assert item.skipped_triage is not None
            marks.append(Marked(item.link_id, item.skipped_triage, True))
    return marks


def triage(definition: Definition, answers: Mapping[str, Answer]) -> str:
    """The response's triage by its answers: the worst mark, green when nothing is marked."""
    return worst(*(m.triage for m in marked_answers(definition, answers)))
