from __future__ import annotations

import pytest

from telemon.web.safe_redirect import local_target

DEFAULT = "/"


@pytest.mark.parametrize(
    "target",
    [
        "/alerts/3",
        "/patients/7?tab=inr#dose",
        "/?after=eyJ4Ijo1fQ",
        "/søg",  # non-ASCII paths are paths
    ],
)
def test_paths_on_this_site_are_kept(target: str) -> None:
    assert local_target(target, DEFAULT) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.example",
        "/\t/evil.example",  # browsers drop the tab: //evil.example
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/alerts/1\nSet-Cookie: x=1",
        "/alerts\x00",
        "/alerts\x7f",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "alerts/1",
        " /alerts/1",
    ],
)
def test_anything_else_goes_to_the_default(target: str | None) -> None:
    assert local_target(target, DEFAULT) == DEFAULT
