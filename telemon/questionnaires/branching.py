"""Which items the answers enable, whether a response answers what it should, whether a
questionnaire holds together. Plain Python.

FHIR's rule: an item is asked when its `enable_when` holds on the answers to earlier items
("all" or "any" of its conditions); a disabled item has no answer, and an item that is not
asked answers no condition (a condition on it is false, except "exists = false"). Items are read
in order, so an item's conditions only look back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from telemon.ingest.codes import CODES, plausibility_problem
from telemon.questionnaires.definition import (
    ITEM_TYPES,
    MEASUREMENTS,
    OPERATORS,
    TRIAGES,
    Answer,
    Definition,
    DefinitionError,
    EnableWhen,
    Item,
)

MAX_TEXT = 2000


class ResponseInvalid(ValueError):
    """A response that does not fit its questionnaire: link id → messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def _compare(operator: str, given: Answer, expected: Any) -> bool:
    if isinstance(given, dict):
        return False  # a measurement of several codes compares with nothing but "exists"
    if operator == "=":
        return (
            type(given) is type(expected)
            and given == expected
            or (_number(given) and _number(expected) and given == expected)
        )
    if operator == "!=":
        return not _compare("=", given, expected)
    if not (_number(given) and _number(expected)):
        return False
    g, e = float(given), float(expected)
    return {">": g > e, "<": g < e, ">=": g >= e, "<=": g <= e}[operator]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def condition_holds(condition: EnableWhen, answers: Mapping[str, Answer]) -> bool:
    """One enableWhen condition on the answers given so far (those of enabled items only)."""
    given = answers.get(condition.question)
    if condition.operator == "exists":
        return (given is not None) == bool(condition.answer)
    if given is None:
        return False
    return _compare(condition.operator, given, condition.answer)


def is_enabled(item: Item, answers: Mapping[str, Answer]) -> bool:
    """Whether `item` is asked, given the answers to the items before it."""
    if not item.enable_when:
        return True
    results = (condition_holds(c, answers) for c in item.enable_when)
    return all(results) if item.enable_behavior == "all" else any(results)


def enabled_items(definition: Definition, answers: Mapping[str, Answer]) -> list[Item]:
    """The items asked, in order, given these answers; answers to items that are not asked
    count for nothing (as if not given)."""
    kept: dict[str, Answer] = {}
    enabled: list[Item] = []
    for item in definition.items:
        if is_enabled(item, kept):
            enabled.append(item)
            if item.link_id in answers:
                kept[item.link_id] = answers[item.link_id]
    return enabled


def next_item(
    definition: Definition, answers: Mapping[str, Answer], after: str | None
) -> Item | None:
    """The item asked after `after` (None: the first), given the answers so far; None at the
    end. The phone pages walk a questionnaire with this, one item per screen."""
    items = enabled_items(definition, answers)
    if after is None:
        return items[0] if items else None
    ids = [i.link_id for i in items]
    if after not in ids:
        return None
    position = ids.index(after) + 1
    return items[position] if position < len(items) else None


def value_problem(item: Item, value: Any) -> str | None:
    """Why `value` cannot answer `item` (its type, its options, a plausible reading)."""
    if item.type == "display":
        return "Shows text only and takes no answer."
    if item.type == "boolean":
        return None if isinstance(value, bool) else "Must be true or false."
    if item.type == "choice":
        codes = [o.code for o in item.options]
        return None if isinstance(value, str) and value in codes else f"Must be one of {codes}."
    if item.type == "string":
        if not isinstance(value, str) or not value.strip():
            return "Must be a text."
        return None if len(value) <= MAX_TEXT else f"At most {MAX_TEXT} characters."
    if item.type == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
        return "Must be a whole number."
    if item.type == "decimal" and not (_number(value) and math.isfinite(value)):
        return "Must be a number."
    if item.type in ("integer", "decimal"):
        if item.min_value is not None and value < item.min_value:
            return f"Must be at least {item.min_value:g}."
        if item.max_value is not None and value > item.max_value:
            return f"Must be at most {item.max_value:g}."
        return None
    return _measurement_problem(item, value)


def _measurement_problem(item: Item, value: Any) -> str | None:
    codes = item.components
    if len(codes) == 1:
        if not _number(value) or not math.isfinite(value):
            return f"Must be a number in {CODES[codes[0]].unit}."
        return plausibility_problem(codes[0], float(value), None)
    if not isinstance(value, dict) or set(value) != set(codes):
        return f"Must be an object with {', '.join(codes)}."
    for code in codes:
        part = value[code]
        if not _number(part) or not math.isfinite(part):
            return f"{code} must be a number in {CODES[code].unit}."
        problem = plausibility_problem(code, float(part), None)
        if problem:
            return problem
    return None


def validate_response(
    definition: Definition, answers: Sequence[tuple[str, Any]]
) -> dict[str, Answer]:
    """The answers (link id, value) checked against the questionnaire, returned by link id in
    the questionnaire's order. Raises ResponseInvalid naming each item at fault: an unknown link
    id, an item answered twice, an answer to an item the earlier answers did not enable, a
    missing answer to a required item that is asked, a value of the wrong type or an
    implausible reading. Numbers are kept as sent (an integer item's 3 stays 3)."""
    errors: dict[str, list[str]] = {}
    given: dict[str, Any] = {}
    for link_id, value in answers:
        if definition.item(link_id) is None:
            errors.setdefault(link_id, []).append("No such item in this questionnaire.")
        elif link_id in given:
            errors.setdefault(link_id, []).append("Answered more than once.")
        else:
            given[link_id] = value
    kept: dict[str, Answer] = {}
    for item in definition.items:
        enabled = is_enabled(item, kept)
        if item.link_id not in given:
            if enabled and item.required:
                errors.setdefault(item.link_id, []).append("An answer is required.")
            continue
        if not enabled:
            errors.setdefault(item.link_id, []).append(
                "Not asked: the earlier answers do not lead to this item."
            )
            continue
        problem = value_problem(item, given[item.link_id])
        if problem:
            errors.setdefault(item.link_id, []).append(problem)
            continue
        value = given[item.link_id]
        kept[item.link_id] = dict(value) if isinstance(value, dict) else value
    if errors:
        raise ResponseInvalid(errors)
    return kept


def validate_definition(definition: Definition) -> None:
    """Raise DefinitionError naming the first item that does not hold together: link ids
    unique; a known type; choice items with options (codes unique); measurement items naming a
    known measurement; triage only green/yellow/red and only on answers the item can have;
    conditions only on earlier items that take an answer, with an answer of the right kind."""
    if not definition.url or not definition.version or not definition.title:
        raise DefinitionError("questionnaire", "Needs a url, a version and a title.")
    if not definition.items:
        raise DefinitionError("questionnaire", "Has no items.")
    seen: dict[str, Item] = {}
    for item in definition.items:
        _check_item(item, seen)
        seen[item.link_id] = item
    for total in definition.totals:
        if total.code not in CODES:
            raise DefinitionError("questionnaire", f"A total names the unknown code {total.code}.")
        for link_id in total.link_ids:
            if link_id not in seen or seen[link_id].type != "integer":
                raise DefinitionError(link_id, "A total adds up integer items only.")


def _check_item(item: Item, earlier: Mapping[str, Item]) -> None:
    where = item.link_id or "item"
    if not item.link_id:
        raise DefinitionError("item", "Every item needs a linkId.")
    if item.link_id in earlier:
        raise DefinitionError(where, "The linkId is used twice.")
    if item.type not in ITEM_TYPES:
        raise DefinitionError(where, f"Unknown item type {item.type!r}.")
    if not item.text.strip():
        raise DefinitionError(where, "Has no text.")
    if item.type == "choice":
        codes = [o.code for o in item.options]
        if not codes:
            raise DefinitionError(where, "A choice item needs answer options.")
        if len(set(codes)) != len(codes):
            raise DefinitionError(where, "Two answer options have the same code.")
    elif item.options:
        raise DefinitionError(where, "Only a choice item has answer options.")
    if item.type == "measurement":
        if item.measurement not in MEASUREMENTS:
            raise DefinitionError(where, f"Unknown measurement {item.measurement!r}.")
    elif item.measurement is not None or item.skipped_triage is not None:
        raise DefinitionError(where, "Only a measurement item names a measurement.")
    if (item.min_value is not None or item.max_value is not None) and item.type not in (
        "integer",
        "decimal",
    ):
        raise DefinitionError(where, "Only a number item has a range.")
    if item.type == "display" and item.required:
        raise DefinitionError(where, "A display item cannot be required.")
    answerable = {
        "boolean": {"true", "false"},
        "choice": {o.code for o in item.options},
    }.get(item.type, set())
    for code, triage in item.triage.items():
        if triage not in TRIAGES:
            raise DefinitionError(where, f"Triage must be one of {', '.join(TRIAGES)}.")
        if code not in answerable:
            raise DefinitionError(where, f"Triage given for {code!r}, which is no answer here.")
    if item.skipped_triage is not None and item.skipped_triage not in TRIAGES:
        raise DefinitionError(where, f"Triage must be one of {', '.join(TRIAGES)}.")
    if item.enable_when and item.enable_behavior not in ("all", "any"):
        raise DefinitionError(where, "enableBehavior must be all or any.")
    for condition in item.enable_when:
        _check_condition(where, condition, earlier)


def _check_condition(where: str, condition: EnableWhen, earlier: Mapping[str, Item]) -> None:
    target = earlier.get(condition.question)
    if target is None:
        raise DefinitionError(
            where, f"enableWhen names {condition.question!r}, which is not an earlier item."
        )
    if target.type == "display":
        raise DefinitionError(where, f"enableWhen names the display item {condition.question!r}.")
    if condition.operator not in OPERATORS:
        raise DefinitionError(where, f"Unknown enableWhen operator {condition.operator!r}.")
    answer = condition.answer
    if condition.operator == "exists":
        if not isinstance(answer, bool):
            raise DefinitionError(where, "An exists condition takes true or false.")
        return
    if target.type == "boolean" and (
        not isinstance(answer, bool) or condition.operator not in ("=", "!=")
    ):
        raise DefinitionError(where, f"A condition on {target.link_id!r} compares with true/false.")
    if target.type == "choice" and answer not in {o.code for o in target.options}:
        raise DefinitionError(where, f"{answer!r} is no answer option of {target.link_id!r}.")
    if target.type in ("integer", "decimal") and not _number(answer):
        raise DefinitionError(where, f"A condition on {target.link_id!r} compares with a number.")
    if target.type == "measurement" and (len(target.components) > 1 or not _number(answer)):
        raise DefinitionError(
            where, f"A condition on the measurement {target.link_id!r} can only ask if it exists."
        )
