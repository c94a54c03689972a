"""What a selector's conditions read of an event, as a key: equal key, equal answers.

The conditions (`model.Condition.holds`) read only an event's kind, attrs and narrative, and
agencies' events repeat them: in a synthetic county 177k events hold 18k distinct ones. The
engine (`engine._Known.matches_of`) and the pre-pass (`reach.Reach.atoms_holding`) keep their
answers per key, so a repeated event costs a dict lookup instead of the text readers'
regular expressions.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

#: Sorted keys, no spaces, and no NaN or infinity (JSON has none; a key that wrote them as
#: null would make an attr of NaN and one of None the same event).
_ATTRS_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), allow_nan=False).encode

#: Answers kept per cache before it is emptied: a rescore of a nation streams millions of events.
KEPT = 50_000


def attrs_key(attrs: dict[str, Any]) -> str | bytes | None:
    """The attrs as JSON; None when they are not plain JSON, since a key that could make two
    different values equal would be wrong: such an event is tested afresh.

    Plain means exactly what parsing JSON gives: an encoder alone would write a tuple as a
    list, an int key as a string, NaN as null and a str or int subclass as its value, and a
    condition can tell those apart (`in` takes a tuple as one value, a list as none). Most
    events' attrs are text, whole numbers, booleans and lists of them: those are written by
    orjson as they come (keys in their order, so the same attrs in another order are only
    another key, never a wrong answer); anything else canonically by the standard encoder.
    """
    if all(_flat(v) for v in attrs.values()):
        try:
            return orjson.dumps(attrs)
        except TypeError:  # a key that is not text, an integer beyond 64 bits
            return None
    if not _plain(attrs):
        return None
    try:
        return _ATTRS_JSON(attrs)
    except ValueError:  # NaN or infinity
        return None


#: Values orjson writes exactly as they are: no float (NaN), no subclass, no tuple.
_FLAT = frozenset({str, int, bool, type(None)})


def _flat(value: Any) -> bool:
    return type(value) in _FLAT or (type(value) is list and all(type(item) in _FLAT for item in value))


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> bool:
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is list:
        return all(_plain(item) for item in value)
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


__all__ = ["KEPT", "attrs_key"]
