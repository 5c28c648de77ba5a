"""Entry module for `celery -A workers.app` (`telemon worker` and `telemon beat` use the same
Celery app; a worker imports the task modules itself: telemon.background.celery_app)."""

from telemon.app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
