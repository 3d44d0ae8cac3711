"""Validation of large tables column by column: the profiles and messages of row-by-row validation, faster.

Row-by-row validation (``TypeAdapter(list[Student])``) runs every cell through its field's
validators, the Python ones included, once per row: about 18 s for 65,000 rows. Here each
column is validated once per distinct value, through a one-field model made from the very field
of the profile model (its type, constraints, before- and after-validators, with the model's
config), so a cell is accepted or refused exactly as in its row. Rows whose cells are all
accepted and that keep the rules between columns (``CROSS_FIELD_RULES``: min at most max,
coordinates both or neither) become profiles without being validated again, with the values
their row would get (defaults for empty cells, coordinates from the municipality's town). Every
other row is validated row by row, so its messages are today's by construction.

Invariant: a row takes the fast path only if row-by-row validation accepts it with the same
values. When in doubt (a cell that is not text, values that cannot be hashed, a model without
declared cross-field rules) rows go the slow way. Tests compare both paths on valid tables and on
many kinds of bad input.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, cast, get_args, get_origin

import numpy as np
import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from features.cells import LEVEL_SEPARATOR, LIST_SEPARATOR, enum_level_cell, enum_list_cell
from features.geography import MUNICIPALITIES
from features.profiles import Company, Placement, Student

_REFUSED = object()
"""A cell the fast path does not accept (the field refuses it, or it is not written canonically)."""


@dataclass(frozen=True)
class CrossFieldRules:
    """The rules a model's ``model_validator(mode="after")`` checks between columns, and what it completes.

    ``ordered``: (low, high) pairs where low must be at most high. ``coordinates``: (latitude,
    longitude, municipality): both coordinates or neither; neither means the municipality's town.
    They mirror ``_check_and_complete`` in ``features.profiles``; a row that breaks one goes the
    slow way, so the model's own message is reported.
    """

    ordered: tuple[tuple[str, str], ...] = ()
    coordinates: tuple[str, str, str] | None = None


CROSS_FIELD_RULES: dict[type[BaseModel], CrossFieldRules] = {
    Student: CrossFieldRules(
        ordered=(("min_hours_per_week", "max_hours_per_week"),),
        coordinates=("home_lat", "home_lon", "home_municipality"),
    ),
    Company: CrossFieldRules(
        ordered=(("complexity_min", "complexity_max"), ("min_hours_per_week", "max_hours_per_week")),
        coordinates=("lat", "lon", "municipality"),
    ),
    Placement: CrossFieldRules(),
}
"""Models the fast path knows; any other model is validated row by row."""

RowError = tuple[int | None, Any]
"""A row-by-row validation error: (position of its record, or None, pydantic's error detail)."""
RowValidator = Callable[[list[dict[str, Any]]], tuple[list[Any], list[RowError]]]
"""Validates records row by row: (profiles, errors)."""
FrameError = tuple[int | None, Any, dict[str, Any] | None]
"""An error of a table: (row position in the table, or None, pydantic's error detail, the row's record)."""


@dataclass(frozen=True)
class _Column:
    name: str
    adapter: TypeAdapter[list[Any]]  # a list of cells, each validated as the profile model's field
    tokens: Mapping[str, Any] | None  # a list or level cell: its canonical items (see _canonical_tokens)
    levels: bool  # the items are item:level pairs (a dict), not a list
    required: bool
    default: Callable[[], Any]  # the value of an empty cell (a fresh one each call)
    mutable: bool  # lists and dicts: every profile gets its own copy


@dataclass(frozen=True)
class _Parsed:
    """One column's cells: the value of each row, whether the cell was empty, whether the row passed."""

    values: np.ndarray  # (n,) object
    empty: np.ndarray  # (n,) bool
    ok: np.ndarray  # (n,) bool


MIN_ROWS = 1_000
"""Smaller tables go row by row: preparing the column validators (about 0.05 s) costs more than it saves."""


def validate_frame(
    frame: pd.DataFrame, model: type[BaseModel], slow: RowValidator, min_rows: int = MIN_ROWS
) -> tuple[list[Any], list[FrameError]]:
    """The profiles of a table of text cells and the errors of its bad rows, as ``slow`` would give them.

    ``slow`` validates records row by row; it is called on the rows the fast path cannot take,
    and on whole tables of fewer than ``min_rows`` rows. Returns (profiles in row order, errors in
    the order ``slow`` gives them on the whole table); when there are errors, no profiles.
    """
    if model not in CROSS_FIELD_RULES or len(frame) < min_rows:
        return _row_by_row(frame, np.arange(len(frame)), slow)
    with _collector_paused():
        fast = _fast_path(frame, model)
    if fast is None:  # values that cannot be compared: the whole table goes the slow way
        return _row_by_row(frame, np.arange(len(frame)), slow)
    profiles, ok = fast
    rest = np.flatnonzero(~ok)
    if rest.size == 0:
        return profiles, []
    checked, errors = _row_by_row(frame, rest, slow)
    if errors:
        return [], errors
    for position, profile in zip(rest.tolist(), checked, strict=True):
        profiles[position] = profile
    return profiles, []


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while profiles are built: they hold no cycles, and with tens of
    thousands of new dicts and lists the collector would rescan the heap again and again (half the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fast_path(frame: pd.DataFrame, model: type[BaseModel]) -> tuple[list[Any], np.ndarray] | None:
    """(profiles, with None at the rows not in ``ok``; ``ok``); None when the cells cannot be compared."""
    n = len(frame)
    parsed: dict[str, _Parsed] = {}
    for column in _columns(model):
        if column.name in frame.columns:
            found = _parse_column(frame[column.name], column)
            if found is None:
                return None
            parsed[column.name] = found
        else:
            values = np.empty(n, dtype=object)
            values.fill(None if column.required else column.default())  # a list default is copied per profile
            parsed[column.name] = _Parsed(values, np.ones(n, dtype=bool), np.full(n, not column.required))
    ok = np.ones(n, dtype=bool)
    for found in parsed.values():
        ok &= found.ok
    _apply_cross_field_rules(parsed, CROSS_FIELD_RULES[model], ok)
    profiles: list[Any] = [None] * n
    for position, profile in zip(np.flatnonzero(ok).tolist(), _construct(model, parsed, ok), strict=True):
        profiles[position] = profile
    return profiles, ok


def _row_by_row(
    frame: pd.DataFrame, rows: np.ndarray, slow: RowValidator
) -> tuple[list[Any], list[FrameError]]:
    """``slow`` on the given rows of ``frame``, its errors naming rows of ``frame``."""
    records = (frame if rows.size == len(frame) else frame.iloc[rows]).to_dict(orient="records")
    checked, errors = slow(records)
    return checked, [
        (None, detail, None) if position is None else (int(rows[position]), detail, records[position])
        for position, detail in errors
    ]


@functools.cache
def _columns(model: type[BaseModel]) -> tuple[_Column, ...]:
    config = cast(ConfigDict, {key: value for key, value in model.model_config.items() if key != "title"})
    columns = []
    for name, field in model.model_fields.items():
        cell: Any = Annotated[(field.annotation, *field.metadata)]  # the field as the model declares it
        columns.append(
            _Column(
                name=name,
                adapter=TypeAdapter(list[cell], config=config),
                tokens=_canonical_tokens(field),
                levels=get_origin(field.annotation) is dict,
                required=field.is_required(),
                default=functools.partial(field.get_default, call_default_factory=True),
                mutable=_is_container(field.annotation),
            )
        )
    return tuple(columns)


def _canonical_tokens(field: FieldInfo) -> dict[str, Any] | None:
    """For a cell read by ``features.cells.enum_list_cell`` or ``enum_level_cell``: item text to parsed item.

    Only the English identifiers, written exactly (``autism:some``): a cell of such items
    separated by ``|``, none repeated, parses to exactly these members in this order. Any other
    spelling (Danish labels, spaces, capitals) is validated by the field itself.
    """
    parsers = [m.func for m in field.metadata if isinstance(m, BeforeValidator)]
    if len(parsers) != 1:
        return None
    kind = getattr(parsers[0], "__qualname__", "")
    arguments = get_args(field.annotation)
    if kind.startswith(f"{enum_list_cell.__name__}.") and get_origin(field.annotation) is list:
        (item,) = arguments
        return {member.value: member for member in item}
    if kind.startswith(f"{enum_level_cell.__name__}.") and get_origin(field.annotation) is dict:
        key, level = arguments
        return {f"{k.value}{LEVEL_SEPARATOR}{v.value}": (k, v) for k in key for v in level}
    return None


def _canonical(cell: str, tokens: Mapping[str, Any], level: bool) -> Any:
    """The parsed value of a cell of canonical items, or ``_REFUSED`` when it is anything else."""
    items = [tokens.get(token) for token in cell.split(LIST_SEPARATOR)]
    if None in items:
        return _REFUSED
    if level:
        parsed = dict(cast(list[tuple[Any, Any]], items))
        return parsed if len(parsed) == len(items) else _REFUSED
    return items if len(set(items)) == len(items) else _REFUSED


def _is_container(annotation: Any) -> bool:
    origin = getattr(annotation, "__origin__", None)
    return origin in (list, dict, set, tuple)


def _parse_column(cells: pd.Series, column: _Column) -> _Parsed | None:
    """Each distinct cell validated once; None if the cells cannot be told apart (unhashable values)."""
    try:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    except TypeError:
        return None
    distinct = list(uniques)
    text = np.array([type(value) is str for value in distinct], dtype=bool)
    empty = np.array([type(value) is str and value.strip() == "" for value in distinct], dtype=bool)
    ok = text.copy()
    values = np.full(len(distinct), None, dtype=object)
    if column.required:
        ok &= ~empty
    else:
        for k in np.flatnonzero(empty).tolist():
            values[k] = column.default()  # a list or dict default is copied per profile in _construct
    to_check = np.flatnonzero(text & ~empty)
    # Most list cells are written canonically: parsed here; the rest by the field.
    if column.tokens is not None:
        canonical = [_canonical(distinct[k], column.tokens, column.levels) for k in to_check.tolist()]
        for k, value in zip(to_check.tolist(), canonical, strict=True):
            values[k] = value
        to_check = to_check[np.array([value is _REFUSED for value in canonical], dtype=bool)]
    accepted = _accepted(column.adapter, [distinct[k] for k in to_check.tolist()])
    for k, value in zip(to_check.tolist(), accepted, strict=True):
        if value is _REFUSED:
            ok[k] = False
        else:
            values[k] = value
    not_text = codes < 0  # a missing value (NaN) is not a cell of text: the slow way decides
    codes = np.where(not_text, 0, codes)
    if len(distinct) == 0:
        n = len(cells)
        return _Parsed(np.full(n, None, dtype=object), np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))
    return _Parsed(values[codes], empty[codes] & ~not_text, ok[codes] & ~not_text)


def _accepted(adapter: TypeAdapter[list[Any]], cells: Sequence[str]) -> list[Any]:
    """The validated value of each cell, or ``_REFUSED``."""
    items = list(cells)
    try:
        return list(adapter.validate_python(items))
    except ValidationError as error:
        refused = {detail["loc"][0] for detail in error.errors() if detail["loc"]}
    kept = [k for k in range(len(items)) if k not in refused]
    try:
        validated = adapter.validate_python([items[k] for k in kept])
    except ValidationError:  # cannot happen (each item is validated on its own); stay on the safe side
        return [_REFUSED] * len(items)
    out: list[Any] = [_REFUSED] * len(items)
    for k, value in zip(kept, validated, strict=True):
        out[k] = value
    return out


def _apply_cross_field_rules(parsed: dict[str, _Parsed], rules: CrossFieldRules, ok: np.ndarray) -> None:
    """Clear ``ok`` for rows that break a rule between columns; fill coordinates from the municipality."""
    for low, high in rules.ordered:
        rows = np.flatnonzero(ok)
        a, b = parsed[low].values[rows].astype(np.int64), parsed[high].values[rows].astype(np.int64)
        ok[rows[a > b]] = False
    if rules.coordinates is None:
        return
    lat_name, lon_name, municipality_name = rules.coordinates
    lat, lon = parsed[lat_name], parsed[lon_name]
    lat_missing = np.array([value is None for value in lat.values], dtype=bool)
    lon_missing = np.array([value is None for value in lon.values], dtype=bool)
    ok &= lat_missing == lon_missing
    fill = np.flatnonzero(ok & lat_missing)
    municipalities = parsed[municipality_name].values
    for row in fill.tolist():
        town = MUNICIPALITIES[municipalities[row]]
        lat.values[row], lon.values[row] = town.lat, town.lon


def _construct(model: type[BaseModel], parsed: dict[str, _Parsed], ok: np.ndarray) -> list[Any]:
    """Profiles of the rows in ``ok`` from validated values, as ``model.model_construct`` builds them.

    The fields set are those whose cell was not empty, as in validation (empty cells are dropped
    before it). Lists and dicts are copied, so no two profiles share one.
    """
    rows = np.flatnonzero(ok)
    columns = _columns(model)
    names = [column.name for column in columns]
    values = [parsed[name].values[rows].tolist() for name in names]
    # Which cells were given: rows with the same pattern share one set of field names (copied per profile).
    present = np.stack([~parsed[name].empty[rows] for name in names], axis=1)
    patterns, pattern_of_row = np.unique(np.packbits(present, axis=1), axis=0, return_inverse=True)
    given = [
        frozenset(
            name
            for name, bit in zip(names, np.unpackbits(pattern)[: len(names)].tolist(), strict=True)
            if bit
        )
        for pattern in patterns
    ]
    containers = [(k, column.name) for k, column in enumerate(columns) if column.mutable]
    out: list[Any] = []
    new = model.__new__
    set_attribute = object.__setattr__
    for pattern, row in zip(pattern_of_row.reshape(-1).tolist(), zip(*values, strict=True), strict=True):
        data = dict(zip(names, row, strict=True))
        for k, name in containers:
            data[name] = row[k].copy()
        fields_set = given[pattern]
        profile = new(model)
        set_attribute(profile, "__dict__", data)
        set_attribute(profile, "__pydantic_fields_set__", set(fields_set))
        set_attribute(profile, "__pydantic_extra__", None)
        set_attribute(profile, "__pydantic_private__", None)
        out.append(profile)
    return out
