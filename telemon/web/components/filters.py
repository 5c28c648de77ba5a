"""Template filters every page uses: times as clinicians read them, how long something waited,
an alert's reasons in the user's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from telemon import clinical_text, clock
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


@bp.app_template_filter("reasons")
def reasons(stored: list[dict[str, Any]] | None) -> str:
    """An alert's reasons (Alert.reasons) in the user's language, worst first, on one line."""
    return "; ".join(clinical_text.reasons_text(stored, user_language()))


@bp.app_template_filter("reason_lines")
def reason_lines(stored: list[dict[str, Any]] | None) -> list[str]:
    """An alert's reasons in the user's language, worst first, one sentence each."""
    return clinical_text.reasons_text(stored, user_language())


def user_language() -> str:
    """The signed-in user's language (as the page is shown): "da" or "en"."""
    locale = get_locale()
    return clinical_text.language_of(locale.language if locale is not None else None)
