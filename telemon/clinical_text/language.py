"""The reader's language: translations from telemon's catalog, numbers and dates as they write.

Plain Babel, no Flask: the web UI, the API, mail and workers all call this with the language
they serve ("da" or "en"). Danish is the default, English the other; both read dates in
Europe/Copenhagen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# How each language writes numbers and dates: Danish as in Denmark (decimal comma, 12.03.2026),
# English as in Britain (12/03/2026, a 24-hour clock) rather than as in the US.
_LOCALES = {"da": "da_DK", "en": "en_GB"}
_CATALOGS = Path(__file__).resolve().parent.parent / "translations"

Params = Mapping[str, object]


def N_(message: str) -> str:
    """Marks a message for the catalog where it is translated later (pybabel -k N_)."""
    return message


def language_of(language: str | None) -> str:
    """A language telemon writes: the one asked for if it is one of LANGUAGES, else Danish."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def locale_of(language: str) -> str:
    """The Babel locale for one of LANGUAGES ("da" -> "da_DK")."""
    return _LOCALES[language_of(language)]


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    """The catalog of `language` (compiled messages.mo); English is the messages themselves."""
    language = language_of(language)
    if language == "en":
        return NullTranslations()
    return Translations.load(str(_CATALOGS), [language], domain="messages")


def gettext(message: str, language: str, params: Params | None = None) -> str:
    """`message` in `language`, its %(name)s placeholders filled from `params`.

    Without params the text is returned as it is: a "%" in it is not a placeholder. (The
    message comes first so that pybabel finds literal messages in calls of this function.)"""
    text = translations(language).gettext(message)
    return text % dict(params) if params else text


def ngettext(
    singular: str, plural: str, n: int | float, language: str, params: Params | None = None
) -> str:
    """The plural form for `n` in `language` (Danish and English: one, other). `num` in the
    text is `n` written as the language writes numbers; `params` may add others."""
    text = translations(language).ngettext(singular, plural, _plural_count(n))
    return text % {"num": number(n, language), **(params or {})}


def _plural_count(n: int | float) -> int:
    # The catalogs' plural rules take whole numbers; 1.5 days is "days", as 2 is.
    return int(n) if float(n).is_integer() else 2


def number(value: float, language: str, decimals: int | None = None) -> str:
    """A number as the language writes it: 4.2 -> "4,2" in Danish; trailing zeros dropped
    (35.0 -> "35") unless `decimals` fixes them (2.0 with decimals=1 -> "2,0"). Up to three
    decimals are kept when not fixed."""
    if not math.isfinite(value) or abs(value) >= 1e15:
        # Beyond what Babel's decimal patterns round (no measurement is); written as Python
        # writes it, with the language's decimal sign.
        return f"{value:g}".replace(".", "," if language_of(language) == "da" else ".")
    if decimals is None:
        pattern = "#,##0.###"
    else:
        pattern = "#,##0." + "0" * decimals if decimals > 0 else "#,##0"
    return format_decimal(value, format=pattern, locale=locale_of(language))


def percent(value: float, language: str, decimals: int = 0) -> str:
    """A percentage given in percent (45.0 -> "45 %" in Danish, "45%" in English)."""
    locale = locale_of(language)
    # The locale's own pattern ("#,##0 %" in Danish), with the decimals asked for.
    pattern = Locale.parse(locale).percent_formats[None].pattern
    if decimals:
        pattern = pattern.replace("0", "0." + "0" * decimals, 1)
    return format_percent(value / 100, format=pattern, locale=locale)


def date_text(day: date, language: str) -> str:
    """A date as the language writes it: 12.03.2026 (da), 12/03/2026 (en)."""
    return format_date(day, "short", locale=locale_of(language))


def datetime_text(moment: datetime, language: str) -> str:
    """A time, shown in Copenhagen: 12.03.2026 14.30 (da), 12/03/2026, 14:30 (en)."""
    return format_datetime(moment, "short", tzinfo=COPENHAGEN, locale=locale_of(language))


def day_month(moment: datetime | date, language: str) -> str:
    """A short day and month for chart axes: 12.3 (da), 12/03 (en); times in Copenhagen."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(COPENHAGEN)
    return format_skeleton("Md", moment, locale=locale_of(language))


def list_text(items: Sequence[str], language: str) -> str:
    """Words joined as the language lists them: "SpO2 og Puls"."""
    return format_list(list(items), locale=locale_of(language)) if items else ""


# A day named with its weekday, and a moment with weekday and clock time, as each language says
# them in a sentence (the month in words: a sentence may end after it, and "20.11." would end
# it twice): "fredag den 20. november" / "Friday 20 November"; "mandag den 23. november kl.
# 08.00" / "Monday 23 November at 08:00".
_DAY_PATTERNS = {"da": "EEEE 'den' d. MMMM", "en": "EEEE d MMMM"}
_MOMENT_PATTERNS = {"da": "EEEE 'den' d. MMMM 'kl.' HH.mm", "en": "EEEE d MMMM 'at' HH:mm"}


def weekday_text(day: date, language: str) -> str:
    """A date with its weekday: "fredag den 20. november" (da), "Friday 20 November" (en)."""
    language = language_of(language)
    return format_date(day, _DAY_PATTERNS[language], locale=locale_of(language))


def weekday_time_text(moment: datetime, language: str) -> str:
    """A moment in Copenhagen with its weekday and clock time: "mandag den 23. november kl.
    08.00" (da), "Monday 23 November at 08:00" (en)."""
    language = language_of(language)
    return format_datetime(
        moment, _MOMENT_PATTERNS[language], tzinfo=COPENHAGEN, locale=locale_of(language)
    )
