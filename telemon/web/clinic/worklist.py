"""The work list page (titled "Review queue"): alerts and wound review requests, most urgent
first. Its address stays /queue, which bookmarks and mailed links hold."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from telemon import access, audit, clock, worklist
from telemon.alerts import service
from telemon.alerts.api import load_alert, mark_seen
from telemon.anticoagulation import dose_worklist
from telemon.extensions import db
from telemon.http import paging
from telemon.models import PROGRAMMES, SEVERITIES, CareTeam, Patient, User
from telemon.web.clinic import ROLES, bp
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
    page = worklist.work_page(g.user, f, WORKLIST_PAGE_SIZE, after)
    items = page.items
    team_counts = worklist.counts_by_team(g.user, worklist.WorkListFilter(status="open"))
    audit.record_many(g.user, worklist.patient_ids(items), "queue.read", "queue")
    patients = {
        p.id: p
        for p in db.session.scalars(
            select(Patient).where(Patient.id.in_({a.patient_id for a in items}))
        )
    }
    teams = db.session.scalars(
        select(CareTeam)
        .where(
            or_(
                CareTeam.id.in_(list(team_counts)),
                CareTeam.members.any(User.id == g.user.id),
            )
        )
        .order_by(CareTeam.name)
    ).all()
    # The anticoagulation clinic's worklist, with its count, for the members of its teams.
    doses_waiting = dose_worklist.waiting_count(g.user)
    db.session.commit()
    # The paging links keep the filters, under the form's names (url_for leaves out None).
    shown: dict[str, Any] = {
        "status": f.status,
        "programme": f.programme,
        "severity": f.rank,
        "team": f.care_team_id,
    }
    return render_template(
        "clinic/worklist.html",
        doses_waiting=doses_waiting,
        items=items,
        counts=worklist.total_counts(team_counts),
        team_counts=team_counts,
        teams=teams,
        patients=patients,
        now=clock.now(),
        filters=f,
        programmes=PROGRAMMES,
        severities=SEVERITIES,
        next_page=url_for("clinic.worklist", **shown, after=page.next) if page.next else None,
        first_page=url_for("clinic.worklist", **shown) if after is not None else None,
        words=_words(items),
        # The rows whose alerts the user may acknowledge (telemon.access): only those offer
        # the button and the bulk checkbox.
        may_acknowledge=access.acting_on(
            g.user,
            {i.enrollment_id for i in items if i.kind == "alert"},
            access.ACKNOWLEDGE_ALERT,
        ),
    )


def _words(items: list[worklist.WorkItem]) -> dict[str, str]:
    """The items' own words (severity or urgency, programme, status), each translated once:
    a page of 50 rows repeats a handful of them."""
    found = {word for item in items for word in (item.label, item.programme, item.status)}
    return {word: _(word) for word in found}


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
    done = 0
    for alert_id in id_list(request.form.getlist("alert_id")):
        item = load_alert(g.user, alert_id, "alert.acknowledge")
        if item.severity != "yellow" or item.status != "open":
            continue
        mark_seen(item, g.user)
        service.acknowledge(item, g.user, None)
        done += 1
    db.session.commit()
    flash(_("%(n)s yellow alert(s) acknowledged.", n=done))
    return redirect(local_target(request.form.get("back"), url_for("clinic.worklist")))


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None
