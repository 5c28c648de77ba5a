"""The home nurse answers a patient's questionnaire with the patient at her side (the
performer recorded as the nurse), one question per screen as the patient does
(telemon.web.components.questionnaire_form)."""

from __future__ import annotations

from typing import Any

from flask import g, render_template, request, url_for
from flask_babel import get_locale

from telemon.questionnaires import assignments, service
from telemon.web.components import questionnaire_form
from telemon.web.guard import signed_in
from telemon.web.home import ROLES, bp


@bp.route("/patients/<int:patient_id>/questionnaires")
@signed_in(*ROLES)
def questionnaires(patient_id: int) -> Any:
    listed = assignments.to_answer(g.user, patient_id)
    language = str(get_locale() or "da")[:2]
    titles = [
        (q.id, service.definition_of(q).title_translations.get(language, q.title)) for q in listed
    ]
    return render_template("home/questionnaires.html", questionnaires=titles, patient_id=patient_id)


@bp.route(
    "/patients/<int:patient_id>/questionnaires/<int:questionnaire_id>", methods=["GET", "POST"]
)
@signed_in(*ROLES)
def answer_questionnaire(patient_id: int, questionnaire_id: int) -> Any:
    if request.method == "GET":
        assignments.to_answer(g.user, patient_id)  # may she record for this patient? (404)
    return questionnaire_form.step(
        g.user,
        patient_id,
        questionnaire_id,
        request.form if request.method == "POST" else None,
        done_url=url_for("home.patient", patient_id=patient_id),
        back_url=url_for("home.questionnaires", patient_id=patient_id),
        performer="nurse",
    )
