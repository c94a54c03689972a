"""docs/architecture.md draws the layers contract in pyproject.toml, layer for layer."""

from __future__ import annotations

import re

from tests.architecture.contracts import REPO, layer_lines

DOC = REPO / "docs" / "architecture.md"


def drawn_layers() -> list[str]:
    """The first ```text block of the doc, one layer a line, without the arrows between them."""
    block = re.search(r"```text\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert block, "docs/architecture.md has no ```text block with the layers"
    lines = (" ".join(line.split()) for line in block.group(1).splitlines())
    return [line for line in lines if line and line != "↓"]


def layer(line: str) -> tuple[str, frozenset[str]]:
    """A layer as its kind of siblings and their names: the order of siblings does not matter."""
    kind = ":" if ":" in line else "|"
    return kind, frozenset(name.strip() for name in line.split(kind))


def test_the_diagram_lists_the_contract_layers_in_order() -> None:
    assert [layer(line) for line in drawn_layers()] == [layer(line) for line in layer_lines()]
