"""Document types: one module per type; see ``pipeline.schemas`` for discovery."""
