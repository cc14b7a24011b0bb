"""The DuckDB warehouse: table loading, marts, atomic publishing and the open-data export."""
