"""A questionnaire as data: its items, their branching and the triage its author gave answers.

Plain Python (no Flask, no database). telemon stores and serves a questionnaire as a FHIR R4
`Questionnaire` (telemon.questionnaires.fhir_form converts both ways); this is the same thing in
the shape the pure rules read. Item types:

    boolean, choice, integer, decimal, string   a question (choice: coded answer options)
    display                                     advice, an instruction, a wait; never answered
    measurement                                 answered with a reading of a telemon measurement
                                                (`measurement`: a key of MEASUREMENTS)

Branching is FHIR's: an item with `enable_when` is asked only when its conditions hold
(`enable_behavior` "all" or "any") on the answers to earlier items. Triage is the author's mark
on an answer (`triage`: answer code → green/yellow/red; for a boolean item the codes "true" and
"false") and, for a measurement item, on leaving it out (`skipped_triage`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ItemType = Literal["boolean", "choice", "integer", "decimal", "string", "display", "measurement"]
ITEM_TYPES: tuple[ItemType, ...] = (
    "boolean",
    "choice",
    "integer",
    "decimal",
    "string",
    "display",
    "measurement",
)
TRIAGES = ("green", "yellow", "red")
OPERATORS = ("exists", "=", "!=", ">", "<", ">=", "<=")
STATUSES = ("active", "retired")

# A measurement item's kind → the telemon measurement codes one answer holds (telemon.ingest
# codes). A kind of one code is answered with a number; of several, with an object holding each.
MEASUREMENTS: dict[str, tuple[str, ...]] = {
    "spo2": ("spo2",),
    "spo2_pulse": ("spo2", "pulse"),
    "pulse": ("pulse",),
    "blood_pressure": ("systolic_bp", "diastolic_bp", "pulse"),
    "weight": ("weight",),
    "temperature": ("temperature",),
    "fev1": ("fev1",),
    "peak_flow": ("peak_flow",),
    "respiratory_rate": ("respiratory_rate",),
    "inr": ("inr",),
}

# An answer as the rules see it: bool, int, float, str (a choice's code), or for a measurement of
# several codes a dict code → number.
Answer = bool | int | float | str | dict[str, float]


@dataclass(frozen=True)
class Option:
    """An answer option of a choice item: its code (what is stored) and the text shown."""

    code: str
    display: str
    translations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EnableWhen:
    """One condition on an earlier item's answer. `operator` "exists" takes answer True/False
    (answered or not); the others compare the answer with `answer` (a choice's code, a
    boolean, a number)."""

    question: str
    operator: str
    answer: bool | int | float | str


@dataclass(frozen=True)
class Item:
    link_id: str
    type: ItemType
    text: str  # as the questionnaire's author wrote it
    translations: dict[str, str] = field(default_factory=dict)  # language → text
    required: bool = False
    options: tuple[Option, ...] = ()
    measurement: str | None = None
    enable_when: tuple[EnableWhen, ...] = ()
    enable_behavior: Literal["all", "any"] = "all"
    triage: dict[str, str] = field(default_factory=dict)  # answer code → green/yellow/red
    skipped_triage: str | None = None
    wait_seconds: int | None = None  # a display item that asks the patient to wait
    # The range of an integer or decimal answer, both inclusive (a CAT item: 0-5).
    min_value: int | float | None = None
    max_value: int | float | None = None

    def text_in(self, language: str) -> str:
        """The text in `language`, else as written."""
        return self.translations.get(language, self.text)

    @property
    def components(self) -> tuple[str, ...]:
        """The telemon measurement codes an answer to this item holds (none for a question)."""
        return MEASUREMENTS.get(self.measurement or "", ())


@dataclass(frozen=True)
class Definition:
    """A questionnaire: `url` names it across versions, `version` this version of it."""

    url: str
    version: str
    name: str
    title: str
    items: tuple[Item, ...]
    language: str = "da"
    title_translations: dict[str, str] = field(default_factory=dict)
    # A total of integer items stored as a measurement (CAT: its eight items → cat_score).
    totals: tuple[Total, ...] = ()

    def item(self, link_id: str) -> Item | None:
        return next((i for i in self.items if i.link_id == link_id), None)


@dataclass(frozen=True)
class Total:
    """The sum of integer items, stored as a reading of `code` when every one was answered."""

    code: str
    link_ids: tuple[str, ...]


class DefinitionError(ValueError):
    """A questionnaire telemon cannot use; `where` names the item (or node) at fault."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def answer_code(value: Answer) -> str | None:
    """The code under which an answer's triage is kept: "true"/"false" for a boolean, the code
    for a choice; None for anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return None
