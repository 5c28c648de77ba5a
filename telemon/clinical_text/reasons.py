"""Why an alert was raised, as a sentence in the reader's language.

An alert stores each reason as a code and its parameters (plain JSON: numbers, codes, dates as
ISO text), never as a sentence; reason_text() writes the sentence when it is shown. The codes
and their parameters (values in the measurement's unit):

    threshold.above_alert_limit     code, value, limit   (also above_warning_limit,
    threshold.below_alert_limit     code, value, limit    below_warning_limit)
    spo2.drop_from_baseline         code, value, drop, median, days
    weight.gain                     code, value, gain, days
    cat_score.rise                  code, value, rise, median
    inr.above_target_range          value, qualifier ("<", ">" or None), target_low, target_high
    inr.below_target_range          (the same)
    inr.poor_control                ttr_percent, window_days, limit_percent
    inr.missed_test                 due_on (ISO date)
    missing_measurement             codes (list), day (ISO date)
    wound.infection                 body_site, signs (list of INFECTION_SIGNS)
    wound.not_healing               body_site, wound_type, reduction_percent, days,
                                    expected_percent, after_days
    questionnaire.answer            question (as its author wrote it), question_translations
                                    (language → text), answer (true/false or an option's
                                    code), answer_display, answer_translations, skipped
                                    (a measurement left out); a response's readings give
                                    their own reasons (threshold.…)
    missing_questionnaire           title (the questionnaire's), day (ISO date)
    text                            text: a sentence kept as it was written (alerts from
                                    before reasons were data, where it could not be read back)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from telemon.clinical_text.language import (
    N_,
    date_text,
    gettext,
    list_text,
    ngettext,
    number,
    percent,
)
from telemon.clinical_text.measurements import amount_text, measurement_name

Params = Mapping[str, Any]

# Signs of infection a nurse reports (telemon.woundcare.schemas.INFECTION_SIGNS), in words.
INFECTION_SIGNS = {
    "erythema": N_("erythema"),
    "warmth": N_("warmth"),
    "swelling": N_("swelling"),
    "increasing_pain": N_("increasing pain"),
    "purulent_exudate": N_("purulent exudate"),
    "malodour": N_("malodour"),
    "wound_breakdown": N_("wound breakdown"),
    "fever": N_("fever"),
}
WOUND_TYPES = {
    "venous_leg_ulcer": N_("venous leg ulcer"),
    "diabetic_foot_ulcer": N_("diabetic foot ulcer"),
    "pressure_ulcer": N_("pressure ulcer"),
    "surgical": N_("surgical wound"),
    "other": N_("wound"),
}

_LIMITS = {
    "threshold.above_alert_limit": N_(
        "%(measurement)s %(value)s is above the alert limit %(limit)s"
    ),
    "threshold.above_warning_limit": N_(
        "%(measurement)s %(value)s is above the warning limit %(limit)s"
    ),
    "threshold.below_warning_limit": N_(
        "%(measurement)s %(value)s is below the warning limit %(limit)s"
    ),
    "threshold.below_alert_limit": N_(
        "%(measurement)s %(value)s is below the alert limit %(limit)s"
    ),
}


def _limit(code: str) -> Callable[[Params, str], str]:
    def render(p: Params, lang: str) -> str:
        return gettext(
            _LIMITS[code],
            lang,
            {
                "measurement": measurement_name(p["code"], lang),
                "value": amount_text(p["code"], p["value"], lang),
                "limit": amount_text(p["code"], p["limit"], lang),
            },
        )

    return render


def last_days(days: int | float, lang: str) -> str:
    """ "the last 14 days" / "de seneste 14 dage"."""
    return ngettext("the last day", "the last %(num)s days", days, lang)


def days_text(days: int | float, lang: str) -> str:
    """ "3 days" / "3 dage"."""
    return ngettext("%(num)s day", "%(num)s days", days, lang)


def _spo2_drop(p: Params, lang: str) -> str:
    drop = ngettext("%(num)s percentage point", "%(num)s percentage points", p["drop"], lang)
    return gettext(
        "%(measurement)s %(value)s is %(drop)s below the patient's median of %(period)s "
        "(%(median)s)",
        lang,
        {
            "measurement": measurement_name(p["code"], lang),
            "value": amount_text(p["code"], p["value"], lang),
            "drop": drop,
            "period": last_days(p["days"], lang),
            "median": amount_text(p["code"], p["median"], lang),
        },
    )


def _weight_gain(p: Params, lang: str) -> str:
    return gettext(
        "%(measurement)s %(value)s is up %(gain)s within %(period)s",
        lang,
        {
            "measurement": measurement_name(p["code"], lang),
            "value": amount_text(p["code"], p["value"], lang),
            "gain": amount_text(p["code"], p["gain"], lang),
            "period": days_text(p["days"], lang),
        },
    )


def _cat_rise(p: Params, lang: str) -> str:
    return gettext(
        "%(measurement)s %(value)s is %(rise)s above the patient's baseline %(median)s",
        lang,
        {
            "measurement": measurement_name(p["code"], lang),
            "value": amount_text(p["code"], p["value"], lang),
            "rise": ngettext("%(num)s point", "%(num)s points", p["rise"], lang),
            "median": amount_text(p["code"], p["median"], lang),
        },
    )


def _inr_range(message: str) -> Callable[[Params, str], str]:
    def render(p: Params, lang: str) -> str:
        return gettext(
            message,
            lang,
            {
                "value": amount_text("inr", p["value"], lang, p.get("qualifier")),
                "low": number(p["target_low"], lang, 1),
                "high": number(p["target_high"], lang, 1),
            },
        )

    return render


def _poor_control(p: Params, lang: str) -> str:
    return gettext(
        "Time in therapeutic range %(ttr)s over %(period)s is below %(limit)s",
        lang,
        {
            "ttr": percent(p["ttr_percent"], lang),
            "period": last_days(p["window_days"], lang),
            "limit": percent(p["limit_percent"], lang),
        },
    )


def _missed_test(p: Params, lang: str) -> str:
    return gettext(
        "No INR received by the planned test date %(date)s",
        lang,
        {"date": date_text(date.fromisoformat(p["due_on"]), lang)},
    )


def _missing(p: Params, lang: str) -> str:
    names = [measurement_name(code, lang) for code in p["codes"]]
    return gettext(
        "No measurement of %(measurements)s received for %(date)s",
        lang,
        {
            "measurements": list_text(names, lang),
            "date": date_text(date.fromisoformat(p["day"]), lang),
        },
    )


def signs_text(signs: Sequence[str], lang: str) -> str:
    """Signs of infection in words, listed: "rødme, varme og feber"."""
    words = [gettext(INFECTION_SIGNS[s], lang) if s in INFECTION_SIGNS else s for s in signs]
    return list_text(words, lang)


def wound_type_text(wound_type: str, lang: str) -> str:
    return gettext(WOUND_TYPES.get(wound_type, N_("wound")), lang)


def _infection(p: Params, lang: str) -> str:
    return gettext(
        "Signs of infection reported (%(site)s): %(signs)s",
        lang,
        {"site": p["body_site"], "signs": signs_text(p["signs"], lang)},
    )


def _not_healing(p: Params, lang: str) -> str:
    return gettext(
        "Not healing as expected (%(site)s): the area is %(reduction)s smaller after "
        "%(period)s; a %(wound_type)s is expected to be at least %(expected)s smaller after "
        "%(after)s",
        lang,
        {
            "site": p["body_site"],
            "reduction": percent(p["reduction_percent"], lang, 1),
            "period": days_text(p["days"], lang),
            "wound_type": wound_type_text(p["wound_type"], lang),
            "expected": percent(p["expected_percent"], lang),
            "after": days_text(p["after_days"], lang),
        },
    )


def _answer(p: Params, lang: str) -> str:
    """An answer its questionnaire's author marked: the question as the author wrote it (in the
    reader's language when the author gave one), then the answer."""
    question = (p.get("question_translations") or {}).get(lang) or p["question"]
    if p.get("skipped"):
        return gettext(N_("%(question)s – not measured"), lang, {"question": question})
    answer = p.get("answer")
    if isinstance(answer, bool):
        shown = gettext(N_("yes"), lang) if answer else gettext(N_("no"), lang)
    else:
        translated = (p.get("answer_translations") or {}).get(lang)
        shown = str(translated or p.get("answer_display") or answer)
    return gettext(N_("%(question)s – %(answer)s"), lang, {"question": question, "answer": shown})


_RENDERERS: dict[str, Callable[[Params, str], str]] = {
    **{code: _limit(code) for code in _LIMITS},
    "spo2.drop_from_baseline": _spo2_drop,
    "weight.gain": _weight_gain,
    "cat_score.rise": _cat_rise,
    "inr.above_target_range": _inr_range(
        N_("INR %(value)s is above the target range %(low)s–%(high)s")
    ),
    "inr.below_target_range": _inr_range(
        N_("INR %(value)s is below the target range %(low)s–%(high)s")
    ),
    "inr.poor_control": _poor_control,
    "inr.missed_test": _missed_test,
    "missing_measurement": _missing,
    "wound.infection": _infection,
    "wound.not_healing": _not_healing,
    "questionnaire.answer": _answer,
    "missing_questionnaire": lambda p, lang: gettext(
        N_("%(title)s not answered since %(day)s"),
        lang,
        {"title": p["title"], "day": date_text(date.fromisoformat(p["day"]), lang)},
    ),
    "text": lambda p, lang: str(p["text"]),
}
REASON_CODES = tuple(_RENDERERS)


def reason_text(code: str, params: Params, language: str) -> str:
    """The sentence for one reason in `language`, e.g. ("threshold.below_alert_limit",
    {"code": "spo2", "value": 85, "limit": 90}, "da") -> "SpO2 85 % er under alarmgrænsen 90 %".

    Raises KeyError for a code not in REASON_CODES or a parameter missing."""
    return _RENDERERS[code](params, language)


def reasons_text(reasons: Sequence[Mapping[str, Any]] | None, language: str) -> list[str]:
    """An alert's stored reasons ([{"code", "params", ...}], worst first) as sentences in
    `language`. A reason this version cannot write (a code it does not know, a parameter
    missing) is shown by its text or code rather than failing the page or the mail."""
    sentences = []
    for r in reasons or ():
        try:
            sentences.append(reason_text(r["code"], r["params"], language))
        except (KeyError, TypeError, ValueError):
            params = r.get("params") or {}
            sentences.append(str(params.get("text") or r.get("code", "")))
    return sentences
