"""What every audience's pages share: the layout (components/base.html), the error page, the
style sheet, SVG charts (charts.py), the date and duration filters (filters.py) and form
helpers (forms.py)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "components",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/web",
)

from telemon.web.components import clinical, filters  # noqa: E402,F401  (registers the template filters)
