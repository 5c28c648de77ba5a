"""The patient answers her questionnaires on her own pages, one question per screen
(telemon.web.components.questionnaire_form); the list comes from
telemon.questionnaires.assignments.to_answer (audited)."""

from __future__ import annotations

from typing import Any

from flask import g, render_template, request, url_for
from flask_babel import get_locale

from telemon.questionnaires import assignments, service
from telemon.web.components import questionnaire_form
from telemon.web.guard import signed_in
from telemon.web.patient import ROLES, bp


@bp.route("/questionnaires")
@signed_in(*ROLES)
def questionnaires() -> Any:
    listed = assignments.to_answer(g.user, g.user.patient_id)
    language = str(get_locale() or "da")[:2]
    titles = [
        (q.id, service.definition_of(q).title_translations.get(language, q.title)) for q in listed
    ]
    return render_template("patient/questionnaires.html", questionnaires=titles)


@bp.route("/questionnaires/<int:questionnaire_id>", methods=["GET", "POST"])
@signed_in(*ROLES)
def answer(questionnaire_id: int) -> Any:
    return questionnaire_form.step(
        g.user,
        g.user.patient_id,
        questionnaire_id,
        request.form if request.method == "POST" else None,
        done_url=url_for("patient.home"),
        back_url=url_for("patient.questionnaires"),
    )
