"""Exchange-format input files of a requested size, for the ingest benchmark.

A seeded synthetic population is generated once; its agency files are then repeated, with every
synthetic source_id suffixed per repetition, until the file reaches the size asked for. So a 1 GB
file holds millions of distinct records whose references (subjects, from/to, victim) still agree.
Files are written block by block and cached under benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from alarmbell.synth import generate

OUT = Path(__file__).parent / "out"
SEED = 20261127
CHILDREN = 10_000
YEARS = 3
AGENCY_FILES = ("health", "education", "children_social_care", "police")
#: Synthetic source_ids (see alarmbell.synth.ids): agency prefix, record letter, digits.
_ID = re.compile(rb'"((?:POL|HEA|EDU|CSC)-[A-Z]\d+)"')
_BLOCK = 8 << 20
_UNITS = {"KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}


def parse_size(text: str) -> int:
    """'100MB' -> bytes (binary units, as `ls -h` shows them)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]B)\s*", text.upper())
    if not match:
        raise ValueError(f"size {text!r}: expected a number and KB, MB or GB, e.g. 100MB")
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def population_dir() -> Path:
    """The generated population, made once per seed and size and then reused."""
    folder = OUT / f"synth-{SEED}-{CHILDREN}x{YEARS}"
    done = folder / ".complete"
    if not done.exists():
        generate(children=CHILDREN, years=YEARS, seed=SEED, out_dir=folder)
        done.touch()
    return folder


def input_file(label: str) -> Path:
    """The input file of size `label` (e.g. '100MB'), built if it is not cached yet."""
    target = parse_size(label)
    path = OUT / f"ingest-{label.upper()}.jsonl"
    if path.exists() and path.stat().st_size >= target:
        return path
    source = population_dir()
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        for block in _blocks(source, target):
            out.write(block)
    partial.replace(path)
    return path


def _blocks(source: Path, target: int) -> Iterator[bytes]:
    """Whole lines, repetition after repetition, until at least `target` bytes."""
    written = 0
    repetition = 0
    while written < target:
        for name in AGENCY_FILES:
            for block in _file_blocks(source / f"{name}.jsonl"):
                renamed = _suffix_ids(block, repetition)
                if written + len(renamed) >= target:
                    yield renamed[: renamed.find(b"\n", target - written - 1) + 1]
                    return
                written += len(renamed)
                yield renamed
        repetition += 1


def _file_blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            yield block + handle.readline()  # end every block on a line boundary


def _suffix_ids(block: bytes, repetition: int) -> bytes:
    if repetition == 0:
        return block
    tag = f"-r{repetition}".encode()
    return _ID.sub(lambda m: b'"' + m.group(1) + tag + b'"', block)


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(_BLOCK), b""))
