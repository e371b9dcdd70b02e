"""Database layer: models, the engine factory, migrations and query functions."""
