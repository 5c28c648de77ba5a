"""Identity: organisations, users, care teams, sign-in tokens."""
