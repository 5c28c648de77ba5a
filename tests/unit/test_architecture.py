"""The house rules of the code's shape, held by reading the source (ast), not by running it.

- One owner per transaction: a use case (telemon.transactions) commits; nothing else does. The
  few writes that keep a transaction of their own on purpose are listed in OWN_TRANSACTIONS,
  each with its reason.
- Web views read through query modules and act through use cases: no SQL (sqlalchemy, the
  session) in telemon/web.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "telemon"

# Modules that end transactions themselves, and why.
OWN_TRANSACTIONS = {
    # The one commit of a use case, and the commit that hands work over after it.
    "telemon/transactions.py",
    "telemon/background/work.py",
    # Refusals and failed writes are recorded apart from the refused request, which will not
    # commit.
    "telemon/audit.py",
    # The web session store: a session is opened, touched and closed around the request, not
    # inside its use case.
    "telemon/http/sessions.py",
}


def _sources(*roots: Path) -> list[Path]:
    return sorted(p for root in roots for p in root.rglob("*.py") if "migrations" not in p.parts)


def _calls_named(tree: ast.AST, name: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
    ]


def test_only_use_cases_commit() -> None:
    found = []
    for path in _sources(PACKAGE, ROOT / "workers"):
        relative = path.relative_to(ROOT).as_posix()
        if relative in OWN_TRANSACTIONS:
            continue
        for line in _calls_named(ast.parse(path.read_text()), "commit"):
            found.append(f"{relative}:{line}")
    assert found == [], (
        "commit() outside telemon.transactions: make the function a @use_case (or a "
        "`with transaction():` block in a job that works item by item) instead: " + repr(found)
    )


def _imported_modules(tree: ast.AST) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_web_views_run_no_sql() -> None:
    """Pages read through query modules and act through use cases (telemon's services)."""
    found = []
    for path in _sources(PACKAGE / "web"):
        modules = _imported_modules(ast.parse(path.read_text()))
        sql = sorted(
            m for m in modules if m.split(".")[0] == "sqlalchemy" or m == "telemon.extensions.db"
        )
        if sql:
            found.append(f"{path.relative_to(ROOT).as_posix()}: {', '.join(sql)}")
    assert found == [], "SQL in web views; read through a query module: " + repr(found)
