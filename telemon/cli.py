"""The `telemon` command: the app made by telemon.app.create_app, with its commands
(telemon.commands)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from telemon.app import create_app
from telemon.config import MissingSecretKey


def _create_app() -> Flask:
    """The app, or a one-line error saying what to set when the configuration is refused."""
    try:
        return create_app()
    except MissingSecretKey as error:
        raise click.ClickException(str(error)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """telemon: telemedicine home monitoring."""
