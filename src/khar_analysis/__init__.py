"""khar-analysis: rebuilds the empirical claims of KHAR Center (28 Jan 2026) from raw public data.

Computation lives in one module per claim family (``arms``, ...); wiring (paths, papermill,
nbconvert) lives in ``paths``, ``pipeline`` and ``cli``.
"""

__version__ = "0.1.0"
