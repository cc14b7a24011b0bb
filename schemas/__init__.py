"""The data contract: key registry, table metadata, pandera models, expectations, rules."""
