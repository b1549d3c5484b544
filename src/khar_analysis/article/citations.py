"""The article's source list and in-text citations: parsing, resolution and the citation audit.

Everything here is computed from the pinned article file; nothing is listed by hand except the one
abbreviation table ``resources/citation_aliases.csv`` (each row with its reason). The words and
patterns of the article's language come from :mod:`khar_analysis.article.lang` (the manifest
record's ``language``). This module gathers the public names of the parts:

- :mod:`~khar_analysis.article.entries`: the source list (``Источники``), one :class:`Entry` a source;
- :mod:`~khar_analysis.article.intext`: in-text citations (:class:`Citation`) and the date the text
  gives for what each supports;
- :mod:`~khar_analysis.article.names`: folding and matching cited and listed names;
- :func:`~khar_analysis.core.dates.url_date`: dates carried by URLs (the one reader);
- :mod:`~khar_analysis.article.resolution`: one citation resolved against the list, the URL-date and
  precision checks;
- :mod:`~khar_analysis.article.subjects`: what a title, a URL slug and a sentence are about (the subject
  and title/slug checks);
- :mod:`~khar_analysis.article.audit`: the audit of the whole article (``reports/citation_audit.csv``),
  and :func:`resolve`/:func:`describe` for a register row's ``citation``.

Whether a registered claim's cited support holds is a claims-layer question:
:func:`khar_analysis.claims.support.claim_support`.
"""

from __future__ import annotations

from khar_analysis.article.audit import ENTRY_DEFECTS, Audit, audit, defects_text, describe, resolve
from khar_analysis.article.entries import Entry, SourceList, parse_entries, parse_entry
from khar_analysis.article.intext import Citation, citations_in, extract, parse_citation
from khar_analysis.article.names import STRONG, WEAK, aliases, match_name, readings, title_language
from khar_analysis.article.resolution import (
           MISMATCHES,
           REPORT_GRACE_DAYS,
           STATUSES,
           Resolution,
           precision_gap,
           resolve_citation,
           url_conflict,
)
from khar_analysis.article.subjects import Topics, subject_mismatch, terms, title_slug_disagreement
from khar_analysis.core.dates import UrlDate, url_date

__all__ = ["ENTRY_DEFECTS", "MISMATCHES", "REPORT_GRACE_DAYS", "STATUSES", "STRONG", "WEAK", "Audit", "Citation",
           "Entry", "Resolution", "SourceList", "Topics", "UrlDate", "aliases", "audit", "citations_in",
           "defects_text", "describe", "extract", "match_name", "parse_citation", "parse_entries", "parse_entry",
           "precision_gap", "readings", "resolve", "resolve_citation", "subject_mismatch", "terms",
           "title_language", "title_slug_disagreement", "url_conflict", "url_date"]
