"""Entry module for `celery -A workers.app` (and `telemon worker` / `telemon beat`)."""

from telemon import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]

import workers.tasks  # noqa: E402,F401  (registers the tasks)
