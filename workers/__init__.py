"""The Celery side: the worker's app module and thin task wrappers around telemon services."""
