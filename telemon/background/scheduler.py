"""The in-process scheduler of the embedded default: runs the periodic jobs without Celery beat."""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from telemon.background import jobs

log = logging.getLogger(__name__)


class InProcessScheduler(threading.Thread):
    def __init__(self, app: Flask, tick_seconds: float = 5.0) -> None:
        super().__init__(name="telemon-scheduler", daemon=True)
        self.app = app
        self.tick_seconds = tick_seconds
        self.stopping = threading.Event()
        self.next_run = {name: 0.0 for name in jobs.PERIODIC}

    def run(self) -> None:
        log.info("in-process scheduler started: %s", ", ".join(sorted(jobs.PERIODIC)))
        while not self.stopping.wait(self.tick_seconds):
            self.run_due(time.monotonic())

    def run_due(self, now: float) -> None:
        for name, every in jobs.PERIODIC.items():
            if now < self.next_run[name]:
                continue
            self.next_run[name] = now + every
            with self.app.app_context():
                try:
                    jobs.run(name)
                except Exception:
                    log.exception("periodic job %s failed; it runs again in %ss", name, every)

    def stop(self) -> None:
        self.stopping.set()
