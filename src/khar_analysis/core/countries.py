"""One mapping of every source's country spellings to ISO 3166-1 alpha-3 codes.

Spellings that differ from ISO names live in ``resources/country_names.csv`` (one committed table,
with the reason for each oddity); anything else must be an ISO name or code known to pycountry.
A name in neither raises :class:`UnknownCountryError` naming it: the mapping never guesses.
Pseudo-codes start with ``_`` (``_UNK`` unknown supplier) or are historical (``SUN``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from importlib import resources

import pycountry

#: Short English display names preferred over pycountry's official ones.
DISPLAY = {
    "TUR": "Turkey", "RUS": "Russia", "IRN": "Iran", "KOR": "South Korea", "PRK": "North Korea",
    "MDA": "Moldova", "CZE": "Czechia", "SUN": "Soviet Union", "_UNK": "unknown supplier(s)",
    "USA": "United States", "GBR": "United Kingdom", "ARE": "UAE", "SYR": "Syria", "VEN": "Venezuela",
}


class UnknownCountryError(KeyError):
    """A spelling is neither in the committed mapping nor an ISO name/code."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0])


@cache
def _overrides() -> dict[str, tuple[str, str]]:
    text = resources.files("khar_analysis").joinpath("resources/country_names.csv").read_text(encoding="utf-8")
    out: dict[str, tuple[str, str]] = {}
    for row in csv.DictReader(text.splitlines()):
        key = row["spelling"].strip().casefold()
        if key in out:
            raise ValueError(f"resources/country_names.csv lists the spelling {row['spelling']!r} twice")
        out[key] = (row["code"], row["kind"])
    return out


def to_iso3(name: str) -> str:
    """ISO3 code (or project pseudo-code) for a source spelling; raises on an unknown spelling."""
    key = str(name).strip()
    hit = _overrides().get(key.casefold())
    if hit:
        return hit[0]
    try:
        return pycountry.countries.lookup(key).alpha_3
    except LookupError:
        raise UnknownCountryError(
            f"unknown country spelling {key!r}: add it with its ISO3 code and the reason to "
            "src/khar_analysis/resources/country_names.csv"
        ) from None


def harmonise(names: Iterable[str], source: str = "") -> list[str]:
    """Map many spellings at once; raise one error listing every unknown spelling (and the source)."""
    names = list(names)
    unknown = set()
    out = []
    for n in names:
        try:
            out.append(to_iso3(n))
        except UnknownCountryError:
            unknown.add(str(n))
            out.append("")
    if unknown:
        where = f" in {source}" if source else ""
        raise UnknownCountryError(
            f"unknown country spelling(s){where}: {sorted(unknown)}; add them to "
            "src/khar_analysis/resources/country_names.csv"
        )
    return out


def display_name(code: str) -> str:
    """A short English name for a code (for tables and charts)."""
    if code in DISPLAY:
        return DISPLAY[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        raise UnknownCountryError(f"unknown ISO3 code {code!r}")
    return getattr(country, "common_name", None) or country.name
