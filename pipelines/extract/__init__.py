"""The extraction engine: from a published report file to canonical values (pure functions)."""
