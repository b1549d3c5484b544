"""The register's condition language for event claims (family ``events``): a typed schema and its interpreter.

A register row's ``claimed.value`` (``data/claims/events.yaml``) holds named ``conditions`` (tests
below), ``refs`` (event ids bound into conditions as ``$name``), ``variants`` (other readings or source
disagreements, each replacing or dropping named conditions or rebinding ``refs``) and ``phrases`` (the
registered reading of vague words such as "несколько дней": a range of days or months and why). A
waves claim holds ``dyad``, ``window`` and ``min_escalation_waves`` instead (read by
:mod:`khar_analysis.analysis.tension`).

Tests: ``within`` (event inside a period), ``before`` / ``after`` (order of two events), ``gap``
(days or months from one event to another inside a phrase's reading), ``count`` (a number the
event's description states), ``coded`` (the CAMEO root), ``any`` / ``none`` (an event matching a
filter inside a period, optionally outside an ``except`` period), ``cited_date`` (the date written
in the URL the article's source list gives on a line, against an event's date), ``quiet_months``
(no month whose weight sum falls below the weight of one act of a CAMEO root, outside an episode).
Periods are yyyy, yyyy-mm, yyyy-mm-dd, an event id, a ``$ref``, or ``[from, to]`` of either.

The schema is pydantic models (:class:`ConditionsValue`, :class:`WavesValue`; conditions a union
tagged by ``test``), so a typo in the register fails at load time in one line
(:func:`validate_conditions`). :func:`check` evaluates a row on the catalogue and returns the keyword
arguments of :func:`khar_analysis.claims.register.verdict`; a claim holds when all its conditions hold
(Kleene "and": one ``False`` makes it ``False``; otherwise one ``None`` makes it ``None``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from khar_analysis.claims.errors import RegisterError

_EVENT_ID = re.compile(r"^E\d{4}(?:-\d{2}(?:-\d{2})?)?-[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def _point(text: str) -> bool:
    return bool(_DATE.match(text) or _EVENT_ID.match(text) or text.startswith("$"))


def _period(value: Any) -> Any:
    ok = (isinstance(value, str) and _point(value)) or (
        isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) and _point(v) for v in value))
    if not ok:
        raise ValueError("a date (yyyy, yyyy-mm, yyyy-mm-dd), an event id or $ref, or a [from, to] pair of them")
    return value


Period = Annotated[Any, AfterValidator(_period)]
Root = Annotated[str, Field(pattern=r"^(0[1-9]|1\d|20)$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class Within(_Model):
    test: Literal["within"]
    event: str
    period: Period


class Order(_Model):
    test: Literal["before", "after"]
    event: str
    other: str


class Gap(_Model):
    test: Literal["gap"]
    event: str
    other: Period
    phrase: str


class Count(_Model):
    test: Literal["count"]
    event: str
    field: Literal["deaths", "aboard", "survivors"]
    equals: int


class Coded(_Model):
    test: Literal["coded"]
    event: str
    cameo: Root


class Where(_Model):
    """A row filter: dyad, initiator, CAMEO root (one, or a list of roots any of which passes), sign of the
    weight, coarsest date precision allowed."""

    dyad: str | None = None
    initiator: str | None = None
    cameo: Root | list[Root] | None = None
    sign: Literal["negative", "positive"] | None = None
    min_precision: Literal["day", "month", "year", "range"] | None = None


class Scan(_Model):
    test: Literal["any", "none"]
    where: Where = Where()
    period: Period
    except_: Period | None = Field(None, alias="except")


class CitedDate(_Model):
    test: Literal["cited_date"]
    line: int
    against: Period


class QuietMonths(_Model):
    test: Literal["quiet_months"]
    dyad: str
    period: Period
    except_: Period | None = Field(None, alias="except")
    below_root: Root


Condition = Annotated[Within | Order | Gap | Count | Coded | Scan | CitedDate | QuietMonths,
                      Field(discriminator="test")]
_CONDITION = TypeAdapter(Condition)


class Phrase(_Model):
    """The registered reading of a vague phrase: ``min``..``max`` ``unit``, and why."""

    min: float
    max: float
    unit: Literal["days", "months"]
    why: str

    @model_validator(mode="after")
    def _ordered(self) -> Phrase:
        if self.max < self.min:
            raise ValueError(f"max {self.max:g} is below min {self.min:g}")
        return self


class Variant(_Model):
    """Another reading of a condition claim. ``check: true`` marks a reading on weaker evidence or on
    events the article could not know (after its publication): it is passed to the verdict as a check,
    which can keep a holding claim from plain ``reproduced`` but never earns a verdict."""

    label: str
    replace: dict[str, Condition] = {}
    drop: list[str] = []
    refs: dict[str, str] = {}
    check: bool = False


class ConditionsValue(_Model):
    """``claimed.value`` of a condition claim."""

    conditions: dict[str, Condition]
    refs: dict[str, str] = {}
    variants: list[Variant] = []
    phrases: dict[str, Phrase] = {}

    @model_validator(mode="after")
    def _names(self) -> ConditionsValue:
        for v in self.variants:
            unknown = sorted((set(v.replace) | set(v.drop)) - set(self.conditions))
            if unknown:
                raise ValueError(f"variant {v.label!r} names unknown condition(s) {unknown}")
        return self


class WavesValue(_Model):
    """``claimed.value`` of a waves claim: dyad, window [from, to] (yyyy-mm), minimum escalation waves."""

    dyad: str
    window: Annotated[list[Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")]], Field(min_length=2, max_length=2)]
    min_escalation_waves: int


_MODELS: dict[str, type[BaseModel]] = {
    "within": Within, "before": Order, "after": Order, "gap": Gap, "count": Count, "coded": Coded, "any": Scan,
    "none": Scan, "cited_date": CitedDate, "quiet_months": QuietMonths}


def _path_and_model(loc: tuple, top: type[BaseModel]) -> tuple[str, type[BaseModel] | None]:
    """The register path of a pydantic error location (union tags dropped) and the model whose keys
    the last entry is among (for an unknown key's message)."""
    parts, model, i = [], top, 0
    while i < len(loc):
        part = loc[i]
        parts.append(str(part))
        if part in ("conditions", "replace", "phrases", "variants") and i + 1 < len(loc):
            parts.append(str(loc[i + 1]))
            i += 2
            model = {"phrases": Phrase, "variants": Variant}.get(part)
            if part in ("conditions", "replace") and i < len(loc) and loc[i] in _MODELS:
                model = _MODELS[loc[i]]
                i += 1
            continue
        if part == "where":
            model = Where
        i += 1
    return ".".join(["claimed.value", *parts]), model


def _one_line(exc: ValidationError, top: type[BaseModel]) -> str:
    # an unknown key explains a "required key missing" beside it (a typo), so it is reported first
    err = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    path, model = _path_and_model(tuple(err["loc"]), top)
    found = err.get("input")
    if err["type"] == "extra_forbidden":
        keys = sorted(f.alias or n for n, f in model.model_fields.items()) if model else []
        return f"{path}: unknown key; expected one of {keys}, found {path.rsplit('.', 1)[-1]!r}"
    if err["type"] == "union_tag_invalid":
        return f"{path}: unknown test; expected one of {sorted(_MODELS)}, found {err['ctx']['tag']!r}"
    if err["type"] == "union_tag_not_found":
        return f"{path}: required key 'test' missing; expected one of {sorted(_MODELS)}"
    if err["type"] == "missing":
        return f"{path}: required key missing"
    msg, shown = err["msg"], f"{found!r} ({type(found).__name__})"
    if msg.startswith("Input should be "):
        return f"{path}: expected {msg.removeprefix('Input should be ')}, found {shown}"
    if err["type"] == "string_pattern_mismatch":
        return f"{path}: expected a string matching {err['ctx']['pattern']}, found {shown}"
    if err["type"] == "value_error":
        text = msg.removeprefix("Value error, ")
        return f"{path}: {text}" if isinstance(found, dict) else f"{path}: expected {text}, found {shown}"
    return f"{path}: {msg}; found {shown}"


def parse_value(claim: Any, file: str = "") -> ConditionsValue | WavesValue | None:
    """The typed ``claimed.value`` of an events claim (None for other families); raises
    :class:`RegisterError` in one line naming the file, the claim id and the field path."""
    rec = claim if isinstance(claim, dict) else vars(claim)
    if rec.get("family") != "events":
        return None
    value = (rec.get("claimed") or {}).get("value")
    top = ConditionsValue if isinstance(value, dict) and "conditions" in value else WavesValue
    try:
        return top.model_validate(value)
    except ValidationError as exc:
        raise RegisterError(f"{file or 'register'}: {rec.get('id')}: {_one_line(exc, top)}") from None


def validate_conditions(claim: Any, file: str = "") -> None:
    """Check an events claim's ``claimed.value`` against the condition schema (see :func:`parse_value`)."""
    parse_value(claim, file)


def parse_condition(spec: dict[str, Any]) -> Condition:
    """One condition (refs already bound) as its typed model."""
    return _CONDITION.validate_python(spec)
