"""FHIR search parameters, read into plain values: no database, no Flask.

Parameters arrive as (name, value) pairs, repeated ones kept (date=ge…&date=lt…). A problem is
a FhirError (400) saying which parameter.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from telemon.fhir.outcome import FhirError, Issue
from telemon.ingest.codes import LOINC, MCS, MDC, NPU, WOUND_PANEL_LOINC, code_for_coding
from telemon.plausible_dates import year_problem

DEFAULT_COUNT = 50
MAX_COUNT = 500
DAY_ZONE = ZoneInfo("Europe/Copenhagen")  # a date without a time is a Copenhagen day
Params = list[tuple[str, str]]


def one(params: Params, name: str) -> str | None:
    """The parameter's value (the last, if repeated), or None."""
    values = [v for k, v in params if k == name]
    return values[-1] if values else None


def count(params: Params) -> int:
    """_count: 1 to MAX_COUNT, DEFAULT_COUNT when not given."""
    text = one(params, "_count")
    if text is None:
        return DEFAULT_COUNT
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_COUNT:
        raise FhirError(400, [Issue(f"_count is a whole number from 1 to {MAX_COUNT}.")])
    return int(text)


def codes(params: Params) -> tuple[set[str] | None, bool]:
    """The telemon codes a code parameter asks for (None: any), and whether it asks for the
    wound-size panel. A code telemon does not know matches nothing."""
    tokens = [t for k, v in params if k == "code" for t in v.split(",") if t]
    if not tokens:
        return None, False
    wanted: set[str] = set()
    wound = False
    for token in tokens:
        system, bar, code = token.rpartition("|")
        if code == WOUND_PANEL_LOINC and system in ("", LOINC):
            wound = True
            continue
        systems = [system] if bar and system else ALL_SYSTEMS
        wanted |= {c for s in systems if (c := code_for_coding(s, code)) is not None}
    return wanted, wound


ALL_SYSTEMS = [LOINC, MDC, NPU, MCS]


def dates(params: Params) -> tuple[datetime | None, datetime | None]:
    """date=ge…/gt…/le…/lt…/eq… as [since, until): a date alone is a Copenhagen day."""
    since: datetime | None = None
    until: datetime | None = None
    for key, value in params:
        if key != "date":
            continue
        prefix, text = (value[:2], value[2:]) if value[:2].isalpha() else ("eq", value)
        start, end = span(text)
        if prefix in ("ge", "gt", "sa"):
            lower = start if prefix == "ge" else end
            since = lower if since is None else max(since, lower)
        elif prefix in ("le", "lt", "eb"):
            upper = end if prefix == "le" else start
            until = upper if until is None else min(until, upper)
        elif prefix == "eq":
            since = start if since is None else max(since, start)
            until = end if until is None else min(until, end)
        else:
            raise FhirError(400, [Issue(f"date prefix {prefix!r} is not supported.")])
    return since, until


def span(text: str) -> tuple[datetime, datetime]:
    """The instants a date or dateTime covers: [start, end). Years 1900-2200 only: year 1 or
    9999 cannot even be converted between zones."""
    moment: datetime | None = None
    try:
        if "T" in text:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError("no offset")
            day = moment.date()
        else:
            day = datetime.fromisoformat(text).date()
    except ValueError:
        raise FhirError(
            400, [Issue("date takes a date (YYYY-MM-DD) or a time with an offset.")]
        ) from None
    if problem := year_problem(day):
        raise FhirError(400, [Issue(f"date: {problem}")])
    if moment is not None:
        return moment, moment + timedelta(microseconds=1)
    start = datetime.combine(day, time(), DAY_ZONE)
    return start, datetime.combine(day + timedelta(days=1), time(), DAY_ZONE)
