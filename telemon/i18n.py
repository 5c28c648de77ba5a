"""Languages: Danish by default, English on request; chosen per user (telemon.http.locale).

Words that are data until shown are marked with N_ so that the catalog has them.
"""

from __future__ import annotations

from flask_babel import Babel

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"

babel = Babel()


def N_(message: str) -> str:
    """Marks a word for translation where it is only known at run time (pybabel -k N_)."""
    return message


# Words that reach templates as data, translated there with _(value).
VOCABULARY = (
    N_("red"),
    N_("yellow"),
    N_("blue"),
    N_("open"),
    N_("acknowledged"),
    N_("resolved"),
    N_("copd"),
    N_("anticoagulation"),
    N_("wound"),
    N_("patient"),
    N_("nurse"),
    N_("relative"),
    N_("device"),
    N_("raised"),
    N_("seen"),
    N_("severity_raised"),
    N_("reopened"),
    N_("readings_attached"),
    N_("escalated"),
    N_("pending"),
    N_("confirmed"),
    N_("overridden"),
    N_("accepted"),
    N_("superseded"),
    N_("no change"),
    N_("alert high"),
    N_("warning high"),
    N_("warning low"),
    N_("alert low"),
    N_("SpO2"),
    N_("Pulse"),
    N_("Weight"),
    N_("Temperature"),
    N_("Respiratory rate"),
    N_("Systolic BP"),
    N_("Diastolic BP"),
    N_("Peak flow"),
    N_("CAT score"),
    N_("venous_leg_ulcer"),
    N_("diabetic_foot_ulcer"),
    N_("pressure_ulcer"),
    N_("surgical"),
    N_("other"),
    N_("healed"),
    N_("urgent"),
    N_("routine"),
    N_("answered"),
    N_("closed"),
    N_("epithelial"),
    N_("granulation"),
    N_("slough"),
    N_("necrotic"),
    N_("none"),
    N_("light"),
    N_("moderate"),
    N_("heavy"),
)
