"""Helpers for the forms of every audience."""

from __future__ import annotations


# Where next=/back= may lead: telemon.web.safe_redirect.local_target, the one rule.
