"""article: the article as data - its text and structure, the citation audit, the number coverage.

Language-specific parsing lives in :mod:`khar_analysis.article.lang`, chosen by the article's manifest record.
"""
