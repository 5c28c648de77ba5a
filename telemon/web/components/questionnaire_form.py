"""Answering a questionnaire on a phone, one item per screen: the patient's own pages and the
home nurse's (with the patient at her side) share this.

No script: each screen is a small form. What has been answered so far travels in hidden fields
(the answers as JSON, the path walked, the form's key); the server works out the next item
from the branching (telemon.questionnaires.branching.next_item), shows the advice the path
reaches, a summary before sending, and sends through the API's use case
(telemon.questionnaires.responses.record) with the form's key as client_id, so that a double
tap or a resend stores once. Answers to items the path no longer reaches (after Back and
another answer) are not sent.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from telemon import clock
from telemon.clinical_text.measurements import measurement_name
from telemon.errors import TelemonError
from telemon.ingest.codes import CODES
from telemon.models import Questionnaire, User
from telemon.questionnaires import responses, service
from telemon.questionnaires.branching import enabled_items, next_item, value_problem
from telemon.questionnaires.definition import Answer, Definition, Item

TEMPLATE = "components/questionnaire_step.html"


@dataclass
class Walk:
    key: str
    answers: dict[str, Any] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)
    # When the patient began: the response's time, the same however often it is sent.
    started: str = field(default_factory=lambda: clock.local(clock.now()).isoformat())

    @property
    def answers_json(self) -> str:
        return json.dumps(self.answers)

    @property
    def path_json(self) -> str:
        return json.dumps(self.path)


def _walk(form: Mapping[str, str]) -> Walk:
    try:
        key = str(uuid.UUID(form.get("form_key") or ""))
    except ValueError:
        key = str(uuid.uuid4())
    try:
        answers = json.loads(form.get("answers") or "{}")
        path = json.loads(form.get("path") or "[]")
    except ValueError:
        answers, path = {}, []
    if not isinstance(answers, dict) or not isinstance(path, list):
        answers, path = {}, []
    walk = Walk(key, answers, [str(p) for p in path])
    try:
        started = datetime.fromisoformat(form.get("started") or "")
        if started.tzinfo is not None:
            walk.started = started.isoformat()
    except ValueError:
        pass
    return walk


def _language() -> str:
    return str(get_locale() or "da")[:2]


def _number(raw: str | None) -> float | None:
    try:
        return float((raw or "").strip().replace(",", "."))
    except ValueError:
        return None


def _read(item: Item, form: Mapping[str, str]) -> tuple[Any, str | None]:
    """The value the screen's form gives for `item`, and why it cannot be used (or None)."""
    raw = (form.get("value") or "").strip()
    value: Any
    if item.type == "boolean":
        value = {"true": True, "false": False}.get(raw)
    elif item.type == "choice" or item.type == "string":
        value = raw or None
    elif item.type == "integer":
        value = int(raw) if raw.lstrip("-").isdigit() else None
    elif item.type == "decimal":
        value = _number(raw)
    else:
        parts = {code: _number(form.get(f"m-{code}")) for code in item.components}
        if any(v is None for v in parts.values()):
            return None, _("Enter every value, or skip the measurement.")
        value = parts if len(parts) > 1 else parts[item.components[0]]
    if value is None:
        return None, _("Answer the question to go on.")
    if value_problem(item, value) is not None:
        # The rule's own words are English (the API's); the page says it in the user's.
        return value, _("This value cannot be right; check it and enter it again.")
    return value, None


def shown(item: Item, value: Answer, language: str) -> str:
    """An answer as the summary shows it."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if item.type == "choice":
        option = next((o for o in item.options if o.code == value), None)
        return option.translations.get(language, option.display) if option else str(value)
    if item.type == "measurement":
        values = value if isinstance(value, dict) else {item.components[0]: value}
        return " · ".join(f"{values[c]:g} {CODES[c].unit}" for c in item.components)
    return str(value)


def _enabled_answers(definition: Definition, walk: Walk) -> dict[str, Any]:
    asked = {i.link_id for i in enabled_items(definition, walk.answers)}
    return {k: v for k, v in walk.answers.items() if k in asked}


def step(
    user: User,
    patient_id: int | None,
    questionnaire_id: int,
    form: Mapping[str, str] | None,
    done_url: str,
    back_url: str,
    performer: str | None = None,
    preview: bool = False,
) -> Any:
    """One screen of the walk (GET: the first; POST: after `action` next, skip, back or send).
    A preview (the administration console's; no patient) walks the same screens and sends
    nothing."""
    questionnaire: Questionnaire = service.get(questionnaire_id)
    definition = service.definition_of(questionnaire)
    language = _language()
    walk = _walk(form or {})
    action = (form or {}).get("action", "start")
    current = definition.item((form or {}).get("current") or "")
    error = None
    if action == "back" and walk.path:
        shown_item: Item | None = definition.item(walk.path.pop())
    elif action in ("next", "skip") and current is not None:
        if action == "skip" and (current.type == "display" or not current.required):
            walk.answers.pop(current.link_id, None)
        elif current.type != "display":
            value, error = _read(current, form or {})
            if error is None:
                walk.answers[current.link_id] = value
        if error is not None:
            shown_item = current
        else:
            walk.path.append(current.link_id)
            walk.answers = _enabled_answers(definition, walk)
            shown_item = next_item(definition, walk.answers, current.link_id)
    elif action == "send" and (preview or patient_id is None):
        error = _("A preview: nothing was sent.")
        shown_item = None
    elif action == "send":
        answers = _enabled_answers(definition, walk)
        data = {
            "client_id": uuid.UUID(walk.key),
            "patient_id": patient_id,
            "questionnaire_id": questionnaire.id,
            "authored_at": datetime.fromisoformat(walk.started),
            "answers": [{"link_id": k, "value": v} for k, v in answers.items()],
            "performer": performer,
        }
        try:
            recorded = responses.record(user, data)
        except TelemonError:
            error = _("Your answers could not be sent; go back and check them.")
            shown_item = None
        else:
            flash(
                _("Sent. Your care team sees your answers.")
                if recorded.created
                else _("These answers were sent already; nothing was stored twice.")
            )
            return redirect(done_url)
    else:
        walk = Walk(str(uuid.uuid4()))
        shown_item = next_item(definition, {}, None)
    summary = [
        (
            item,
            shown(item, walk.answers[item.link_id], language)
            if item.link_id in walk.answers
            else None,
        )
        for item in enabled_items(definition, walk.answers)
        if item.link_id in walk.path
    ]
    return render_template(
        TEMPLATE,
        questionnaire=questionnaire,
        title=definition.title_translations.get(language, definition.title),
        item=shown_item,
        text=shown_item.text_in(language) if shown_item else None,
        language=language,
        walk=walk,
        value=walk.answers.get(shown_item.link_id) if shown_item else None,
        summary=summary,
        error=error,
        units={c: CODES[c].unit for c in CODES},
        names={c: measurement_name(c, language) for c in CODES},
        back_url=back_url,
        position=len(walk.path) + 1,
        preview=preview,
    ), (422 if error and not preview else 200)
