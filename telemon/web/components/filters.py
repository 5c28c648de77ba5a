"""Template filters every page uses: times as clinicians read them, how long something waited,
an alert's reasons in the page's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from telemon import clinical_text as ct
from telemon import clock
from telemon.identity.names import person_name
from telemon.web.components import bp
from telemon.web.components.clinical import language


@bp.app_template_filter("local")
def local_time(moment: datetime | None) -> str:
    """A time as clinicians read it, in Europe/Copenhagen and the page's language:
    "12.03.2026 14.30" on a Danish page."""
    return "" if moment is None else ct.datetime_text(moment, language())


@bp.app_template_filter("waited")
def waited(moment: datetime) -> str:
    minutes = int((clock.now() - moment).total_seconds() // 60)
    if minutes < 60:
        return _("%(minutes)s min", minutes=minutes)
    if minutes < 48 * 60:
        return _("%(hours)s h %(minutes)s min", hours=minutes // 60, minutes=minutes % 60)
    return _("%(days)s d", days=minutes // (24 * 60))


@bp.app_template_filter("person")
def person(user: Any) -> str:
    """Who wrote or did something, as telemon names people everywhere ("Name, title"; the
    user name when no name is kept, as for a patient's login)."""
    return person_name(user.username, user.full_name, user.title)


@bp.app_template_filter("reasons")
def reasons(stored: list[dict[str, Any]] | None) -> str:
    """An alert's reasons (Alert.reasons) in the page's language, worst first, on one line."""
    return "; ".join(ct.reasons_text(stored, language()))


@bp.app_template_filter("reason_lines")
def reason_lines(stored: list[dict[str, Any]] | None) -> list[str]:
    """An alert's reasons in the page's language, worst first, one sentence each."""
    return ct.reasons_text(stored, language())
