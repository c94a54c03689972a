"""NUL bytes (character 0) in a CSV file: a precise error at their line, the good lines kept.

A file left unfinished by a copy or a full disk is padded with NUL bytes, and some exports begin
with one. Before, a file of nothing but NUL bytes was "0 accepted, 0 rejected" (a lost file, said
to be fine), a NUL-filled header rejected every row as "16 cells, the header has 1", NUL padding
at the end was "1 cells, the header has 16", and a NUL before the header showed in every message
naming the first column.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from .conftest import DOC_SAMPLES, events, ingest
from .test_csv_robustness import SAMPLES, _assert_good_rows_kept

EXPECTED = (
    "(expected text without NUL bytes; a file holding them was usually not completely written: "
    "export it again)"
)


def _write(tmp_path: Path, sample: str, content: bytes) -> Path:
    path = tmp_path / sample
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("sample", SAMPLES)
def test_a_nul_byte_before_the_header_is_said_once_and_every_line_is_read(
    engine: Engine, tmp_path: Path, sample: str
) -> None:
    path = _write(tmp_path, sample, b"\x00" + (DOC_SAMPLES / sample).read_bytes())
    result = ingest(engine, path)
    assert result.rejections() == []
    assert f"{path}:1: (header): warning: 1 NUL byte (character 0) removed from the header line" in "\n".join(
        result.messages
    )
    assert not any("\x00" in m for m in result.messages)
    _assert_good_rows_kept(engine, tmp_path, sample)


@pytest.mark.parametrize("sample", SAMPLES)
def test_a_nul_byte_in_a_cell_rejects_its_row_naming_the_column(
    engine: Engine, tmp_path: Path, sample: str
) -> None:
    header, *rows = (DOC_SAMPLES / sample).read_bytes().splitlines(keepends=True)
    cells = rows[1].rstrip(b"\r\n").split(b",")
    cells[1] = cells[1][:1] + b"\x00" + cells[1][1:]
    path = _write(tmp_path, sample, header + b",".join(cells) + b"\n" + b"".join(rows))
    column = header.decode().split(",")[1].strip()
    assert ingest(engine, path).rejections() == [
        f"{path}:2: {column}: 1 NUL byte (character 0) in the cell {EXPECTED}"
    ]
    _assert_good_rows_kept(engine, tmp_path, sample)


@pytest.mark.parametrize("sample", SAMPLES)
def test_nul_padding_at_the_end_is_one_precise_error(engine: Engine, tmp_path: Path, sample: str) -> None:
    content = (DOC_SAMPLES / sample).read_bytes()
    last_line = content.count(b"\n") + 1
    path = _write(tmp_path, sample, content + b"\x00" * 300)
    assert ingest(engine, path).rejections() == [
        f"{path}:{last_line}: (line): 300 NUL bytes (character 0) and nothing else {EXPECTED}"
    ]
    _assert_good_rows_kept(engine, tmp_path, sample)


def test_a_file_of_nothing_but_nul_bytes_is_rejected_not_read_as_empty(
    engine: Engine, tmp_path: Path
) -> None:
    path = _write(tmp_path, "school-concerns.concerns.csv", b"\x00" * 4096)
    result = ingest(engine, path)
    assert result.rejections() == [
        f"{path}:1: (file): only NUL bytes (character 0) where the header line should be, so no line "
        "can be read (expected a header line naming the columns; text without NUL bytes; a file "
        "holding them was usually not completely written: export it again)"
    ]
    assert (result.summary.accepted, result.summary.rejected) == (0, 1)
    assert events(engine) == {}
