"""Streamlit dashboard over the published DuckDB warehouse (read-only); entry point ``app.py``."""
