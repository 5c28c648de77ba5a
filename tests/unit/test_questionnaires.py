"""Questionnaires as data: the OpenTele import, the branching, the triage, the FHIR form.

The OpenTele exports are built here, as the OpenTele editor writes them (node ids, texts,
choice connections with their severities, measurementSkipped connections); the expected items,
conditions and triages are worked out by hand from the tree drawn above each.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fhirclient.models.questionnaire import Questionnaire as FhirQuestionnaire
from fhirclient.models.questionnaireresponse import QuestionnaireResponseItem

from telemon.questionnaires import fhir_form, opentele
from telemon.questionnaires.branching import (
    ResponseInvalid,
    enabled_items,
    next_item,
    validate_definition,
    validate_response,
)
from telemon.questionnaires.definition import (
    Definition,
    DefinitionError,
    EnableWhen,
    Item,
    Option,
    Total,
)
from telemon.questionnaires.triage import marked_answers, triage
from tests.questionnaire_trees import copd_tree


def by_id(definition: Definition) -> dict[str, Item]:
    return {i.link_id: i for i in definition.items}


# ---- the OpenTele import -------------------------------------------------------------------


def test_the_import_keeps_node_ids_texts_and_the_order_of_the_paths() -> None:
    definition = opentele.to_definition(copd_tree())
    assert definition.items[0].link_id == "sat"
    items = by_id(definition)
    assert items["breath"].text == "Er du mere forpustet end vanligt?"
    assert items["breath_advice"].type == "display"
    assert items["colour"].options[2] == Option("groen", "Grøn")
    assert definition.version == "1.2" and definition.title == "KOL daglig"
    # Each path reads in the tree's order: the advice after its question, the colour after
    # the phlegm question and before the blood pressure.
    order = [i.link_id for i in definition.items]
    assert order.index("breath") < order.index("breath_advice") < order.index("phlegm")
    assert order.index("phlegm") < order.index("colour") < order.index("advice_red")
    assert order.index("advice_red") < order.index("bp") < order.index("sat_again")
    assert order.index("sat") < order.index("sat_skip_note") < order.index("breath")


def test_measurements_map_to_telemon_items() -> None:
    items = by_id(opentele.to_definition(copd_tree()))
    assert items["sat"].measurement == "spo2_pulse"
    assert items["sat"].components == ("spo2", "pulse")
    assert items["bp"].measurement == "blood_pressure"
    assert items["bp"].components == ("systolic_bp", "diastolic_bp", "pulse")
    # The repeated measurement is an item of its own.
    assert items["sat_again"].measurement == "spo2_pulse"
    # A measurement that may be skipped is not required; one that may not, is.
    assert not items["sat"].required and items["bp"].required


def test_severities_become_the_triage_of_answers_and_of_a_skip() -> None:
    items = by_id(opentele.to_definition(copd_tree()))
    assert items["breath"].triage == {"true": "yellow", "false": "green"}
    assert items["colour"].triage == {"klar": "green", "gul": "yellow", "groen": "red"}
    assert items["sat"].skipped_triage == "yellow"
    assert items["bp"].skipped_triage is None


def test_the_branching_becomes_enable_when() -> None:
    items = by_id(opentele.to_definition(copd_tree()))
    # Reached only when SpO2 was left out.
    assert items["sat_skip_note"].enable_when == (EnableWhen("sat", "exists", False),)
    # Reached after the measurement whether taken or skipped: always asked.
    assert items["breath"].enable_when == ()
    assert items["breath_advice"].enable_when == (EnableWhen("breath", "=", True),)
    # Yes (through the advice) and no both lead on: always asked.
    assert items["phlegm"].enable_when == ()
    assert items["colour"].enable_when == (EnableWhen("phlegm", "=", True),)
    assert items["advice_red"].enable_when == (EnableWhen("colour", "=", "groen"),)
    # Every path through phlegm and colour reaches the blood pressure.
    assert items["bp"].enable_when == ()
    assert items["sat_again"].enable_when == ()


def test_a_branch_that_does_not_join_again_keeps_its_condition() -> None:
    tree = copd_tree()
    # "No" to the phlegm question now ends the session: the blood pressure is only reached
    # through the colour question.
    tree["connections"] = [
        c for c in tree["connections"] if not (c["source"] == "phlegm" and c["target"] == "bp")
    ] + [{"source": "phlegm", "target": "end", "choiceValue": "false"}]
    items = by_id(opentele.to_definition(tree))
    assert items["bp"].enable_when == (EnableWhen("phlegm", "=", True),)
    assert items["sat_again"].enable_when == (EnableWhen("phlegm", "=", True),)


@pytest.mark.parametrize(
    ("change", "node"),
    [
        (lambda t: t["nodes"][1].update(measurementType="CTG"), "sat"),
        (lambda t: t["nodes"].append({"id": "x9", "type": "CrpNode"}), "x9"),
        (lambda t: t["connections"].append({"source": "bp", "target": "breath"}), "breath"),
        (lambda t: t["connections"].append({"source": "bp", "target": "nowhere"}), "bp"),
        (lambda t: t["connections"][4].update(severity="PURPLE"), "breath"),
        (lambda t: t["connections"][9].update(choiceValue="blå"), "colour"),
    ],
    ids=["measurement-type", "node-type", "loop", "unknown-target", "severity", "choice"],
)
def test_what_telemon_cannot_represent_is_refused_naming_the_node(change: Any, node: str) -> None:
    tree = copd_tree()
    change(tree)
    with pytest.raises(DefinitionError) as refused:
        opentele.to_fhir(tree)
    assert refused.value.where == node


def test_paths_fhir_cannot_write_are_refused_naming_the_node() -> None:
    # x is reached by (q1 yes, then the weight skipped) or by q1 no: "q1 = true and weight
    # not given, or q1 = false" is no single enableWhen list (all, or any, of conditions).
    tree = {
        "title": "Svær",
        "version": 1,
        "nodes": [
            {"id": "s", "type": "start"},
            {"id": "q1", "type": "boolean", "text": "Q1?"},
            {"id": "m", "type": "measurement", "measurementType": "WEIGHT", "text": "Vægt"},
            {"id": "x", "type": "boolean", "text": "X?"},
            {"id": "e", "type": "end"},
        ],
        "connections": [
            {"source": "s", "target": "q1"},
            {"source": "q1", "target": "m", "choiceValue": "true"},
            {"source": "q1", "target": "x", "choiceValue": "false"},
            {"source": "m", "target": "x", "measurementSkipped": True},
            {"source": "m", "target": "e"},
            {"source": "x", "target": "e"},
        ],
    }
    with pytest.raises(DefinitionError) as refused:
        opentele.to_definition(tree)
    assert refused.value.where == "x"


# ---- branching and validation of a response ----------------------------------------------


def test_enabled_items_follow_the_answers() -> None:
    definition = opentele.to_definition(copd_tree())
    asked = [i.link_id for i in enabled_items(definition, {"breath": True, "phlegm": False})]
    assert asked == ["sat", "sat_skip_note", "breath", "breath_advice", "phlegm", "bp", "sat_again"]
    measured = {"sat": {"spo2": 95, "pulse": 70}, "breath": False, "phlegm": False}
    assert "sat_skip_note" not in [i.link_id for i in enabled_items(definition, measured)]
    assert next_item(definition, measured, "breath") is not None
    assert next_item(definition, measured, "breath").link_id == "phlegm"  # type: ignore[union-attr]
    assert next_item(definition, {}, None).link_id == "sat"  # type: ignore[union-attr]


def good_answers() -> list[tuple[str, Any]]:
    return [
        ("sat", {"spo2": 94, "pulse": 80}),
        ("breath", True),
        ("phlegm", True),
        ("colour", "gul"),
        ("bp", {"systolic_bp": 130, "diastolic_bp": 80, "pulse": 78}),
        ("sat_again", {"spo2": 95, "pulse": 76}),
    ]


def test_a_valid_response_is_kept_in_the_questionnaires_order() -> None:
    definition = opentele.to_definition(copd_tree())
    answers = validate_response(definition, list(reversed(good_answers())))
    assert list(answers) == [i.link_id for i in definition.items if i.link_id in answers]
    assert answers["colour"] == "gul"


@pytest.mark.parametrize(
    ("answers", "item", "says"),
    [
        (good_answers() + [("nope", True)], "nope", "No such item"),
        (good_answers() + [("breath", False)], "breath", "more than once"),
        ([a for a in good_answers() if a[0] != "phlegm"], "phlegm", "required"),
        ([a for a in good_answers() if a[0] != "bp"], "bp", "required"),
        (
            [("phlegm", False) if a[0] == "phlegm" else a for a in good_answers()],
            "colour",
            "Not asked",
        ),
        (
            [("breath", "ja") if a[0] == "breath" else a for a in good_answers()],
            "breath",
            "true or false",
        ),
        (
            [("colour", "blå") if a[0] == "colour" else a for a in good_answers()],
            "colour",
            "one of",
        ),
        ([("sat", 94) if a[0] == "sat" else a for a in good_answers()], "sat", "spo2, pulse"),
        (
            [("sat", {"spo2": 140, "pulse": 80}) if a[0] == "sat" else a for a in good_answers()],
            "sat",
            "between",
        ),
        (good_answers() + [("breath_advice", True)], "breath_advice", "text only"),
    ],
    ids=[
        "unknown",
        "twice",
        "required",
        "required-measurement",
        "not-enabled",
        "type",
        "option",
        "shape",
        "implausible",
        "display",
    ],
)
def test_a_response_that_does_not_fit_names_the_item(
    answers: list[tuple[str, Any]], item: str, says: str
) -> None:
    definition = opentele.to_definition(copd_tree())
    with pytest.raises(ResponseInvalid) as refused:
        validate_response(definition, answers)
    assert item in refused.value.errors
    assert says in " ".join(refused.value.errors[item])


def test_skipping_a_skippable_measurement_is_valid() -> None:
    definition = opentele.to_definition(copd_tree())
    answers = validate_response(definition, good_answers()[1:])
    assert "sat" not in answers


# ---- triage --------------------------------------------------------------------------------


def test_triage_is_the_worst_mark_of_the_answers_given() -> None:
    definition = opentele.to_definition(copd_tree())
    calm = {"sat": {"spo2": 95, "pulse": 70}, "breath": False, "phlegm": False}
    assert triage(definition, calm) == "green"
    assert marked_answers(definition, calm) == []
    worse = {**calm, "breath": True}
    assert triage(definition, worse) == "yellow"
    green_phlegm = {**worse, "phlegm": True, "colour": "groen"}
    assert triage(definition, green_phlegm) == "red"
    assert [(m.link_id, m.triage) for m in marked_answers(definition, green_phlegm)] == [
        ("breath", "yellow"),
        ("phlegm", "yellow"),
        ("colour", "red"),
    ]


def test_a_skipped_measurement_counts_with_its_triage() -> None:
    definition = opentele.to_definition(copd_tree())
    marks = marked_answers(definition, {"breath": False, "phlegm": False})
    assert [(m.link_id, m.triage, m.skipped) for m in marks] == [("sat", "yellow", True)]


def test_answers_to_items_not_asked_count_for_nothing() -> None:
    definition = opentele.to_definition(copd_tree())
    # "groen" for a colour not asked (no phlegm): no red.
    assert (
        triage(
            definition,
            {"sat": {"spo2": 95, "pulse": 70}, "breath": False, "phlegm": False, "colour": "groen"},
        )
        == "green"
    )


# ---- the definition validator --------------------------------------------------------------


def base(*items: Item) -> Definition:
    return Definition("urn:x", "1", "x", "X", items)


@pytest.mark.parametrize(
    ("definition", "where"),
    [
        (base(Item("a", "boolean", "A?"), Item("a", "boolean", "A again?")), "a"),
        (base(Item("c", "choice", "C?")), "c"),
        (base(Item("m", "measurement", "M", measurement="glucose")), "m"),
        (base(Item("a", "boolean", "A?", triage={"true": "purple"})), "a"),
        (base(Item("a", "boolean", "A?", triage={"maybe": "red"})), "a"),
        (
            base(
                Item("b", "boolean", "B?", enable_when=(EnableWhen("a", "=", True),)),
                Item("a", "boolean", "A?"),
            ),
            "b",
        ),
        (
            base(
                Item("d", "display", "Hi"),
                Item("b", "boolean", "B?", enable_when=(EnableWhen("d", "exists", True),)),
            ),
            "b",
        ),
        (
            base(
                Item("a", "boolean", "A?"),
                Item("b", "boolean", "B?", enable_when=(EnableWhen("a", "=", "yes"),)),
            ),
            "b",
        ),
        (
            base(
                Item("c", "choice", "C?", options=(Option("x", "X"),)),
                Item("b", "boolean", "B?", enable_when=(EnableWhen("c", "=", "y"),)),
            ),
            "b",
        ),
    ],
    ids=[
        "duplicate",
        "no-options",
        "measurement",
        "triage-value",
        "triage-answer",
        "forward",
        "display",
        "boolean-answer",
        "choice-answer",
    ],
)
def test_the_validator_names_the_item_at_fault(definition: Definition, where: str) -> None:
    with pytest.raises(DefinitionError) as refused:
        validate_definition(definition)
    assert refused.value.where == where


# ---- the FHIR form ------------------------------------------------------------------------


def test_the_fhir_form_is_a_valid_r4_questionnaire_and_reads_back_the_same() -> None:
    definition = opentele.to_definition(copd_tree())
    resource = fhir_form.to_fhir(definition)
    parsed = FhirQuestionnaire(copy.deepcopy(resource), strict=True)
    assert parsed.as_json()["item"][0]["linkId"] == "sat"
    assert fhir_form.from_fhir(resource) == definition
    colour = next(i for i in resource["item"] if i["linkId"] == "colour")
    assert colour["answerOption"][2]["extension"] == [
        {"url": fhir_form.TRIAGE_EXTENSION, "valueCode": "red"}
    ]


def test_translations_and_totals_survive_the_round_trip() -> None:
    definition = Definition(
        "urn:telemon:q",
        "2",
        "q",
        "Spørgeskema",
        (
            Item("a", "integer", "Hoster du?", translations={"en": "Do you cough?"}, required=True),
            Item("b", "integer", "Slim?", translations={"en": "Phlegm?"}, required=True),
            Item(
                "c",
                "choice",
                "Farve?",
                options=(Option("x", "Klar", {"en": "Clear"}),),
                triage={"x": "green"},
            ),
        ),
        title_translations={"en": "Questionnaire"},
        totals=(Total("cat_score", ("a", "b")),),
    )
    validate_definition(definition)
    resource = fhir_form.to_fhir(definition)
    FhirQuestionnaire(copy.deepcopy(resource), strict=True)
    assert fhir_form.from_fhir(resource) == definition


@pytest.mark.parametrize(
    ("item", "where"),
    [
        ({"linkId": "g", "type": "group", "text": "G"}, "g"),
        ({"linkId": "d", "type": "date", "text": "Når?"}, "d"),
        ({"linkId": "q", "type": "quantity", "text": "Hvor meget?"}, "q"),
        ({"linkId": "v", "type": "choice", "text": "V?", "answerValueSet": "http://x"}, "v"),
    ],
)
def test_fhir_items_telemon_cannot_ask_are_refused_by_link_id(
    item: dict[str, Any], where: str
) -> None:
    resource = {
        "resourceType": "Questionnaire",
        "url": "urn:x",
        "version": "1",
        "title": "X",
        "status": "active",
        "item": [item],
    }
    with pytest.raises(DefinitionError) as refused:
        fhir_form.from_fhir(resource)
    assert refused.value.where == where


def test_answers_go_to_fhir_and_back() -> None:
    definition = opentele.to_definition(copd_tree())
    answers = validate_response(definition, good_answers())
    items = fhir_form.response_to_fhir(definition, answers, {"sat": [11, 12]})
    for item in items:
        QuestionnaireResponseItem(copy.deepcopy(item), strict=True)
    sat = items[0]
    assert sat["answer"][0]["extension"][1]["valueReference"] == {"reference": "Observation/11"}
    back = validate_response(definition, fhir_form.answers_from_fhir(definition, items))
    assert back == answers


# ---- the response's finding: its key and its reasons --------------------------------------


def test_a_responses_reasons_join_one_alert_and_read_in_both_languages() -> None:
    from telemon.alerts.joining import measurement_of
    from telemon.clinical_text.reasons import reason_text

    assert measurement_of("questionnaire.breath") == "questionnaire"
    assert measurement_of("questionnaire.threshold.spo2") == "questionnaire"
    assert measurement_of("threshold.spo2") == "spo2"  # a reading on its own stays apart
    answered = {
        "question": "Er du mere forpustet end vanligt?",
        "question_translations": {"en": "Are you more breathless than usual?"},
        "answer": True,
        "skipped": False,
    }
    assert reason_text("questionnaire.answer", answered, "da") == (
        "Er du mere forpustet end vanligt? – ja"
    )
    assert reason_text("questionnaire.answer", answered, "en") == (
        "Are you more breathless than usual? – yes"
    )
    colour = {
        "question": "Hvilken farve har slimen?",
        "answer": "groen",
        "answer_display": "Grøn",
        "answer_translations": {"en": "Green"},
        "skipped": False,
    }
    # No English for the question: as its author wrote it; the option's own English.
    assert reason_text("questionnaire.answer", colour, "en") == "Hvilken farve har slimen? – Green"
    skipped = {"question": "Mål din iltmætning og puls", "skipped": True}
    assert reason_text("questionnaire.answer", skipped, "da") == (
        "Mål din iltmætning og puls – ikke målt"
    )


# ---- telemon's own COPD questionnaire ------------------------------------------------------


def shipped_answers(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "spo2": {"spo2": 95, "pulse": 72},
        "breathless": False,
        "cough": False,
        "sputum": False,
        "fever": False,
        "new_treatment": "none",
        **{
            f"cat_{n}": 2
            for n in (
                "cough",
                "phlegm",
                "tightness",
                "stairs",
                "home",
                "confidence",
                "sleep",
                "energy",
            )
        },
    }
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


def test_the_shipped_questionnaire_holds_together_in_both_languages() -> None:
    from telemon.questionnaires import copd_standard

    definition = copd_standard.definition()
    validate_definition(definition)
    for item in definition.items:
        assert item.translations.get("en") and item.translations["en"] != item.text, item
        for option in item.options:
            assert option.translations.get("en"), option
    resource = fhir_form.to_fhir(definition)
    FhirQuestionnaire(copy.deepcopy(resource), strict=True)
    assert fhir_form.from_fhir(resource) == definition
    (total,) = definition.totals
    assert total.code == "cat_score" and len(total.link_ids) == 8
    assert all(by_id(definition)[i].max_value == 5 for i in total.link_ids)


def test_the_shipped_questionnaires_triage() -> None:
    from telemon.questionnaires import copd_standard

    definition = copd_standard.definition()
    calm = validate_response(definition, list(shipped_answers().items()))
    assert triage(definition, calm) == "green"
    breathless = shipped_answers(breathless=True, breathless_at_rest=False)
    assert triage(definition, validate_response(definition, list(breathless.items()))) == "yellow"
    at_rest = shipped_answers(breathless=True, breathless_at_rest=True)
    assert triage(definition, validate_response(definition, list(at_rest.items()))) == "red"
    green = shipped_answers(sputum=True, sputum_colour="green")
    assert triage(definition, validate_response(definition, list(green.items()))) == "red"
    asked = [i.link_id for i in enabled_items(definition, green)]
    assert "sputum_advice" in asked and "breathless_advice" not in asked
    no_spo2 = shipped_answers(spo2=None)
    assert triage(definition, validate_response(definition, list(no_spo2.items()))) == "yellow"
    # A CAT item answered 6 is refused by its range.
    with pytest.raises(ResponseInvalid) as refused:
        validate_response(definition, list(shipped_answers(cat_sleep=6).items()))
    assert list(refused.value.errors) == ["cat_sleep"]
