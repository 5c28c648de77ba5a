"""telemon installed the way an operator installs it (`pip install .` into a fresh venv, from
the same package index `make install` uses, with the pinned constraints) speaks Danish: the
package build compiles the translation catalogs (setup.py), which `make install` and the
Dockerfile used to do on the side (issue 21.21)."""

from __future__ import annotations

import shutil
import subprocess
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds and installs the package with its dependencies

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
from telemon.clinical_text.language import gettext
from telemon.app import create_app

print(gettext("alert high", "da"))
app = create_app({"TESTING": True, "SECRET_KEY": "packaging-test"})
page = app.test_client().get("/sign-in", headers={"Accept-Language": "da"})
print(page.status_code, "Log ind" in page.get_data(as_text=True))
"""


def test_pip_install_ships_the_danish_catalogs(tmp_path: Path) -> None:
    source = tmp_path / "telemon-src"
    # The source as an operator gets it: no compiled catalogs, no virtualenv, no caches.
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "instance", "__pycache__", "*.mo", "build", "*.egg-info", ".*cache"
        ),
    )
    assert not list(source.glob("telemon/translations/*/LC_MESSAGES/*.mo"))
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    elsewhere = tmp_path / "elsewhere"  # not the source folder: the installed package is used
    elsewhere.mkdir()
    checked = subprocess.run(
        [str(python), "-c", CHECK],
        cwd=elsewhere,
        env={"PATH": "/usr/bin:/bin", "TELEMON_INSTANCE": str(elsewhere / "instance")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines() == ["alarm høj", "200 True"], checked.stdout
