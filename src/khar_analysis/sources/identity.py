"""What a loader reads of its manifest record, and the check that a file is what the record says.

Loaders take the record as a :class:`SourceRecord` (the fields of
:class:`khar_analysis.provenance.manifest.Source` they use) rather than importing the manifest, so the
publisher modules stay importable from :mod:`khar_analysis.analysis` (for their scales and class labels)
without pulling in file access.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from khar_analysis.core.layout_checks import UnknownLayoutError


class SourceRecord(Protocol):
    """The parts of a manifest record a loader reads."""

    @property
    def id(self) -> str: ...

    @property
    def release(self) -> str: ...

    @property
    def data_generated(self) -> str: ...

    @property
    def format(self) -> Mapping[str, Any]: ...


class WrongFileError(UnknownLayoutError):
    """A readable file that is not the one its manifest record describes (other indicator, edition, countries)."""


def expect_identity(src: SourceRecord, what: str, expected: Any, found: Any) -> None:
    """Raise :class:`WrongFileError` naming ``src.id`` unless ``found == expected``."""
    if found != expected:
        raise WrongFileError(f"{src.id}: the file is not what its manifest record says: {what} should be "
                             f"{expected!r}, the file has {found!r}")


def expected(src: SourceRecord, key: str) -> str:
    """``format[key]`` of the record as text; a record without it fails naming the source id."""
    value = src.format.get(key)
    if value is None:
        raise WrongFileError(f"{src.id}: its manifest record has no format.{key}, which its loader checks the file by")
    return str(value)


@contextmanager
def naming(src: SourceRecord) -> Iterator[None]:
    """Prefix the source id to any layout error raised inside (the checks name only the file)."""
    try:
        yield
    except UnknownLayoutError as exc:
        if str(exc).startswith(f"{src.id}:"):
            raise
        raise type(exc)(f"{src.id}: {exc}") from exc


def no_options(src: SourceRecord, options: Mapping[str, Any]) -> None:
    """A loader that takes no options refuses any (a misspelt option must not pass unnoticed)."""
    if options:
        raise TypeError(f"{src.id}: its loader takes no options, got {sorted(options)}")


def expect_countries(src: SourceRecord, found: Iterable[str]) -> None:
    """The country codes a file holds are the record's ``format.countries`` (space-separated), if it names any."""
    if "countries" in src.format:
        expect_identity(src, "country set", sorted(str(src.format["countries"]).split()), sorted(set(found)))
