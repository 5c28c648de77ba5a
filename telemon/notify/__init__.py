"""Mail: rendering without patient data, the outbox, and delivery."""
