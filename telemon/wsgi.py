"""WSGI entry for gunicorn: `gunicorn 'telemon.wsgi:app'`."""

from telemon import create_app

app = create_app()
