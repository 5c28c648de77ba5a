"""The `telemon` command: the app made by telemon.app.create_app, with its commands
(telemon.commands)."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from telemon.app import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False)
def main() -> None:
    """telemon: telemedicine home monitoring."""
