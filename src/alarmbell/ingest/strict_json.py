"""What JSON allows but a safeguarding record must not carry: deep nesting, NUL, repeated keys.

orjson parses nesting up to 1024 levels but writes only 254, so a deeper record parsed and then
failed when stored; PostgreSQL cannot store a NUL character in text; and a repeated key is
silently resolved to its last value, so two systems could read one line differently. The
checks are cheap first tests on bytes already at hand, with a walk of the record only when one
of them fires, so bulk ingest pays almost nothing for them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Final, cast

from alarmbell.ingest.base import FieldError

#: A record is an object (1) holding attrs (2) holding lists (3) of objects (4): 16 is generous.
MAX_DEPTH: Final[int] = 16
_KEY_END = re.compile(rb'"\s*:')


def _path(parts: tuple[str | int, ...]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(line)"


def _children(value: Any) -> Iterator[tuple[str | int, Any]]:
    if isinstance(value, dict):
        yield from value.items()
    elif isinstance(value, list):
        yield from enumerate(value)


def nesting_problem(obj: Any, canonical: bytes | None, limit: int = MAX_DEPTH) -> FieldError | None:
    """A FieldError naming the top-level field that nests too deep; `canonical` None when it
    could not be written at all. A bracket count over the written bytes rules most records out."""
    if canonical is not None and canonical.count(b"{") + canonical.count(b"[") <= limit:
        return None
    deepest, where = 0, cast(tuple[str | int, ...], ())
    stack: list[tuple[Any, tuple[str | int, ...], int]] = [(obj, (), 1)]
    while stack:  # iterative: the record may be nested far deeper than Python's recursion limit
        value, path, depth = stack.pop()
        if depth > deepest:
            deepest, where = depth, path
        for key, child in _children(value):
            if isinstance(child, dict | list):
                stack.append((child, (*path, key) if len(path) < 2 else path, depth + 1))
    if deepest <= limit:
        return None
    return FieldError(_path(where), f"nested {deepest} levels deep", f"at most {limit} levels of nesting")


def nul_problem(obj: Any, canonical: bytes) -> FieldError | None:
    """A FieldError naming the first text with a NUL character (a key or a value)."""
    if b"\\u0000" not in canonical:
        return None
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(obj, ())]
    while stack:
        value, path = stack.pop(0)
        for key, child in _children(value):
            here = (*path, key)
            if (isinstance(key, str) and "\x00" in key) or (isinstance(child, str) and "\x00" in child):
                return FieldError(
                    _path(here), "contains a NUL character (\\u0000)", "text without control characters"
                )
            stack.append((child, here))
    return None


class _Repeated(dict[str, Any]):
    """An object that had a key twice; `repeated` is the first such key."""

    repeated: str = ""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen and not isinstance(seen, _Repeated):
            seen = _Repeated(seen)
            seen.repeated = key
        seen[key] = value
    return seen


def _repeats(raw: bytes | str) -> Iterator[tuple[str | int, ...]]:
    """Paths of repeated keys, breadth first, so each record's shallowest repeat comes first."""
    try:
        parsed = json.loads(raw, object_pairs_hook=_pairs)
    except (ValueError, RecursionError):
        return
    queue: list[tuple[Any, tuple[str | int, ...]]] = [(parsed, ())]
    while queue:
        value, path = queue.pop(0)
        if isinstance(value, _Repeated):
            yield (*path, value.repeated)
        queue.extend((child, (*path, key)) for key, child in _children(value))


def _repeat_error(path: tuple[str | int, ...]) -> FieldError:
    return FieldError(_path(path), "appears twice in one object", "each key once")


def repeated_key(raw: bytes | str) -> FieldError | None:
    """A FieldError naming the first key that appears twice in one object, by its path."""
    first = next(_repeats(raw), None)
    return None if first is None else _repeat_error(first)


def _key_count(value: Any) -> int:
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            count += len(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def repeated_paths(raw: bytes, decoded: Any) -> list[tuple[str | int, ...]]:
    """Every repeated key in a JSON document already decoded by orjson (a FHIR bundle, an API
    body), by path; the precise parse runs only when there are more key endings than keys."""
    if len(_KEY_END.findall(raw)) <= _key_count(decoded):
        return []
    return list(_repeats(raw))


def path_text(parts: tuple[str | int, ...]) -> str:
    """`attrs.notes[1]`: how a path inside a record is written in messages."""
    return _path(parts)


def repeated_keys_in_body(body: bytes, records: list[Any], *, json_lines: bool) -> dict[int, FieldError]:
    """Record index -> its first repeated key, for an HTTP body already decoded into `records`:
    JSON Lines (blank lines skipped), one JSON object, or a JSON array of them. The precise
    parse runs only where the count of key endings says a key may repeat."""
    if json_lines:
        lines = [line for line in body.splitlines() if line.strip()]
        return {
            index: error
            for index, (line, record) in enumerate(zip(lines, records, strict=False))
            if len(_KEY_END.findall(line)) > _key_count(record) and (error := repeated_key(line))
        }
    many = body.lstrip().startswith(b"[")
    found: dict[int, FieldError] = {}
    for path in repeated_paths(body, records if many else records[0]):
        index, inner = (int(path[0]), path[1:]) if many and path else (0, path)
        found.setdefault(index, _repeat_error(inner))
    return found
