"""Danish CPR numbers: format and birth date only.

The modulus-11 check is deliberately not applied: CPR numbers issued since 2007 need not pass it.
"""

from __future__ import annotations

import re
from datetime import date

_CPR = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


def normalise_cpr(text: str) -> str:
    """The ten digits of a CPR number given as DDMMYY-SSSS or DDMMYYSSSS.

    Raises ValueError when the format is wrong or the date does not exist.
    """
    match = _CPR.match(text.strip())
    if not match:
        raise ValueError("A CPR number is DDMMYY-SSSS (ten digits).")
    birth_date_from_cpr(match.group(1) + match.group(2) + match.group(3) + match.group(4))
    return "".join(match.groups())


def birth_date_from_cpr(digits: str) -> date:
    """The birth date encoded in a ten-digit CPR number.

    The century follows from the seventh digit and the year (the CPR office's table):
    0-3 → 1900s; 4 and 9 → 2000s for years 00-36, else 1900s; 5-8 → 2000s for 00-57, else 1800s.
    Raises ValueError for a date that does not exist (e.g. 310224-…).
    """
    day, month, yy, seventh = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:
        century = 2000 if yy <= 57 else 1800
    try:
        return date(century + yy, month, day)
    except ValueError:
        raise ValueError("The CPR number does not hold a real birth date.") from None
