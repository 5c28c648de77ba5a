"""Server-rendered pages. Each handler: load or 404, check access, change, record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from telemon import audit, clock, paging
from telemon import queue as work_queue
from telemon.alerts import service
from telemon.alerts.api import load_alert, mark_seen
from telemon.auth import authenticate, web_user
from telemon.errors import Forbidden
from telemon.extensions import db, limiter
from telemon.i18n import LANGUAGES
from telemon.models import PROGRAMMES, SEVERITIES, CareTeam, Patient, User
from telemon.web.safe_redirect import local_target

bp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/web",
)

STAFF_ROLES = ("clinician", "nurse", "gp")
QUEUE_PAGE_SIZE = 50  # rows on one page of the review queue


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = web_user()
        if user is None:
            return redirect(url_for("web.sign_in", next=request.path))
        if user.role not in STAFF_ROLES:
            raise Forbidden("The web UI is for care staff; use the app or the API.")
        g.user = user
        return view(*args, **kwargs)

    return wrapper


def _login_limit() -> str:
    return str(current_app.config["TELEMON_LOGIN_LIMIT"])


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda r: r.status_code == 401)
def sign_in() -> Any:
    if request.method == "GET":
        return render_template("web/sign_in.html")
    user = authenticate(request.form.get("username", ""), request.form.get("password", ""))
    if user is None:
        return render_template("web/sign_in.html", error=_("Wrong username or password.")), 401
    language = session.get("language")
    session.clear()
    session["user_id"] = user.id
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME without a request
    if language:
        session["language"] = language
    return redirect(local_target(request.args.get("next"), url_for("web.queue")))


@bp.route("/language", methods=["POST"])
def language() -> Response:
    """Switch the UI language; remembered on the user when signed in."""
    chosen = request.form.get("language")
    if chosen in LANGUAGES:
        session["language"] = chosen
        user = web_user()
        if user is not None:
            user.language = chosen
            db.session.commit()
    return redirect(local_target(request.form.get("back"), url_for("web.queue")))


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    session.clear()
    return redirect(url_for("web.sign_in"))


@bp.route("/")
@signed_in
def queue() -> Any:
    # Alerts and wound review requests, on one scale (telemon.queue).
    f = work_queue.QueueFilter(
        # Open (not yet taken) by default; "acknowledged" shows what is taken but not resolved.
        status=_choice(request.args.get("status"), ("open", "acknowledged")) or "open",
        programme=_choice(request.args.get("programme"), PROGRAMMES),
        rank=_choice(request.args.get("severity"), SEVERITIES),
        care_team_id=request.args.get("team", type=int),
    )
    after = _queue_cursor(request.args.get("after"))
    page = work_queue.work_page(g.user, f, QUEUE_PAGE_SIZE, after)
    items = page.items
    team_counts = work_queue.counts_by_team(g.user, work_queue.QueueFilter(status="open"))
    audit.record_many(g.user, work_queue.patient_ids(items), "queue.read", "queue")
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
    db.session.commit()
    # The paging links keep the filters, under the form's names (url_for leaves out None).
    shown: dict[str, Any] = {
        "status": f.status,
        "programme": f.programme,
        "severity": f.rank,
        "team": f.care_team_id,
    }
    return render_template(
        "web/queue.html",
        items=items,
        counts=work_queue.total_counts(team_counts),
        team_counts=team_counts,
        teams=teams,
        patients=patients,
        now=clock.now(),
        filters=f,
        programmes=PROGRAMMES,
        severities=SEVERITIES,
        next_page=url_for("web.queue", **shown, after=page.next) if page.next else None,
        first_page=url_for("web.queue", **shown) if after is not None else None,
        words=_words(items),
    )


def _words(items: list[work_queue.QueueItem]) -> dict[str, str]:
    """The items' own words (severity or urgency, programme, status), each translated once:
    a page of 50 rows repeats a handful of them."""
    found = {word for item in items for word in (item.label, item.programme, item.status)}
    return {word: _(word) for word in found}


def _queue_cursor(raw: str | None) -> paging.Key | None:
    """The key to read the queue after. A stale or mangled link shows the first page: a nurse
    is better served by the queue than by an error page."""
    if not raw:
        return None
    try:
        return paging.decode(raw, work_queue.CURSOR_SHAPE)
    except ValueError:
        return None


@bp.route("/alerts/acknowledge", methods=["POST"])
@signed_in
def acknowledge_many() -> Response:
    """Bulk acknowledgement of yellow alerts the clinician has looked at; red and blue are
    acknowledged one by one, on purpose."""
    done = 0
    for raw in request.form.getlist("alert_id"):
        if not raw.isdigit():
            continue
        item = load_alert(g.user, int(raw), "alert.acknowledge")
        if item.severity != "yellow" or item.status != "open":
            continue
        mark_seen(item, g.user)
        service.acknowledge(item, g.user, None)
        done += 1
    db.session.commit()
    flash(_("%(n)s yellow alert(s) acknowledged.", n=done))
    return redirect(local_target(request.form.get("back"), url_for("web.queue")))


@bp.app_template_filter("local")
def local_time(moment: datetime | None) -> str:
    """A time as clinicians read it: Europe/Copenhagen."""
    return "" if moment is None else clock.local(moment).strftime("%d-%m-%Y %H:%M")


@bp.app_template_filter("waited")
def waited(moment: datetime) -> str:
    minutes = int((clock.now() - moment).total_seconds() // 60)
    if minutes < 60:
        return _("%(minutes)s min", minutes=minutes)
    if minutes < 48 * 60:
        return _("%(hours)s h %(minutes)s min", hours=minutes // 60, minutes=minutes % 60)
    return _("%(days)s d", days=minutes // (24 * 60))


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


@bp.route("/alerts/<int:alert_id>")
@signed_in
def alert(alert_id: int) -> Any:
    item = load_alert(g.user, alert_id, "alert.read")
    mark_seen(item, g.user)
    patient = db.session.get(Patient, item.patient_id)
    db.session.commit()
    return render_template("web/alert.html", alert=item, patient=patient, now=clock.now())


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@signed_in
def acknowledge(alert_id: int) -> Response:
    item = load_alert(g.user, alert_id, "alert.acknowledge")
    mark_seen(item, g.user)
    service.acknowledge(item, g.user, request.form.get("note") or None)
    db.session.commit()
    flash(_("Alert acknowledged."))
    return redirect(local_target(request.form.get("back"), url_for("web.queue")))


@bp.route("/alerts/<int:alert_id>/resolve", methods=["POST"])
@signed_in
def resolve(alert_id: int) -> Any:
    item = load_alert(g.user, alert_id, "alert.resolve")
    note = (request.form.get("note") or "").strip()
    if not note:
        flash(_("Write a note before resolving."))
        return redirect(url_for("web.alert", alert_id=alert_id))
    service.resolve(item, g.user, note, request.form.get("visible_to_patient") == "on")
    db.session.commit()
    flash(_("Alert resolved."))
    return redirect(url_for("web.queue"))
