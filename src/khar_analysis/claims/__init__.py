"""claims: the register (typed records, :mod:`~khar_analysis.claims.schema`), loading and look-up
(:mod:`~khar_analysis.claims.register`), assessment and verdicts (:mod:`~khar_analysis.claims.verdicts`),
and cited support (:mod:`~khar_analysis.claims.support`)."""
