"""Helpers for the forms of every audience."""

from __future__ import annotations


def local_path(target: str | None, default: str) -> str:
    """Only paths on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    return target
