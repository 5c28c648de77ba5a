"""WSGI entry for gunicorn: `gunicorn 'telemon.wsgi:app'`."""

from telemon.app import create_app

app = create_app()
