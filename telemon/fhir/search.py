"""FHIR search parameters, read into plain values: no database, no Flask.

Parameters arrive as (name, value) pairs, repeated ones kept (date=ge…&date=lt…). A problem is
a FhirError (400) saying which parameter.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
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


# The values telemon takes of the result parameters it supports; any other value is a
# parameter it ignores (honest()).
RESULT_VALUES: dict[str, frozenset[str]] = {
    "_summary": frozenset({"count", "false"}),
    "_sort": frozenset({"date", "-date"}),
    "_include": frozenset({"Observation:device", "Observation:subject", "Observation:patient"}),
}
OBSERVATION_PARAMS = frozenset(
    {"patient", "subject", "code", "date", "identifier", "_count", "_cursor", "_format"}
    | set(RESULT_VALUES)
)


def honest(params: Params, known: frozenset[str], strict: bool) -> Params:
    """The parameters (and result-parameter values) telemon acts on. The others are dropped,
    so that the self link shows what was searched (FHIR's lenient handling), or refused with
    400 under Prefer: handling=strict."""
    kept: Params = []
    ignored: list[str] = []
    for name, value in params:
        allowed = RESULT_VALUES.get(name)
        if name in known and (allowed is None or value in allowed):
            kept.append((name, value))
        else:
            ignored.append(f"{name}={value}" if allowed is not None else name)
    if ignored and strict:
        raise FhirError(
            400,
            [
                Issue(
                    f"Not supported here: {', '.join(sorted(set(ignored)))} "
                    "(Prefer: handling=strict refuses what lenient handling would ignore).",
                    code="not-supported",
                )
            ],
        )
    return kept


def wants_count_only(params: Params) -> bool:
    """_summary=count or _count=0: the total, no entries."""
    return one(params, "_summary") == "count" or one(params, "_count") == "0"


def ascending(params: Params) -> bool:
    """_sort=date (oldest first); -date, the default, is newest first."""
    return one(params, "_sort") == "date"


def includes(params: Params) -> set[str]:
    """The _include targets asked for: "device", "subject" (Observation:patient is the same)."""
    wanted = {v.split(":", 1)[1] for k, v in params if k == "_include"}
    return {"subject" if w == "patient" else w for w in wanted}


def local_reference(text: str, base_url: str, resource_type: str) -> str:
    """The id in a reference to this server's resource: "12", "Patient/12" or
    "{base}/fhir/Patient/12"."""
    return text.removeprefix(f"{base_url}/fhir/").removeprefix(f"{resource_type}/")


def count(params: Params) -> int:
    """_count: 1 to MAX_COUNT, DEFAULT_COUNT when not given (0: wants_count_only)."""
    text = one(params, "_count")
    if text is None:
        return DEFAULT_COUNT
    if text == "0":
        return 0
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
        elif prefix in ("eq", "ap"):
            if prefix == "ap":
                start, end = approximately(start, end)
            since = start if since is None else max(since, start)
            until = end if until is None else min(until, end)
        elif prefix == "ne":
            raise FhirError(
                400,
                [
                    Issue(
                        "date=ne is not supported: a search here is one time window. Search "
                        "before and after it (date=lt…, then date=ge…) instead.",
                        code="not-supported",
                    )
                ],
            )
        else:
            raise FhirError(400, [Issue(f"date prefix {prefix!r} is not supported.")])
    return since, until


def approximately(
    start: datetime, end: datetime, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """date=ap: the span widened by a tenth of its distance from now (FHIR's suggestion),
    at least a day either side."""
    now = now or datetime.now(DAY_ZONE)
    margin = max(abs(now - start) / 10, timedelta(days=1))
    return start - margin, end + margin


def span(text: str) -> tuple[datetime, datetime]:
    """The instants a date or dateTime covers, [start, end): a year (YYYY), a month (YYYY-MM)
    and a day are Copenhagen's; a time needs an offset. Years 1900-2200 only: year 1 or 9999
    cannot even be converted between zones."""
    try:
        if "T" in text:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError("no offset")
            _check_year(moment.date())
            return moment, moment + timedelta(microseconds=1)
        parts = text.split("-")
        if len(parts) == 1 and len(text) == 4 and text.isdigit():
            year = int(text)
            _check_year(date(year, 1, 1))
            return _midnight(date(year, 1, 1)), _midnight(date(year + 1, 1, 1))
        if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2:
            first = date(int(parts[0]), int(parts[1]), 1)
            _check_year(first)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return _midnight(first), _midnight(following)
        day = date.fromisoformat(text)
    except ValueError:
        raise FhirError(
            400,
            [
                Issue(
                    "date takes a year (YYYY), a month (YYYY-MM), a date (YYYY-MM-DD) or a "
                    "time with an offset."
                )
            ],
        ) from None
    _check_year(day)
    return _midnight(day), _midnight(day + timedelta(days=1))


def _check_year(day: date) -> None:
    if problem := year_problem(day):
        raise FhirError(400, [Issue(f"date: {problem}")])


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), DAY_ZONE)
