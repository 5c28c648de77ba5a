"""How everyone gets in: signing in and out, the language of the pages, and `/`, which sends
each role to its own start page (landing.START_PAGES)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("entry", __name__, template_folder="templates")

from telemon.web.entry import account, landing  # noqa: E402,F401  (routes on bp)
