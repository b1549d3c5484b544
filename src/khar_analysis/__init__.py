"""khar-analysis: rebuilds the empirical claims of KHAR Center (28 Jan 2026) from raw public data.

Computation lives in one module per claim family (``arms``, ...); wiring (paths, papermill,
nbconvert) lives in ``paths``, ``pipeline`` and ``cli``.
"""

import sys

# jsonschema (used here and by nbformat) imports the optional ``rfc3987_syntax``, pulled in by Jupyter,
# to check the ``iri`` format; that import compiles a grammar in ~0.7 s. No schema used by this project
# or by nbformat needs that format, so the optional import is blocked: it keeps ``khar`` start-up and
# every notebook kernel fast. jsonschema treats the module as absent.
sys.modules.setdefault("rfc3987_syntax", None)

__version__ = "0.1.0"
