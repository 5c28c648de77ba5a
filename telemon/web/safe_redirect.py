"""Where a `next=` or `back=` parameter may send the browser: only to a path on this site.

Plain Python, no Flask: every redirect to a target the request names goes through
`local_target`, so an open redirect cannot creep back in through one call site.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def local_target(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`.

    A path on this site starts with one "/" and has no scheme or host. Refused: "//host" and
    "/\\host" (browsers read both as another host), any backslash, and any control character
    (tab, newline, NUL...): browsers drop tabs and newlines from URLs, so "/\\t/evil.example"
    becomes "//evil.example", and a newline cannot go into a Location header at all.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
