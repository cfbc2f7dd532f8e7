"""Document types: one module per type; see ``schemas.registry`` for discovery."""
