"""`make docs` runs every generator that a generated doc names."""

from __future__ import annotations

import re
import shlex

from tests.architecture.contracts import REPO


def make_docs_generators() -> set[str]:
    """The modules in the Makefile's DOC_GENERATORS, as `make docs` runs them."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = re.search(r"^DOC_GENERATORS := (.*)$", makefile, re.MULTILINE)
    assert line, "the Makefile has no DOC_GENERATORS"
    return {entry.split()[0] for entry in shlex.split(line.group(1))}


def named_generators() -> set[str]:
    """Every `python -m alarmbell...` that a file in docs/ names as its generator."""
    named = set()
    for path in (REPO / "docs").rglob("*"):
        if path.is_file() and path.suffix in {".md", ".json"}:
            named |= set(re.findall(r"python -m (alarmbell[\w.]*)", path.read_text(encoding="utf-8")))
    return named


def test_make_docs_runs_every_named_generator() -> None:
    generators = make_docs_generators()
    assert named_generators() <= generators, f"add to DOC_GENERATORS: {named_generators() - generators}"


def test_every_generator_in_make_docs_exists() -> None:
    for module in make_docs_generators():
        assert (REPO / "src" / (module.replace(".", "/") + ".py")).is_file(), module
