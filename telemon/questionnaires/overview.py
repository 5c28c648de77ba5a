"""The overview table of a patient's measurements and questionnaire results, as OpenTele's
clinicians know it: days across (oldest left), one row per measurement and per questionnaire,
each cell coloured by its worst severity that day. Plain Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

_RANK = {None: 0, "green": 0, "yellow": 1, "red": 2}


@dataclass(frozen=True)
class Reading:
    day: date  # the local (Copenhagen) day it was taken
    code: str
    value: float
    severity: str | None  # "yellow" | "red" against the patient's limits, else None


@dataclass(frozen=True)
class Result:
    day: date
    response_id: int
    title: str
    triage: str  # green | yellow | red


@dataclass
class Cell:
    text: str = ""
    severity: str | None = None
    response_id: int | None = None  # a questionnaire's cell opens this response
    count: int = 0


@dataclass
class Row:
    label: str  # a measurement code, or a questionnaire's title
    kind: str  # "measurement" | "questionnaire"
    cells: dict[date, Cell] = field(default_factory=dict)


def _worse(a: str | None, b: str | None) -> str | None:
    return b if _RANK[b] > _RANK[a] else a


def table(
    days: Sequence[date],
    readings: Sequence[Reading],
    results: Sequence[Result],
    code_order: Sequence[str],
) -> list[Row]:
    """The rows: measurements in `code_order` (only those with a reading in `days`), then the
    questionnaires by title. A cell holds the day's last value (readings in time order) or the
    day's last response, coloured by the worst severity or triage of that day; `count` says
    how many there were. Readings and results outside `days` are left out."""
    wanted = set(days)
    by_code: dict[str, Row] = {}
    for r in readings:
        if r.day not in wanted:
            continue
        row = by_code.setdefault(r.code, Row(r.code, "measurement"))
        cell = row.cells.setdefault(r.day, Cell())
        cell.text = f"{r.value:g}"
        cell.severity = _worse(cell.severity, r.severity)
        cell.count += 1
    by_title: dict[str, Row] = {}
    for q in results:
        if q.day not in wanted:
            continue
        row = by_title.setdefault(q.title, Row(q.title, "questionnaire"))
        cell = row.cells.setdefault(q.day, Cell())
        cell.severity = _worse(cell.severity, q.triage)
        cell.response_id = q.response_id
        cell.count += 1
    ordered = [by_code[c] for c in code_order if c in by_code]
    return ordered + [by_title[t] for t in sorted(by_title)]
