"""A patient's message thread as every audience's page shows it (the patient's "Beskeder",
the home nurse's and the clinic's): read through telemon.messages.service.open_thread, written
through its `write` with the form's key as client id, so a resent form stores nothing new. A
refused message comes back by Post/Redirect/Get (forms.send_back), as every other form."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request
from flask_babel import gettext as _

from telemon.errors import Conflict, Invalid
from telemon.messages import pages, service
from telemon.web.components.forms import (
    field_errors,
    id_value,
    kept_form,
    new_form_key,
    send_back,
)


def thread_page(template: str, patient_id: int, **extra: Any) -> Any:
    """GET: the thread, read (marked read for the reader). POST: write, then show it again."""
    errors: dict[str, str] = {}
    body = ""
    reply_to = request.values.get("reply_to", type=id_value)
    if request.method == "POST":
        body = request.form.get("body", "")
        data = {
            "client_id": request.form.get("form_key") or new_form_key(),
            "body": body,
            "reply_to": reply_to,
        }
        try:
            service.write(g.user, patient_id, data)
        except Invalid as error:
            errors = field_errors(error.errors)
        except Conflict:
            errors = {
                "body": _("This form was sent before with other values. Check them and send again.")
            }
        else:
            flash(_("Your message is sent."))
            return redirect(request.path + "#thread-end")
        return send_back({"body": body}, errors)
    kept = kept_form()
    if kept is not None:
        body, errors = str(kept[0].get("body") or ""), kept[1]
    thread = pages.open_thread(g.user, patient_id)
    return render_template(
        template,
        thread=thread,
        patient=thread.patient,
        errors=errors,
        body=body,
        reply_to=reply_to,
        form_key=new_form_key(),
        **extra,
    )
