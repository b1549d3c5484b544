"""analysis: one module per claim family, pure functions on tables and plain values.

No file, manifest, register, article or environment access (the import contract in pyproject.toml
forbids it), so every function is tested on tiny inline tables.
"""
