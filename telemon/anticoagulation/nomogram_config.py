"""The JSON form of a nomogram, as stored per version in the database or kept in configuration.

Kept apart from nomogram.py, which holds the clinical rule; this module only reads and writes
the table, refusing anything that is not a complete, well-typed one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any, cast

from telemon.anticoagulation.nomogram import _ANCHORS, Anchor, Band, Limit, Nomogram

# Field types as written in the dataclasses above (annotations are strings here).
_KINDS: dict[str, type] = {
    "float": float,
    "int": int,
    "bool": bool,
    "int | None": int,
    "str": str,
}


def _scalar(value: object, annotation: str, where: str) -> object:
    kind = _KINDS[annotation]
    if value is None and annotation.endswith("| None"):
        return None
    if kind is str:
        if not isinstance(value, str):
            raise ValueError(f"nomogram: {where} must be a string, got {value!r}")
        return value
    # bool is an int in Python; a JSON `true` where a number belongs is a configuration mistake.
    if isinstance(value, bool) != (kind is bool) or not isinstance(value, int | float):
        raise ValueError(f"nomogram: {where} must be {annotation}, got {value!r}")
    if kind is int and not isinstance(value, int):
        raise ValueError(f"nomogram: {where} must be a whole number, got {value!r}")
    return kind(value)


def _settings(cls: type, raw: Mapping[str, object], where: str, own: set[str]) -> dict[str, Any]:
    types = {f.name: str(f.type) for f in fields(cls)}
    unknown = set(raw) - set(types)
    if unknown:
        raise ValueError(f"nomogram: {where}unknown keys {sorted(unknown)}")
    return {k: _scalar(v, types[k], where + k) for k, v in raw.items() if k not in own}


def _limit_from(value: object, where: str) -> Limit | None:
    if value is None or isinstance(value, Limit):
        return value
    if isinstance(value, Mapping):
        anchor = value.get("anchor")
        if anchor not in _ANCHORS or set(value) - {"anchor", "offset"}:
            raise ValueError(f"nomogram: {where} needs anchor (one of {_ANCHORS}) and offset")
        offset = _scalar(value.get("offset", 0.0), "float", where + ".offset")
        return Limit(cast(Anchor, anchor), cast(float, offset))
    return Limit("inr", cast(float, _scalar(value, "float", where)))


def _limit_to(limit: Limit | None) -> object:
    if limit is None or limit.anchor == "inr":
        return None if limit is None else limit.offset
    return {"anchor": limit.anchor, "offset": limit.offset}


def nomogram_from_dict(data: Mapping[str, object]) -> Nomogram:
    """Build a nomogram from its JSON form (see `nomogram_to_dict`), as kept in config or DB.

    A band edge is a number (absolute INR), null (unbounded) or {"anchor": "target_low" |
    "target_high", "offset": INR units}. Omitted settings take the defaults. Raises ValueError
    naming the problem: unknown keys, wrong types, gaps or overlaps between bands, a table that
    does not fit the 2.0–3.0 and 2.5–3.5 target ranges, impossible doses or intervals.
    """
    version, raw_bands = data.get("version"), data.get("bands")
    if not isinstance(version, str):
        raise ValueError("nomogram: version must be a string")
    if not isinstance(raw_bands, Sequence) or isinstance(raw_bands, str):
        raise ValueError("nomogram: bands must be a list")
    bands = []
    for i, raw in enumerate(raw_bands):
        where = f"bands[{i}]."
        if not isinstance(raw, Mapping) or not {"lower", "upper"} <= set(raw):
            raise ValueError(f"nomogram: bands[{i}] must be an object with lower and upper")
        settings = _settings(Band, raw, where, {"lower", "upper"})
        lower = _limit_from(raw["lower"], where + "lower")
        bands.append(Band(lower, _limit_from(raw["upper"], where + "upper"), **settings))
    return Nomogram(version, tuple(bands), **_settings(Nomogram, data, "", {"version", "bands"}))


def nomogram_to_dict(n: Nomogram) -> dict[str, object]:
    """The JSON form of a nomogram with every setting spelled out; nomogram_from_dict reads it."""
    out: dict[str, object] = {f.name: getattr(n, f.name) for f in fields(n)}
    out["bands"] = [
        {
            f.name: _limit_to(v) if f.name in ("lower", "upper") else v
            for f in fields(b)
            for v in [getattr(b, f.name)]
        }
        for b in n.bands
    ]
    return out
