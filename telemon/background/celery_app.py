"""Celery wired to the Flask app (the Flask project's own pattern): tasks run in an app context.

Task modules (workers/tasks.py) declare @shared_task and never import the app.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask

from telemon.background import jobs


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):  # type: ignore[misc]
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config["TELEMON_REDIS_URL"] or "memory://"
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker,
        # No result backend: nothing waits for a task's result, and sending a task must never
        # wait on one (with Redis down, a result backend made every upload wait ~19 s).
        result_backend=None,
        task_ignore_result=True,
        # Short time-outs when the broker is away: a hand-over gives up quickly (work.py).
        broker_connection_timeout=2,
        redis_socket_connect_timeout=2,
        redis_socket_timeout=5,
        # Work that must not be lost: acknowledged only when done, re-delivered if a worker dies.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # A worker process reserves only the task it runs: an evaluation task works through
        # whatever waits, and one queued behind a busy process would keep an idle one idle.
        worker_prefetch_multiplier=1,
        task_default_queue="periodic",
        # The task modules, imported by a worker when it starts (`telemon worker`, `celery -A
        # workers.app worker`): telemon itself never imports them.
        include=["workers.tasks"],
        task_routes={name: {"queue": queue} for name, queue in jobs.QUEUES.items()},
        beat_schedule={
            name: {"task": name, "schedule": seconds, "options": {"queue": jobs.QUEUES[name]}}
            for name, seconds in jobs.PERIODIC.items()
        },
        broker_connection_retry_on_startup=True,
        # Redis: re-deliver an unacknowledged task after this long (longer than any task takes).
        broker_transport_options={
            "visibility_timeout": 3600,
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
        },
        timezone="UTC",
        enable_utc=True,
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
