"""A patient's limits in words: their names, and what is wrong with a limit someone typed."""

from __future__ import annotations

from telemon.clinical_text.language import N_, gettext
from telemon.clinical_text.measurements import amount_text
from telemon.ingest.codes import CODES

LIMIT_NAMES = {
    "alert_high": N_("alert high"),
    "warning_high": N_("warning high"),
    "warning_low": N_("warning low"),
    "alert_low": N_("alert low"),
}


def limit_name(field: str, language: str) -> str:
    """ "warning_low" -> "advarsel lav" (da)."""
    return gettext(LIMIT_NAMES.get(field, field), language)


def limits_out_of_order_text(
    code: str, upper: str, upper_value: float, lower: str, lower_value: float, language: str
) -> str:
    """Two limits in the wrong order (telemon.copd.rules.limit_order_problems), e.g.
    "advarsel lav (88 %) skal være over alarm lav (90 %)."."""
    return gettext(
        "%(upper)s (%(upper_value)s) must be above %(lower)s (%(lower_value)s).",
        language,
        {
            "upper": limit_name(upper, language),
            "upper_value": amount_text(code, upper_value, language),
            "lower": limit_name(lower, language),
            "lower_value": amount_text(code, lower_value, language),
        },
    )


def not_a_number_text(field: str, language: str) -> str:
    """A limit that is not a number, e.g. "abc": "alarm lav: ikke et tal"."""
    return gettext("%(limit)s: not a number", language, {"limit": limit_name(field, language)})


def implausible_limit_text(field: str, language: str, code: str | None = None) -> str:
    """A limit no reading of the measurement can reach (SpO2 -5, 10^40): "alarm lav: skal
    ligge mellem 50 % og 100 %"; without a known code: "alarm lav: ikke en mulig værdi"."""
    if code is None:
        return gettext(
            "%(limit)s: not a possible value", language, {"limit": limit_name(field, language)}
        )
    spec = CODES[code]
    return gettext(
        "%(limit)s: must lie between %(low)s and %(high)s",
        language,
        {
            "limit": limit_name(field, language),
            "low": amount_text(code, spec.plausible_min, language),
            "high": amount_text(code, spec.plausible_max, language),
        },
    )
