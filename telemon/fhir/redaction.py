"""Keeping CPR numbers out of logs that write URLs."""

from __future__ import annotations

import logging
import re


class RedactIdentifiers(logging.Filter):
    """Access logs write request lines, and a Patient search by identifier carries a CPR number
    (GET /fhir/Patient?identifier=…, as the contract has it): the value is masked before the
    line is written. (POST /fhir/Patient/_search keeps it out of the URL altogether.)"""

    _IDENTIFIER = re.compile(r"(identifier(?:=|%3D))[^&\s\"]*", re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self._IDENTIFIER.sub(r"\1[redacted]", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                self._IDENTIFIER.sub(r"\1[redacted]", a) if isinstance(a, str) else a
                for a in record.args
            )
        return True
