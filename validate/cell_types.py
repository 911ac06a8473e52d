"""Readers for the Table Schema types whose cells are structured text: geopoint, geojson, object,
array and duration, each as frictionless 5 reads it (frictionless/fields/*.py).

Each reader returns None for a cell frictionless reports as a type-error, and a value (never
used as such: no check compares these values) otherwise. A cell is text of at most one line's
bytes (the loader's limit), so parsing it as JSON is bounded; JSON nested too deeply to parse
is a cell that does not read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any


def structured_reader(kind: str, form: object) -> Callable[[str], object] | None:
    """frictionless's reader for a structured type in that format, or None for any other type."""
    if kind == "geopoint":
        return lambda cell: _geopoint(cell, form)
    if kind == "geojson":
        return _geojson(form)
    if kind == "object":
        return lambda cell: _json_of(cell, dict)
    if kind == "array":
        return lambda cell: _json_of(cell, list)
    if kind == "duration":
        return _duration
    return None


def _json(cell: str) -> Any:
    """The cell as JSON, or None when it is not JSON (or nested past what the parser takes)."""
    try:
        return json.loads(cell)
    except (ValueError, RecursionError):
        return None


def _json_of(cell: str, kind: type) -> object:
    """The cell as a JSON value of that kind (object or array), else None."""
    value = _json(cell)
    return value if isinstance(value, kind) else None


def _geopoint(cell: str, form: object) -> tuple[Decimal, Decimal] | None:
    """A longitude and latitude within bounds, written as 'lon, lat', [lon, lat] or {"lon", "lat"}."""
    try:
        if form == "array":
            value = _json(cell)
            if not isinstance(value, list) or len(value) != 2:
                return None
            lon, lat = value
        elif form == "object":
            value = _json(cell)
            if not isinstance(value, dict) or len(value) != 2 or not {"lon", "lat"} <= value.keys():
                return None
            lon, lat = value["lon"], value["lat"]
        else:
            parts = cell.split(",")
            if len(parts) != 2:
                return None
            lon, lat = (p.strip() for p in parts)
        if (
            isinstance(lon, bool)
            or isinstance(lat, bool)
            or not all(isinstance(v, (str, int, float)) for v in (lon, lat))
        ):
            return None
        point = Decimal(str(lon)), Decimal(str(lat))
    except (InvalidOperation, ValueError):
        return None
    if not all(v.is_finite() for v in point):
        return None
    return point if -180 <= point[0] <= 180 and -90 <= point[1] <= 90 else None


def _geojson(form: object) -> Callable[[str], object]:
    """A JSON object, checked against the GeoJSON (or TopoJSON) profile frictionless ships."""
    from frictionless import settings
    from jsonschema.validators import validator_for  # type: ignore[import-untyped]

    profile = settings.TOPOJSON_PROFILE if form == "topojson" else settings.GEOJSON_PROFILE
    validator = validator_for(profile)(profile) if form in ("default", "topojson", None) else None

    def read(cell: str) -> object:
        value = _json(cell)
        if not isinstance(value, dict):
            return None
        try:
            return value if validator is None or validator.is_valid(value) else None
        except RecursionError:
            return None

    return read


def _duration(cell: str) -> object:
    """An ISO 8601 duration, as isodate reads it (P1Y2M3DT4H5M6S, PT5M, P2W)."""
    import isodate  # type: ignore[import-untyped]

    try:
        return isodate.parse_duration(cell)
    except (isodate.ISO8601Error, ValueError, TypeError, OverflowError, ArithmeticError):
        return None
