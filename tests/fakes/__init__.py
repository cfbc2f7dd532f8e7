"""Real stand-ins for external services, run locally for tests (no mocks)."""
