"""A questionnaire and its answers as FHIR R4 resources, both ways. Plain Python over dicts.

telemon stores a questionnaire as its FHIR R4 `Questionnaire` (to_fhir) and reads one sent to it
(from_fhir, raising DefinitionError naming the item). What FHIR has no element for is carried
in telemon's extensions (docs/interoperability.md, docs/questionnaires.md):

    TRIAGE_EXTENSION          on an answerOption: valueCode green/yellow/red
    ANSWER_TRIAGE_EXTENSION   on a boolean item: `answer` (valueBoolean) + `triage` (valueCode)
    MEASUREMENT_EXTENSION     on a quantity item: valueCode, the measurement (MEASUREMENTS)
    SKIPPED_TRIAGE_EXTENSION  on a measurement item: the triage of leaving it out (valueCode)
    WAIT_EXTENSION            on a display item: seconds to wait (valueInteger)
    TOTAL_EXTENSION           on the Questionnaire: `code` (valueCode) + `item` (valueString)…
    COMPONENT_EXTENSION       on a QuestionnaireResponse answer of a measurement of several
                              codes: which one this valueQuantity is (valueCode)
    OBSERVATION_EXTENSION     on a QuestionnaireResponse answer: the Observation stored from it

Texts in another language use FHIR's own translation extension on `_text`/`_title`; a number
item's range FHIR's minValue/maxValue extensions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from telemon.ingest.codes import CODES
from telemon.questionnaires.definition import (
    MEASUREMENTS,
    Answer,
    Definition,
    DefinitionError,
    EnableWhen,
    Item,
    ItemType,
    Option,
    Total,
)

TRIAGE_EXTENSION = "urn:telemon:extension:triage"
ANSWER_TRIAGE_EXTENSION = "urn:telemon:extension:answer-triage"
MEASUREMENT_EXTENSION = "urn:telemon:extension:measurement"
SKIPPED_TRIAGE_EXTENSION = "urn:telemon:extension:skipped-triage"
WAIT_EXTENSION = "urn:telemon:extension:wait-seconds"
TOTAL_EXTENSION = "urn:telemon:extension:total"
COMPONENT_EXTENSION = "urn:telemon:extension:measurement-component"
OBSERVATION_EXTENSION = "urn:telemon:extension:observation"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
UCUM = "http://unitsofmeasure.org"

# Our item types as FHIR's; FHIR's "text" (a long string) reads as our string.
_TO_FHIR_TYPE = {
    "boolean": "boolean",
    "choice": "choice",
    "integer": "integer",
    "decimal": "decimal",
    "string": "string",
    "display": "display",
    "measurement": "quantity",
}
_FROM_FHIR_TYPE: dict[str, ItemType] = {
    "boolean": "boolean",
    "choice": "choice",
    "integer": "integer",
    "decimal": "decimal",
    "string": "string",
    "text": "string",
    "display": "display",
}
_ANSWER_KEY = {
    "boolean": "answerBoolean",
    "choice": "answerCoding",
    "integer": "answerInteger",
    "decimal": "answerDecimal",
    "string": "answerString",
    "measurement": "answerQuantity",
}


def _translations(texts: Mapping[str, str]) -> dict[str, Any]:
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [
                    {"url": "lang", "valueCode": lang},
                    {"url": "content", "valueString": text},
                ],
            }
            for lang, text in sorted(texts.items())
        ]
    }


def _read_translations(element: Any) -> dict[str, str]:
    texts: dict[str, str] = {}
    if not isinstance(element, dict):
        return texts
    for ext in element.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == TRANSLATION:
            parts = {e.get("url"): e for e in ext.get("extension") or [] if isinstance(e, dict)}
            lang = parts.get("lang", {}).get("valueCode")
            content = parts.get("content", {}).get("valueString")
            if isinstance(lang, str) and isinstance(content, str):
                texts[lang] = content
    return texts


def to_fhir(definition: Definition, status: str = "active") -> dict[str, Any]:
    """The questionnaire as a FHIR R4 Questionnaire resource (no id: the store gives one)."""
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "url": definition.url,
        "version": definition.version,
        "name": definition.name,
        "title": definition.title,
        "status": status,
        "language": definition.language,
        "item": [_item_to_fhir(item) for item in definition.items],
    }
    if definition.title_translations:
        resource["_title"] = _translations(definition.title_translations)
    if definition.totals:
        resource["extension"] = [
            {
                "url": TOTAL_EXTENSION,
                "extension": [{"url": "code", "valueCode": t.code}]
                + [{"url": "item", "valueString": link_id} for link_id in t.link_ids],
            }
            for t in definition.totals
        ]
    return resource


def _item_to_fhir(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"linkId": item.link_id, "text": item.text}
    if item.translations:
        data["_text"] = _translations(item.translations)
    data["type"] = _TO_FHIR_TYPE[item.type]
    if item.required:
        data["required"] = True
    extensions: list[dict[str, Any]] = []
    if item.type == "measurement":
        extensions.append({"url": MEASUREMENT_EXTENSION, "valueCode": item.measurement})
        if len(item.components) > 1:
            data["repeats"] = True
        if item.skipped_triage:
            extensions.append({"url": SKIPPED_TRIAGE_EXTENSION, "valueCode": item.skipped_triage})
    if item.type == "boolean":
        for answer in ("true", "false"):
            if answer in item.triage:
                extensions.append(
                    {
                        "url": ANSWER_TRIAGE_EXTENSION,
                        "extension": [
                            {"url": "answer", "valueBoolean": answer == "true"},
                            {"url": "triage", "valueCode": item.triage[answer]},
                        ],
                    }
                )
    if item.wait_seconds is not None:
        extensions.append({"url": WAIT_EXTENSION, "valueInteger": item.wait_seconds})
    key = "valueInteger" if item.type == "integer" else "valueDecimal"
    for url, limit in ((MIN_VALUE, item.min_value), (MAX_VALUE, item.max_value)):
        if limit is not None:
            extensions.append({"url": url, key: limit})
    if extensions:
        data["extension"] = extensions
    if item.options:
        data["answerOption"] = [_option_to_fhir(o, item.triage.get(o.code)) for o in item.options]
    if item.enable_when:
        data["enableWhen"] = [_condition_to_fhir(c, item.type) for c in item.enable_when]
        if len(item.enable_when) > 1:
            data["enableBehavior"] = item.enable_behavior
    return data


def _option_to_fhir(option: Option, triage: str | None) -> dict[str, Any]:
    coding: dict[str, Any] = {"code": option.code, "display": option.display}
    if option.translations:
        coding["_display"] = _translations(option.translations)
    data: dict[str, Any] = {"valueCoding": coding}
    if triage:
        data["extension"] = [{"url": TRIAGE_EXTENSION, "valueCode": triage}]
    return data


def _condition_to_fhir(condition: EnableWhen, _: str) -> dict[str, Any]:
    data: dict[str, Any] = {"question": condition.question, "operator": condition.operator}
    answer = condition.answer
    if condition.operator == "exists" or isinstance(answer, bool):
        data["answerBoolean"] = answer
    elif isinstance(answer, str):
        data["answerCoding"] = {"code": answer}
    elif isinstance(answer, int):
        data["answerInteger"] = answer
    else:
        data["answerDecimal"] = answer
    return data


# ---- reading a Questionnaire -------------------------------------------------------------


def _extension(element: Mapping[str, Any], url: str) -> list[dict[str, Any]]:
    return [
        e for e in element.get("extension") or [] if isinstance(e, dict) and e.get("url") == url
    ]


def _text(value: Any, where: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(where, f"Needs a {what}.")
    return value


def from_fhir(resource: Mapping[str, Any]) -> Definition:
    """A FHIR R4 Questionnaire read as a definition. Raises DefinitionError naming the item
    telemon cannot represent (a group, a date, an answer value set, a quantity that names no
    measurement...) or the element at fault. Does not check the branching: see
    telemon.questionnaires.branching.validate_definition."""
    if not isinstance(resource, Mapping) or resource.get("resourceType") != "Questionnaire":
        raise DefinitionError("questionnaire", "Must be a FHIR Questionnaire.")
    items = resource.get("item")
    if not isinstance(items, list) or not items:
        raise DefinitionError("questionnaire", "Has no items.")
    totals = []
    for ext in _extension(resource, TOTAL_EXTENSION):
        parts = [e for e in ext.get("extension") or [] if isinstance(e, dict)]
        code = next((e.get("valueCode") for e in parts if e.get("url") == "code"), None)
        link_ids = tuple(str(e.get("valueString")) for e in parts if e.get("url") == "item")
        totals.append(Total(str(code), link_ids))
    title = _text(resource.get("title"), "questionnaire", "title")
    return Definition(
        url=_text(resource.get("url"), "questionnaire", "url"),
        version=_text(resource.get("version"), "questionnaire", "version"),
        name=str(resource.get("name") or title),
        title=title,
        items=tuple(_item_from_fhir(i, n) for n, i in enumerate(items)),
        language=str(resource.get("language") or "da"),
        title_translations=_read_translations(resource.get("_title")),
        totals=tuple(totals),
    )


def _item_from_fhir(data: Any, index: int) -> Item:
    if not isinstance(data, dict):
        raise DefinitionError(f"item {index}", "Must be an object.")
    link_id = _text(data.get("linkId"), f"item {index}", "linkId")
    fhir_type = data.get("type")
    measurement = next((e.get("valueCode") for e in _extension(data, MEASUREMENT_EXTENSION)), None)
    if fhir_type == "quantity" and measurement in MEASUREMENTS:
        item_type: ItemType = "measurement"
    elif fhir_type in _FROM_FHIR_TYPE:
        item_type = _FROM_FHIR_TYPE[fhir_type]
    elif fhir_type == "quantity":
        raise DefinitionError(
            link_id, f"A quantity must name a measurement ({MEASUREMENT_EXTENSION})."
        )
    else:
        raise DefinitionError(link_id, f"telemon cannot ask an item of type {fhir_type!r}.")
    if data.get("item"):
        raise DefinitionError(link_id, "Nested items are not supported.")
    if data.get("answerValueSet"):
        raise DefinitionError(link_id, "Give the answers as answerOption, not a value set.")
    triage: dict[str, str] = {}
    options = []
    for n, option in enumerate(data.get("answerOption") or []):
        coding = option.get("valueCoding") if isinstance(option, dict) else None
        if not isinstance(coding, dict) or not isinstance(coding.get("code"), str):
            raise DefinitionError(link_id, f"answerOption {n} must be a valueCoding with a code.")
        code = coding["code"]
        options.append(
            Option(
                code, str(coding.get("display") or code), _read_translations(coding.get("_display"))
            )
        )
        for ext in _extension(option, TRIAGE_EXTENSION):
            triage[code] = str(ext.get("valueCode"))
    for ext in _extension(data, ANSWER_TRIAGE_EXTENSION):
        parts = {e.get("url"): e for e in ext.get("extension") or [] if isinstance(e, dict)}
        answer = parts.get("answer", {}).get("valueBoolean")
        if not isinstance(answer, bool):
            raise DefinitionError(link_id, "An answer triage needs a boolean answer.")
        triage["true" if answer else "false"] = str(parts.get("triage", {}).get("valueCode"))
    skipped = next((e.get("valueCode") for e in _extension(data, SKIPPED_TRIAGE_EXTENSION)), None)
    wait = next((e.get("valueInteger") for e in _extension(data, WAIT_EXTENSION)), None)
    low = next((_limit(e) for e in _extension(data, MIN_VALUE)), None)
    high = next((_limit(e) for e in _extension(data, MAX_VALUE)), None)
    behavior = data.get("enableBehavior") or "all"
    return Item(
        link_id=link_id,
        type=item_type,
        text=_text(data.get("text"), link_id, "text"),
        translations=_read_translations(data.get("_text")),
        required=bool(data.get("required", False)),
        options=tuple(options),
        measurement=measurement if item_type == "measurement" else None,
        enable_when=tuple(_condition_from_fhir(c, link_id) for c in data.get("enableWhen") or []),
        enable_behavior=cast(Any, behavior),
        triage=triage,
        skipped_triage=str(skipped) if skipped is not None else None,
        wait_seconds=wait if isinstance(wait, int) and not isinstance(wait, bool) else None,
        min_value=low,
        max_value=high,
    )


def _limit(extension: Mapping[str, Any]) -> int | float | None:
    value = extension.get("valueInteger", extension.get("valueDecimal"))
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _condition_from_fhir(data: Any, link_id: str) -> EnableWhen:
    if not isinstance(data, dict):
        raise DefinitionError(link_id, "An enableWhen must be an object.")
    question, operator = data.get("question"), data.get("operator")
    if not isinstance(question, str) or not isinstance(operator, str):
        raise DefinitionError(link_id, "An enableWhen needs a question and an operator.")
    answers = [k for k in data if k.startswith("answer")]
    if len(answers) != 1:
        raise DefinitionError(link_id, "An enableWhen needs exactly one answer[x].")
    value = data[answers[0]]
    if answers[0] == "answerCoding":
        value = value.get("code") if isinstance(value, dict) else None
    elif answers[0] == "answerQuantity":
        value = value.get("value") if isinstance(value, dict) else None
    elif answers[0] not in set(_ANSWER_KEY.values()):
        raise DefinitionError(link_id, f"telemon cannot compare with {answers[0]}.")
    if not isinstance(value, bool | int | float | str):
        raise DefinitionError(link_id, f"The enableWhen's {answers[0]} is not readable.")
    return EnableWhen(question, operator, value)


# ---- answers ------------------------------------------------------------------------------


def response_to_fhir(
    definition: Definition,
    answers: Mapping[str, Answer],
    observation_ids: Mapping[str, Sequence[int]] | None = None,
) -> list[dict[str, Any]]:
    """The answers as QuestionnaireResponse items (in the questionnaire's order), each item
    with its text; a measurement's answers name the Observations stored from them."""
    stored = observation_ids or {}
    items = []
    for item in definition.items:
        if item.link_id not in answers:
            continue
        value = answers[item.link_id]
        if item.type == "measurement":
            values = value if isinstance(value, dict) else {item.components[0]: value}
            ids = list(stored.get(item.link_id, ()))
            fhir_answers = []
            for n, code in enumerate(item.components):
                unit = CODES[code].unit
                answer: dict[str, Any] = {
                    "valueQuantity": {
                        "value": values[code],
                        "unit": unit,
                        "system": UCUM,
                        "code": unit,
                    }
                }
                extensions: list[dict[str, Any]] = []
                if len(item.components) > 1:
                    extensions.append({"url": COMPONENT_EXTENSION, "valueCode": code})
                if n < len(ids):
                    extensions.append(
                        {
                            "url": OBSERVATION_EXTENSION,
                            "valueReference": {"reference": f"Observation/{ids[n]}"},
                        }
                    )
                if extensions:
                    answer["extension"] = extensions
                fhir_answers.append(answer)
        elif item.type == "choice":
            option = next(o for o in item.options if o.code == value)
            fhir_answers = [{"valueCoding": {"code": option.code, "display": option.display}}]
        else:
            key = {
                "boolean": "valueBoolean",
                "integer": "valueInteger",
                "decimal": "valueDecimal",
                "string": "valueString",
            }[item.type]
            fhir_answers = [{key: value}]
        items.append({"linkId": item.link_id, "text": item.text, "answer": fhir_answers})
    return items


def answers_from_fhir(definition: Definition, items: Any) -> list[tuple[str, Any]]:
    """A QuestionnaireResponse's items as (link id, value) pairs for validate_response: a
    valueCoding gives its code, a valueQuantity its value, a measurement of several codes an
    object by COMPONENT_EXTENSION. Raises DefinitionError naming the item it cannot read."""
    if not isinstance(items, list):
        raise DefinitionError("item", "Must be a list.")
    pairs: list[tuple[str, Any]] = []
    for n, data in enumerate(items):
        if not isinstance(data, dict) or not isinstance(data.get("linkId"), str):
            raise DefinitionError(f"item {n}", "Needs a linkId.")
        link_id = data["linkId"]
        answers = data.get("answer") or []
        if not isinstance(answers, list) or not answers:
            continue  # an item without an answer is not an answer (a display item's text)
        item = definition.item(link_id)
        if item is not None and item.type == "measurement" and len(item.components) > 1:
            parts: dict[str, Any] = {}
            for answer in answers:
                code = next(
                    (e.get("valueCode") for e in _extension(answer, COMPONENT_EXTENSION)), None
                )
                quantity = answer.get("valueQuantity") if isinstance(answer, dict) else None
                if not isinstance(code, str) or not isinstance(quantity, dict):
                    raise DefinitionError(
                        link_id, f"Each answer needs a valueQuantity and {COMPONENT_EXTENSION}."
                    )
                parts[code] = quantity.get("value")
            pairs.append((link_id, parts))
            continue
        if len(answers) != 1 or not isinstance(answers[0], dict):
            raise DefinitionError(link_id, "Takes one answer.")
        values = [(k, v) for k, v in answers[0].items() if k.startswith("value")]
        if len(values) != 1:
            raise DefinitionError(link_id, "An answer needs exactly one value[x].")
        key, value = values[0]
        if key == "valueCoding":
            value = value.get("code") if isinstance(value, dict) else None
        elif key == "valueQuantity":
            value = value.get("value") if isinstance(value, dict) else None
        pairs.append((link_id, value))
    return pairs
