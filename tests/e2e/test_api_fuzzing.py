"""Schemathesis against telemon's own OpenAPI document, in-process (WSGI), as a clinician and
as a home nurse: zero 5xx and zero answers the document does not describe.

Bounded: a fixed number of generated requests per operation and mode (FUZZ_EXAMPLES, valid
and invalid data), derandomised so CI sends the same requests each time.
`TELEMON_FUZZ_EXAMPLES=200 make pytest PYTEST_ARGS='-k fuzz'` digs deeper by hand.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from tests.helpers import token_for

pytestmark = pytest.mark.slow

FUZZ_EXAMPLES = int(os.environ.get("TELEMON_FUZZ_EXAMPLES", "15"))

# Every check schemathesis has, as `--checks all` runs them (issue 21.20): among them ST105
# (every answer's content type documented), ST201 (invalid data refused: a missing body, `0`
# for a boolean) and ST202 (schema-valid data accepted: the document describes the rules, such
# as each limit's range, as far as OpenAPI can). None is excluded.
EXCLUDED: list[Any] = []


@pytest.mark.parametrize("role", ["clinician", "nurse"])
def test_api_answers_as_documented(app: Any, client: Any, world: Any, role: str) -> None:
    headers = token_for(client, role)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=FUZZ_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case: Any) -> None:
                case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

            try:
                fuzz()
            except Unsatisfiable:
                pass  # nothing to make invalid (an operation without parameters or body)
            except (Exception, BaseExceptionGroup) as failure:  # fuzz every operation, show all
                failures[f"{operation.label} ({mode.value})"] = str(failure)[:3000]
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


# What the attack scripts of issue 21.12 sent to every operation with a JSON body: a lone
# surrogate in every text field, a 5,001-digit integer in every number field.
HOSTILE_VALUES = {"string": '"x\\ud800y"', "number": "1" + "0" * 5000}


@pytest.mark.parametrize("role", ["clinician", "nurse"])
def test_hostile_values_in_every_json_body_are_refused_not_failed(
    app: Any, client: Any, world: Any, role: str
) -> None:
    headers = token_for(client, role)
    spec = client.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    failures = []
    for path, operations in spec["paths"].items():
        url = "/".join("1" if p.startswith("{") else p for p in path.split("/"))
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            schema = body["schema"]
            if "$ref" in schema:
                schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
            for kind, raw in HOSTILE_VALUES.items():
                fields = [
                    name
                    for name, prop in schema.get("properties", {}).items()
                    if (prop.get("type") in ("number", "integer")) == (kind == "number")
                    and ("type" in prop)
                ]
                if not fields:
                    continue
                text = "{" + ", ".join(f'"{name}": {raw}' for name in fields) + "}"
                response = client.open(
                    url,
                    method=method.upper(),
                    data=text,
                    content_type="application/json",
                    headers=headers,
                )
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url} ({kind}): {response.status_code}")
    assert not failures, failures
