"""Template filters every page uses: times as clinicians read them, how long something waited."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from telemon import clinical_text as ct
from telemon import clock
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
