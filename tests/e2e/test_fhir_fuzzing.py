"""Hostile input to /fhir, the door home-device gateways use: the gateway bundles of
tests/fhir_bundles.py with parts replaced by whatever JSON can hold, parts removed and entries
repeated, and searches with odd parameters. Whatever arrives, telemon answers in FHIR (an
OperationOutcome or a Bundle), never with a 5xx, and a refused transaction stores nothing.

Bounded and derandomised like tests/e2e/test_api_fuzzing.py (TELEMON_FUZZ_EXAMPLES digs
deeper by hand).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from telemon.extensions import db
from telemon.models import Observation
from tests import fhir_bundles as fb
from tests.helpers import token_for

pytestmark = pytest.mark.slow

FHIR = "application/fhir+json"
CPR = "0101701234"  # world.patient's (synthetic) CPR number
EXAMPLES = int(os.environ.get("TELEMON_FUZZ_EXAMPLES", "15")) * 8

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)

# Any JSON value, with the numbers and texts that break parsers: huge, negative, fractional,
# empty, unicode, FHIR-looking references and dates.
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(
        [
            "",
            "Patient/1",
            "Patient/999999999999999999999",
            "urn:uuid:not-a-uuid",
            "Device/../../etc",
            "2026-02-30T25:61:00+99:00",
            "0001-01-01",  # a date beyond the years any zone conversion holds (issue 21.12)
            "9999-12-31",
            "0001-01-01T00:00:00Z",
            "0101701234",
            "9" * 400,
            "2147483648",  # one past the largest id
            "¹",  # a digit to str.isdigit(), not to int()
            "٣",  # a digit to both: 3
        ]
    )
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON document, the document itself first."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


@st.composite
def hostile_bundles(draw: st.DrawFn, bases: list[dict[str, Any]]) -> Any:
    bundle = copy.deepcopy(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        places = list(_paths(bundle))
        path = draw(st.sampled_from(places))
        if not path:
            bundle = draw(JSON)
            continue
        parent, key = _parent(bundle, path), path[-1]
        action = draw(st.sampled_from(["replace", "remove", "repeat"]))
        if action == "replace":
            parent[key] = draw(JSON)
        elif action == "remove":
            del parent[key]
        elif isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        else:
            parent[key] = [parent[key], copy.deepcopy(parent[key])]
        if not isinstance(bundle, dict | list):
            break
    return bundle


def _stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Observation)) or 0


def _answered_in_fhir(response: Any, sent: Any) -> None:
    assert response.status_code < 500, (response.status_code, sent, response.get_data(as_text=True))
    assert response.mimetype == FHIR, (response.status_code, sent)
    assert response.get_json()["resourceType"] in ("Bundle", "OperationOutcome"), sent


def test_hostile_bundles_are_answered_in_fhir_and_a_refused_transaction_stores_nothing(
    client: Any, world: Any
) -> None:
    headers = {**token_for(client, "nurse"), "Content-Type": FHIR}
    bases = [
        fb.pulse_oximeter_bundle(CPR),
        fb.blood_pressure_bundle(CPR),
        fb.scale_bundle(CPR),
        fb.as_batch(fb.spo2_fraction_bundle(CPR)),
    ]

    @SETTINGS
    @given(body=hostile_bundles(bases))
    def send(body: Any) -> None:
        before = _stored()
        response = client.post("/fhir", json=body, headers=headers)
        _answered_in_fhir(response, body)
        transaction = isinstance(body, dict) and body.get("type") == "transaction"
        if transaction and response.status_code != 200:
            db.session.expire_all()
            assert _stored() == before, body  # all or nothing

    send()


SEARCH_PARAMETERS = [
    "patient",
    "subject",
    "code",
    "date",
    "identifier",
    "_count",
    "_sort",
    "_lastUpdated",
    "category",
    "status",
    "_include",
    "page",
    "unknown",
]


@pytest.mark.parametrize("resource", ["Patient", "Observation", "Flag", "Task"])
def test_odd_searches_are_answered_in_fhir(client: Any, world: Any, resource: str) -> None:
    headers = token_for(client, "clinician")
    values = SCALARS.map(
        lambda v: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
    )
    prefixed = st.tuples(st.sampled_from(["", "ge", "le", "gt", "eq", "ne", "sa"]), values).map(
        "".join
    )

    @SETTINGS
    @given(query=st.lists(st.tuples(st.sampled_from(SEARCH_PARAMETERS), prefixed), max_size=4))
    def search(query: list[tuple[str, str]]) -> None:
        response = client.get(f"/fhir/{resource}?{urlencode(query)}", headers=headers)
        _answered_in_fhir(response, query)

    search()


def _usable_id(text: str) -> bool:
    """What a path segment can carry ("/" would make it two; ".", ".." and "" are no segment)."""
    return "/" not in text and text not in ("", ".", "..")


@pytest.mark.parametrize(
    "resource", ["Patient", "Observation", "Device", "Flag", "Task", "Communication", "Media"]
)
def test_odd_ids_are_answered_in_fhir(client: Any, world: Any, resource: str) -> None:
    headers = token_for(client, "clinician")

    @SETTINGS
    @given(rid=(SCALARS.map(str) | st.text(max_size=60)).filter(_usable_id))
    def read(rid: str) -> None:
        response = client.get(f"/fhir/{resource}/{quote(rid, safe='')}", headers=headers)
        _answered_in_fhir(response, rid)

    read()
