"""OpenTele questionnaires as the OpenTele editor exports them, built for the tests (synthetic).

Shared by the unit tests of the import and the API tests (no test module imports another).
"""

from __future__ import annotations

from typing import Any


def copd_tree() -> dict[str, Any]:
    """A daily COPD session as OpenTele draws it:

    start → sat (SATURATION) ─skipped (yellow)→ sat_skip_note → breath
                 └─normal→ breath
    breath "Mere åndenød end vanligt?" ─yes (yellow)→ breath_advice → phlegm
                                       └─no (green)→ phlegm
    phlegm "Hoster du mere slim op?" ─yes (yellow)→ colour ─ choice: klar (green)  → bp
                                                                    gul (yellow) → bp
                                                                    grøn (red)   → advice_red → bp
                                      └─no (green)→ bp
    bp (BLOOD_PRESSURE_PULSE) → sat_again (SATURATION, the repeated measurement) → end
    """
    return {
        "title": "KOL daglig",
        "version": "1.2",
        "nodes": [
            {"id": "start", "type": "StartNode"},
            {
                "id": "sat",
                "type": "MeasurementNode",
                "measurementType": "SATURATION",
                "text": "Mål din iltmætning og puls",
            },
            {"id": "sat_skip_note", "type": "TextNode", "text": "Husk at måle i morgen"},
            {"id": "breath", "type": "BooleanNode", "text": "Er du mere forpustet end vanligt?"},
            {"id": "breath_advice", "type": "TextNode", "text": "Brug din PEP-fløjte"},
            {"id": "phlegm", "type": "BooleanNode", "text": "Hoster du mere slim op?"},
            {
                "id": "colour",
                "type": "ChoiceNode",
                "text": "Hvilken farve har slimen?",
                "choices": [
                    {"value": "klar", "text": "Klar"},
                    {"value": "gul", "text": "Gul"},
                    {"value": "groen", "text": "Grøn"},
                ],
            },
            {"id": "advice_red", "type": "TextNode", "text": "Start din egenbehandlingsplan"},
            {
                "id": "bp",
                "type": "MeasurementNode",
                "measurementType": "BLOOD_PRESSURE_PULSE",
                "text": "Mål dit blodtryk",
            },
            {
                "id": "sat_again",
                "type": "MeasurementNode",
                "measurementType": "SATURATION",
                "text": "Mål din iltmætning igen efter hvile",
            },
            {"id": "end", "type": "EndNode"},
        ],
        "connections": [
            {"source": "start", "target": "sat"},
            {"source": "sat", "target": "breath"},
            {
                "source": "sat",
                "target": "sat_skip_note",
                "measurementSkipped": "true",
                "severity": "YELLOW",
            },
            {"source": "sat_skip_note", "target": "breath"},
            {
                "source": "breath",
                "target": "breath_advice",
                "choiceValue": "true",
                "severity": "YELLOW",
            },
            {"source": "breath", "target": "phlegm", "choiceValue": "false", "severity": "GREEN"},
            {"source": "breath_advice", "target": "phlegm"},
            {"source": "phlegm", "target": "colour", "choiceValue": "true", "severity": "YELLOW"},
            {"source": "phlegm", "target": "bp", "choiceValue": "false", "severity": "GREEN"},
            {"source": "colour", "target": "bp", "choiceValue": "klar", "severity": "GREEN"},
            {"source": "colour", "target": "bp", "choiceValue": "gul", "severity": "YELLOW"},
            {"source": "colour", "target": "advice_red", "choiceValue": "groen", "severity": "RED"},
            {"source": "advice_red", "target": "bp"},
            {"source": "bp", "target": "sat_again"},
            {"source": "sat_again", "target": "end"},
        ],
    }
