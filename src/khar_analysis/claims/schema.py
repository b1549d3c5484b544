"""The claims register's record types (pydantic v2), with the claimed value typed per rule kind.

One register record is one :class:`Claim`. The loader validates each record through
:data:`TYPED_CLAIM`, a union discriminated on ``rule.kind``, so the claimed value has the type its
rule compares:

================  ======================================  ==========================================
``rule.kind``      ``claimed.value``                       notes
================  ======================================  ==========================================
``rank_order``    a non-empty list of ISO3 codes           ``unit`` required
``approx``        a finite number                          ``unit`` required; optional tolerance
``at_least``      a finite number                          ``unit`` required; optional tolerance
``at_most``       a finite number                          ``unit`` required; optional tolerance
``boolean``       optional: a bool, a finite number (a     the dictionary (event conditions, refs,
                  margin the notebook reads) or a          windows) is checked by the events
                  dictionary                               family's own validation
``untestable``    optional, not compared (a premise the    ``would_test`` required
                  notebook reads); numbers must be finite
``compound``      none: the claim is judged by its         ``parts`` required (two or more, one or
                  ``parts``, each typed like a claim       more ``core``); a part is never compound
================  ======================================  ==========================================

A claim whose rule tests one assertion of its sentence may list the others under ``untested`` (name, text,
``would_test``): it is judged by the compound rule with the tested assertion as its core part. A rule may
state ``precision`` (the data's precision in the claim's unit): a margin within it is a
knife-edge (:mod:`khar_analysis.claims.margins`). A record may name its key ``figure`` (a PNG the
build saves in ``reports/figures/``, without ``.png``).

All models are strict and closed: a key the model does not name, a string where YAML 1.1 read a
bool (``NO``, ``yes``, ``off``) or a date (``2024-01-05``), a bool where a number is expected, NaN or
infinity, or a negative tolerance is an error. :mod:`khar_analysis.claims.register` turns the first
error into one line naming file, claim, field path, what was expected and what was found.

``claim.claimed`` and ``claim.rule`` also read like the mappings the register held before
(``claim.claimed["value"]``, ``claim.rule.get("tolerance")``): notebooks and analysis modules read them
that way. A key reads as present when the record set it.
"""

from __future__ import annotations

import math
import typing
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag, TypeAdapter, model_validator
from pydantic.functional_validators import AfterValidator, PlainValidator
from pydantic_core import PydanticCustomError

RULE_KINDS = ("rank_order", "approx", "at_least", "at_most", "boolean", "untestable", "compound")
CLAIM_TYPES = ("ranking", "share", "count", "date", "order", "interval", "existence", "membership", "trend",
               "qualitative", "robustness")
NUMERIC_KINDS = ("approx", "at_least", "at_most")


def _finite_number(value: Any) -> int | float:
    """An int or a finite float (never a bool, which YAML reads from ``yes``/``no``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number", "a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("finite_number", "a finite number")
    return value


def _all_finite(value: Any) -> Any:
    """``value`` unchanged when no float inside it (at any depth) is NaN or infinite."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise PydanticCustomError("finite_number", "finite numbers only (NaN or infinity inside)")
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return value


def _boolean_value(value: Any) -> Any:
    """What a ``boolean`` rule's claim may hold: a bool, a finite number, a mapping, or nothing."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise PydanticCustomError("mapping_keys", "a mapping with string keys")
        return _all_finite(value)
    if isinstance(value, int | float):
        return _finite_number(value)
    raise PydanticCustomError("boolean_value", "a bool, a finite number or a mapping (conditions)")


Number = Annotated[int | float, PlainValidator(_finite_number)]
NonNegative = Annotated[Number, AfterValidator(lambda v: _non_negative(v))]
Iso3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
ClaimId = Annotated[str, StringConstraints(pattern=r"^[A-Z]+-[0-9A-Z]+$")]
Text = Annotated[str, StringConstraints(min_length=2)]


def _non_negative(value: int | float) -> int | float:
    if value < 0:
        raise PydanticCustomError("non_negative", "a number >= 0")
    return value


class _Record(BaseModel):
    """Strict, closed, immutable; reads like a mapping of the keys the record set."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def __getitem__(self, key: str) -> Any:
        if key not in self:
            raise KeyError(key)
        return getattr(self, key)

    def __contains__(self, key: object) -> bool:
        return key in self.model_fields_set

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in self else default

    def as_dict(self) -> dict[str, Any]:
        """The keys the record set, as plain Python values (nested records as dicts)."""
        return self.model_dump(exclude_unset=True)


class Tolerance(_Record):
    """How far an observation may stray: ``abs`` in the claim's unit, or ``rel`` as a share of the
    claimed value. Exactly one of them."""

    abs: NonNegative | None = None
    rel: NonNegative | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Tolerance:
        if (self.abs is None) == (self.rel is None):
            raise PydanticCustomError("tolerance", "exactly one of abs, rel")
        return self

    def amount(self, claimed: float) -> float:
        """The tolerance in the claim's unit."""
        return float(self.abs) if self.abs is not None else float(self.rel) * abs(float(claimed))


class Rule(_Record):
    """How an observation is compared with the claim."""

    kind: Literal[RULE_KINDS]  # type: ignore[valid-type]
    tolerance: Tolerance | None = None
    precision: NonNegative | None = None
    why: str = ""
    primary: str = ""


class Claimed(_Record):
    """What the article claims: the value (typed by the rule's kind), its unit, and a short text."""

    value: Any = None
    unit: str = ""
    text: Text


class Claim(_Record):
    """One register record. Built directly (as tests do), the claimed value is checked against the
    rule's kind as the loader checks it."""

    id: ClaimId
    family: Annotated[str, StringConstraints(pattern=r"^[a-z_]+$")]
    line: Annotated[int, Field(ge=1)] | None
    anchor: list[Text]
    gloss: Annotated[str, StringConstraints(min_length=10)]
    claim_type: Literal[CLAIM_TYPES]  # type: ignore[valid-type]
    claimed: Claimed
    rule: Rule
    notebook: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}_[a-z0-9_]+$")]
    citation: str = ""
    sources: list[str] = []
    would_test: str = ""
    notes: str = ""
    #: the claim's key figure: a PNG name (no .png) its notebook saves with plots.show
    figure: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]*$")] = ""
    parts: list[Part] = []
    #: assertions of the sentence that the data cannot reach, beside the one the rule tests (the compound
    #: rule with the tested assertion as the core part and these as untested parts)
    untested: list[Untested] = []

    @model_validator(mode="after")
    def _typed_by_kind(self) -> Claim:
        if type(self) is Claim:
            _TYPED_BY_KIND[self.rule.kind].validate_python(self.model_dump(exclude_unset=True))
        return self

    @model_validator(mode="after")
    def _parts_fit_the_kind(self) -> Claim:
        if self.parts and self.rule.kind != "compound":
            raise PydanticCustomError("parts", "parts only on a claim whose rule kind is compound")
        if self.untested and self.rule.kind in ("compound", "untestable"):
            raise PydanticCustomError("untested", "untested assertions only on a claim with a testing rule "
                                                  "(a compound claim lists them as parts)")
        return self

    def part_claim(self, name: str) -> Claim:
        """The part ``name`` of a compound claim as a claim of its own (same id, notebook and citation), so
        that it is judged by its own rule."""
        part = next((p for p in self.parts if p.name == name), None)
        if part is None:
            raise KeyError(f"{self.id} has no part {name!r}; its parts: {[p.name for p in self.parts]}")
        record = {**self.model_dump(exclude_unset=True, exclude={"parts", "figure", "untested"}),
                  "claimed": part.claimed.as_dict(), "rule": part.rule.as_dict(), "gloss": part.text,
                  "would_test": part.would_test, "claim_type": part.claim_type or self.claim_type}
        return TYPED_CLAIM.validate_python(record)


class Part(_Record):
    """One part of a compound claim: what it asserts (``text``), whether it is the claim's ``core``, its
    own claimed value and rule (typed as a claim's, never ``compound``) and, if untestable, ``would_test``."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    text: Annotated[str, StringConstraints(min_length=10)]
    core: bool
    claimed: Claimed
    rule: Rule
    claim_type: Literal[CLAIM_TYPES] | None = None  # type: ignore[valid-type]
    would_test: str = ""


class Untested(_Record):
    """An assertion of a claim's sentence that the data here cannot reach, with the data that would test it."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    text: Annotated[str, StringConstraints(min_length=10)]
    would_test: Annotated[str, StringConstraints(min_length=10)]


Claim.model_rebuild()


# --- per kind -------------------------------------------------------------------------------------

class _Measured(Claimed):
    unit: Text


class RankOrderClaimed(_Measured):
    value: Annotated[list[Iso3], Field(min_length=1)]


class NumberClaimed(_Measured):
    value: Number


class BooleanClaimed(Claimed):
    value: Annotated[Any, PlainValidator(_boolean_value)] = None


class UntestableClaimed(Claimed):
    value: Annotated[Any, AfterValidator(_all_finite)] = None


class _ExactRule(Rule):
    tolerance: None = None


class RankOrderRule(_ExactRule):
    kind: Literal["rank_order"]


class NumberRule(Rule):
    kind: Literal["approx", "at_least", "at_most"]


class BooleanRule(_ExactRule):
    kind: Literal["boolean"]


class UntestableRule(_ExactRule):
    kind: Literal["untestable"]


class CompoundRule(_ExactRule):
    kind: Literal["compound"]


class RankOrderClaim(Claim):
    claimed: RankOrderClaimed
    rule: RankOrderRule


class NumberClaim(Claim):
    claimed: NumberClaimed
    rule: NumberRule


class BooleanClaim(Claim):
    claimed: BooleanClaimed
    rule: BooleanRule


class UntestableClaim(Claim):
    claimed: UntestableClaimed
    rule: UntestableRule
    would_test: Annotated[str, StringConstraints(min_length=1)]


class CompoundClaimed(Claimed):
    value: None = None


class CompoundClaim(Claim):
    claimed: CompoundClaimed
    rule: CompoundRule
    parts: Annotated[list[Part], Field(min_length=2)]

    @model_validator(mode="after")
    def _parts(self) -> CompoundClaim:
        names = [p.name for p in self.parts]
        if len(set(names)) != len(names):
            raise PydanticCustomError("parts", "parts with distinct names")
        if not any(p.core for p in self.parts):
            raise PydanticCustomError("parts", "at least one part with core: true")
        for part in self.parts:
            if part.rule.kind == "compound":
                raise PydanticCustomError("parts", "parts that are not compound themselves")
            self.part_claim(part.name)  # typed as a claim of its own kind (raises on a mismatch)
        return self


_BY_KIND: dict[str, type[Claim]] = {"rank_order": RankOrderClaim, "approx": NumberClaim, "at_least": NumberClaim,
                                    "at_most": NumberClaim, "boolean": BooleanClaim, "untestable": UntestableClaim,
                                    "compound": CompoundClaim}
_TYPED_BY_KIND = {kind: TypeAdapter(cls) for kind, cls in _BY_KIND.items()}


def rule_kind(record: Any) -> str | None:
    """The discriminator: ``rule.kind`` of a raw record or of a :class:`Claim`."""
    rule = record.get("rule") if isinstance(record, dict) else getattr(record, "rule", None)
    kind = rule.get("kind") if isinstance(rule, dict | Rule) else None
    return kind if isinstance(kind, str) else None


#: A register record, validated as the claim class of its ``rule.kind``.
TYPED_CLAIM = TypeAdapter(Annotated[
    Union[tuple(Annotated[cls, Tag(kind)] for kind, cls in _BY_KIND.items())],  # noqa: UP007
    Discriminator(rule_kind),
])


def keys_at(kind: str | None, loc: tuple) -> list[str]:
    """The keys the record type of ``kind`` allows at the mapping ``loc`` (``()``: the record itself)."""
    model: Any = _BY_KIND.get(kind or "", Claim)
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            return []
        inner = [a for a in (field.annotation, *typing.get_args(field.annotation))
                 if isinstance(a, type) and issubclass(a, BaseModel)]
        if not inner:
            return []
        model = inner[0]
    return list(model.model_fields)
