"""Template filters every page uses: times as clinicians read them, how long something waited."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from telemon import clock
from telemon.web.components import bp


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


@bp.app_template_filter("reading")
def reading(code: str, value: float, qualifier: str | None = None) -> str:
    """A reading named and valued in the reader's language: "SpO2 85 %", "INR 4,2"."""
    from flask_babel import get_locale

    from telemon import clinical_text

    language = clinical_text.language_of(str(get_locale()))
    return clinical_text.value_text(code, value, language, qualifier)
