from datetime import date

import pytest

from telemon.patients.cpr import birth_date_from_cpr, normalise_cpr


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("010170-1234", date(1970, 1, 1)),  # 7th digit 1: 1900s
        ("0101704234", date(1970, 1, 1)),  # 4 and yy 70: 1900s
        ("010110-4234", date(2010, 1, 1)),  # 4 and yy <= 36: 2000s
        ("010157-5234", date(2057, 1, 1)),  # 5-8 and yy <= 57: 2000s
        ("010158-5234", date(1858, 1, 1)),  # 5-8 and yy >= 58: 1800s
        ("290200-9234", date(2000, 2, 29)),  # 9 and yy <= 36: 2000s, a leap day
        ("010199-9234", date(1999, 1, 1)),  # 9 and yy >= 37: 1900s
    ],
)
def test_birth_date_follows_the_century_table(cpr: str, born: date) -> None:
    assert birth_date_from_cpr(normalise_cpr(cpr)) == born


def test_modulus_11_is_not_required() -> None:
    # 010170-1235 fails modulus 11 but such numbers are issued since 2007.
    assert normalise_cpr("010170-1235") == "0101701235"


@pytest.mark.parametrize("bad", ["", "123", "01017-01234", "0101701234x", "abcdef-ghij"])
def test_bad_format_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="DDMMYY"):
        normalise_cpr(bad)


@pytest.mark.parametrize("bad", ["310270-1234", "290201-1234", "001070-1234", "011370-1234"])
def test_impossible_dates_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="birth date"):
        normalise_cpr(bad)
