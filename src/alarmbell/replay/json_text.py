"""A replay's JSON written a person or an alert at a time, as the same text `json.dumps` gives.

A population's replay as one object and then one string (120,000 people at 50,000 children) held
both whole at once. Here the lists are read from iterators and each item is encoded on its own,
with the indentation `json.dumps(value, indent=2, ensure_ascii=False)` would have given it, so
the text is exactly that of encoding the whole object.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

INDENT = "  "


@dataclass(frozen=True)
class Items:
    """A JSON array whose items are made as the text is written (an iterable read once)."""

    items: Iterable[Any]


def json_chunks(value: Any, level: int = 0) -> Iterator[str]:
    """The text of `json.dumps(value, indent=2, ensure_ascii=False)` in pieces; `Items` anywhere
    in dicts stand for lists."""
    if isinstance(value, dict) and _holds_items(value):
        yield from _container("{", "}", _fields(value, level + 1), level)
    elif isinstance(value, Items):
        yield from _container("[", "]", (_value(item, level + 1) for item in value.items), level)
    else:
        yield _value(value, level)


def _holds_items(value: Any) -> bool:
    if isinstance(value, Items):
        return True
    return isinstance(value, dict) and any(_holds_items(v) for v in value.values())


def _fields(value: dict[str, Any], level: int) -> Iterator[Iterator[str]]:
    for key, item in value.items():
        yield chain((json.dumps(key, ensure_ascii=False), ": "), json_chunks(item, level))


def _value(value: Any, level: int) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + INDENT * level)


def _container(opening: str, closing: str, parts: Iterable[Iterable[str] | str], level: int) -> Iterator[str]:
    inner = "\n" + INDENT * (level + 1)
    empty = True
    for part in parts:
        yield (opening if empty else ",") + inner
        empty = False
        if isinstance(part, str):
            yield part
        else:
            yield from part
    yield opening + closing if empty else "\n" + INDENT * level + closing


def write_json(value: Any, write: Any, *, buffer_chars: int = 1 << 16) -> None:
    """Write `json_chunks(value)` through `write` in pieces of about `buffer_chars` characters."""
    pending: list[str] = []
    size = 0
    for chunk in json_chunks(value):
        pending.append(chunk)
        size += len(chunk)
        if size >= buffer_chars:
            write("".join(pending))
            pending, size = [], 0
    if pending:
        write("".join(pending))
