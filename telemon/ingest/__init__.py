"""Observation ingest: the API, its schemas, the code table and idempotent storage."""
