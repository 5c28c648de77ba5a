"""HTTP plumbing: who is calling (auth, sessions), errors as problem+json or a page (problems,
error_pages), the request's language (locale), what every answer carries (headers), input
refused before any handler (input_guard), the OpenAPI document's errors (openapi), ids, paging
and shared schema fields, and the addresses of telemon's pages (links)."""
