"""Background work: how work reaches a worker (work), the jobs and their queues (jobs),
Celery bound to the app (celery_app) and the embedded default's periodic jobs (scheduler)."""
