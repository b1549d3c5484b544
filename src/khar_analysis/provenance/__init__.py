"""provenance: where raw files come from and whether they are the pinned bytes.

The source manifest and verify-or-fetch (:mod:`~khar_analysis.provenance.manifest`), and the
content-keyed cache of processed tables (:mod:`~khar_analysis.provenance.processed`).
"""
