"""The pipeline stages as plain functions over ``pipeline.state.DocumentState``."""
