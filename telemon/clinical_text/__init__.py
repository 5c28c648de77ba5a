"""Clinical text, rendered when it is shown: the one place telemon writes clinical sentences.

telemon stores what it found as data (a reason code and its parameters, an alert event's kind
and parameters, a dose suggestion's numbers) and writes the words when they are read: in the
web UI in the user's language, in the API in the caller's, in mail in the care team's. Nothing
here needs Flask or a database; pass the language ("da" or "en"; anything else reads Danish).

    from telemon import clinical_text as ct

    ct.reason_text("threshold.below_alert_limit", {"code": "spo2", "value": 85, "limit": 90}, "da")
        -> "SpO2 85 % er under alarmgrænsen 90 %"
    ct.reasons_text(alert.reasons, "en") -> every reason of an alert, worst first
    ct.measurement_name("systolic_bp", "da") -> "Systolisk blodtryk"
    ct.amount_text("temperature", 37.5, "da") -> "37,5 °C";  ct.unit_text("inr") -> ""
    ct.number(4.25, "da") -> "4,25";  ct.percent(45, "da") -> "45 %"
    ct.datetime_text(moment, "da") -> "12.03.2026 14.30" (Copenhagen time)
    ct.dose_action(-10, 1, False, "en") -> "hold one dose, then reduce 10%"
    ct.instruction_text("pause.closed", {...}, "da") -> the patient's instruction, in sentences
    ct.event_text("acknowledged", "da", who="dr-hansen") -> "kvitteret af dr-hansen"
    ct.gettext("Review queue", "da"), ct.ngettext("%(num)s day", "%(num)s days", 3, "da")

Messages are in telemon's catalog (telemon/translations; the Danish catalog da/.../messages.po
is the source of the Danish text): a message written here must get its Danish there, which a
test checks. Numbers use Babel's decimal comma, dates Babel's Danish formats, plurals the catalog's
plural forms.
"""

from telemon.clinical_text.dosing import decider_text, dose_action, dose_note, weekly_dose_text
from telemon.clinical_text.events import event_text, severity_word
from telemon.clinical_text.instructions import (
    DEFAULT_OUT_OF_HOURS,
    held_days_text,
    instruction_text,
    out_of_hours_text,
)
from telemon.clinical_text.language import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    date_text,
    datetime_text,
    day_month,
    gettext,
    language_of,
    list_text,
    ngettext,
    number,
    percent,
    weekday_text,
    weekday_time_text,
)
from telemon.clinical_text.limits import (
    implausible_limit_text,
    limit_name,
    limits_out_of_order_text,
    not_a_number_text,
)
from telemon.clinical_text.measurements import (
    amount_text,
    measurement_name,
    unit_text,
    value_text,
)
from telemon.clinical_text.reasons import (
    REASON_CODES,
    days_text,
    reason_text,
    reasons_text,
    signs_text,
    wound_type_text,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "DEFAULT_OUT_OF_HOURS",
    "LANGUAGES",
    "N_",
    "REASON_CODES",
    "amount_text",
    "date_text",
    "datetime_text",
    "day_month",
    "days_text",
    "decider_text",
    "dose_action",
    "dose_note",
    "event_text",
    "gettext",
    "held_days_text",
    "implausible_limit_text",
    "instruction_text",
    "language_of",
    "limit_name",
    "limits_out_of_order_text",
    "list_text",
    "measurement_name",
    "ngettext",
    "not_a_number_text",
    "out_of_hours_text",
    "number",
    "percent",
    "reason_text",
    "reasons_text",
    "severity_word",
    "signs_text",
    "unit_text",
    "value_text",
    "weekday_text",
    "weekday_time_text",
    "weekly_dose_text",
    "wound_type_text",
]
