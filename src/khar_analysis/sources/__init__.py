"""sources: one loader module per publisher or file family, raw file -> tidy table.

A loader checks that the file is what its manifest record says and names the source id when it is not;
:mod:`~khar_analysis.sources.registry` picks the loader by the record's ``format.loader``.
"""
