"""The clinician web UI: sign-in, the review queue, alert pages."""
