"""Ingest → extract → validate: the Dagster pipeline, the extraction engine and the CLI."""
