"""The work list page (titled "Review queue"): alerts and wound review requests, most urgent
first. Its address stays /queue, which bookmarks and mailed links hold."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from telemon import admissions, clock, worklist
from telemon.alerts import handling
from telemon.anticoagulation import dose_worklist
from telemon.http import paging
from telemon.models import PROGRAMMES, SEVERITIES
from telemon.web.clinic import ROLES, bp
from telemon.web.components.clinical import programme
from telemon.web.components.forms import id_list, id_value
from telemon.web.guard import signed_in
from telemon.web.safe_redirect import local_target

WORKLIST_PAGE_SIZE = 50  # rows on one page of the work list


@bp.route("/queue", endpoint="worklist")
@signed_in(*ROLES)
def worklist_page() -> Any:
    # Alerts and wound review requests, on one scale (telemon.worklist).
    f = worklist.WorkListFilter(
        # Open (not yet taken) by default; "acknowledged" shows what is taken but not resolved.
        status=_choice(request.args.get("status"), ("open", "acknowledged")) or "open",
        programme=_choice(request.args.get("programme"), PROGRAMMES),
        rank=_choice(request.args.get("severity"), SEVERITIES),
        care_team_id=request.args.get("team", type=id_value),
    )
    after = _cursor(request.args.get("after"))
    found = worklist.work_list_page(g.user, f, WORKLIST_PAGE_SIZE, after)
    items = found.page.items
    # The paging links keep the filters, under the form's names (url_for leaves out None).
    shown: dict[str, Any] = {
        "status": f.status,
        "programme": f.programme,
        "severity": f.rank,
        "team": f.care_team_id,
    }
    next_cursor = found.page.next
    return render_template(
        "clinic/worklist.html",
        # The anticoagulation clinic's dose worklist, counted for the members of its teams.
        doses_waiting=dose_worklist.waiting_count(g.user),
        items=items,
        counts=found.counts,
        team_counts=found.team_counts,
        teams=found.teams,
        patients=found.patients,
        # Patients in hospital (a MedCom HospitalNotification said so): one query a page.
        stays=admissions.current_stays(a.patient_id for a in items),
        now=clock.now(),
        filters=f,
        programmes=PROGRAMMES,
        severities=SEVERITIES,
        next_page=url_for("clinic.worklist", **shown, after=next_cursor) if next_cursor else None,
        first_page=url_for("clinic.worklist", **shown) if after is not None else None,
        words=_words(items),
        # The rows whose alerts the user may acknowledge (telemon.access): only those offer
        # the button and the bulk checkbox.
        may_acknowledge=found.may_acknowledge,
    )


def _words(items: list[worklist.WorkItem]) -> dict[str, str]:
    """The items' own words (severity or urgency, programme, status), each translated once:
    a page of 50 rows repeats a handful of them."""
    found = {word for item in items for word in (item.label, item.status)}
    words = {word: _(word) for word in found}
    for item in items:
        words.setdefault(item.programme, programme(item.programme))
    return words


def _cursor(raw: str | None) -> paging.Key | None:
    """The key to read the work list after. A stale or mangled link shows the first page: a
    nurse is better served by the list than by an error page."""
    if not raw:
        return None
    try:
        return paging.decode(raw, worklist.CURSOR_SHAPE)
    except ValueError:
        return None


@bp.route("/alerts/acknowledge", methods=["POST"])
@signed_in(*ROLES)
def acknowledge_many() -> Response:
    """Bulk acknowledgement of yellow alerts the clinician has looked at; red and blue are
    acknowledged one by one, on purpose."""
    chosen = id_list(request.form.getlist("alert_id"))
    if not chosen:
        flash(_("Select the yellow alerts to acknowledge first."))
        return redirect(local_target(request.form.get("back"), url_for("clinic.worklist")))
    done = handling.acknowledge_yellow_alerts(g.user, chosen)
    if done:
        flash(
            ngettext(
                "%(num)s yellow alert acknowledged.", "%(num)s yellow alerts acknowledged.", done
            )
        )
    else:
        flash(_("None of the chosen alerts was still open to acknowledge."))
    return redirect(local_target(request.form.get("back"), url_for("clinic.worklist")))


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None
