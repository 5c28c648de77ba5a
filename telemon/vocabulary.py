"""The words telemon stores and compares: the severity scale of alerts.

Plain Python, no imports from telemon: the pure rule modules, the models and the services all
take these from here.
"""

from __future__ import annotations

# Most severe first in every list. Blue is a missing measurement or a missed test: something
# expected that did not come, never a reading past a limit.
SEVERITY_RANK: dict[str, int] = {"red": 3, "yellow": 2, "blue": 1}


def worse(a: str, b: str) -> str:
    """The more severe of two severities: red > yellow > blue. Equal severities return `a`.

    Raises KeyError for a severity that is not in SEVERITY_RANK.
    """
    return a if SEVERITY_RANK[a] >= SEVERITY_RANK[b] else b
