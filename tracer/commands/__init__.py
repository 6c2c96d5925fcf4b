"""Subcommands of trace-net (check, generate, schema, ...), one module each, loaded lazily."""
