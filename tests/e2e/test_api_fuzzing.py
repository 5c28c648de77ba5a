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
from schemathesis.specs.openapi import checks

from tests.helpers import token_for

pytestmark = pytest.mark.slow

FUZZ_EXAMPLES = int(os.environ.get("TELEMON_FUZZ_EXAMPLES", "15"))

# A well-formed request may still be refused by a business rule (an id that is not the
# caller's, a role that may not): "valid data must be accepted" does not hold for such an API.
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
