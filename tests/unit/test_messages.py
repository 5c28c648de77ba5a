"""Every mail's text in Danish (the default) and English: whole, and holding only the link."""

from __future__ import annotations

from datetime import date

import pytest

from telemon.notify import messages

URL = "https://telemon.test/alerts/7"


def every_message(language: str) -> list[messages.Message]:
    return [
        messages.alert_raised("red", URL, language),
        messages.alert_escalated("red", 30, URL, language),
        messages.daily_digest(date(2026, 3, 12), {"yellow": 2, "blue": 1}, URL, language),
        messages.review_requested("urgent", "12.03.2026 14.00", URL, language),
        messages.review_answered(URL, language),
        messages.review_overdue("routine", "12.03.2026 14.00", URL, language),
    ]


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_mail_is_whole_and_links_once(language: str) -> None:
    for message in every_message(language):
        assert message.subject.startswith("[telemon] ")
        assert "%(" not in message.subject + message.body
        assert message.body.count(URL) == 1
        assert message.body.endswith("-- telemon\n")


def test_danish_unless_the_team_says_english() -> None:
    assert messages.alert_raised("red", URL) == messages.alert_raised("red", URL, "da")
    danish = messages.daily_digest(date(2026, 3, 12), {"yellow": 2, "blue": 1}, URL)
    assert danish.subject == "[telemon] Daglig oversigt 12.03.2026: 3 åbne sager"
    assert "  Gul: 2\n  Blå (manglende måling): 1" in danish.body
    english = messages.daily_digest(date(2026, 3, 12), {"yellow": 1, "blue": 0}, URL, "en")
    assert english.subject == "[telemon] Daily summary 12/03/2026: 1 open item"
    assert messages.alert_escalated("red", 30, URL, "en").subject == (
        "[telemon] ESCALATED: Red (urgent) alert unacknowledged for 30 minutes"
    )
    assert "Sørg for, at nogen tager den nu." in messages.alert_escalated("red", 30, URL).body
