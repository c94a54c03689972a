"""Issue 19 defect 7: a huge cell or a stray carriage return is one precise error, not a lost file.

Each documented CSV sample gets a bad copy of its second data row inserted after the header;
the bad row must be reported at its own line, with no traceback, and every good row must give
exactly what the clean sample gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from .conftest import DOC_SAMPLES, events, ingest, people

SAMPLES = [
    "incidents.police.csv",
    "school-concerns.concerns.csv",
    "school-attendance.attendance.csv",
    "cin-template.cin.csv",
]
BIG = 10 * 1024 * 1024


def _with_bad_row(sample: str, tmp_path: Path, spoil: str) -> Path:
    header, *rows = (DOC_SAMPLES / sample).read_bytes().splitlines(keepends=True)
    cells = rows[1].rstrip(b"\r\n").split(b",")
    if spoil == "big cell":
        cells[1] = b"x" * BIG
    else:
        cells[1] = cells[1][:1] + b"\r" + cells[1][1:]
    bad = b",".join(cells) + b"\n"
    path = tmp_path / sample
    path.write_bytes(header + bad + b"".join(rows))
    return path


@pytest.mark.parametrize("sample", SAMPLES)
def test_a_ten_megabyte_cell_rejects_its_row_only(engine: Engine, tmp_path: Path, sample: str) -> None:
    path = _with_bad_row(sample, tmp_path, "big cell")
    result = ingest(engine, path)
    header = (DOC_SAMPLES / sample).read_text().splitlines()[0].split(",")
    assert result.rejections() == [
        f"{path}:2: {header[1]}: a cell of {BIG:,} characters (expected at most 131,072 characters in a cell)"
    ]
    _assert_good_rows_kept(engine, tmp_path, sample)


@pytest.mark.parametrize("sample", SAMPLES)
def test_a_stray_carriage_return_rejects_its_row_only(engine: Engine, tmp_path: Path, sample: str) -> None:
    path = _with_bad_row(sample, tmp_path, "carriage return")
    result = ingest(engine, path)
    assert result.rejections() == [
        f"{path}:2: (line): a carriage return (CR) inside a cell without quotes (expected each row on "
        "one line, or quotes around a cell that holds a line break)"
    ]
    _assert_good_rows_kept(engine, tmp_path, sample)


def _assert_good_rows_kept(engine: Engine, tmp_path: Path, sample: str) -> None:
    kept_events, kept_people = events(engine), people(engine)
    assert kept_events, "the good rows must be kept"
    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    clean = clean_dir / sample
    clean.write_bytes((DOC_SAMPLES / sample).read_bytes())
    again = ingest(engine, clean)
    assert again.summary.accepted == 0, "the clean sample adds nothing the spoilt one did not keep"
    assert (events(engine), people(engine)) == (kept_events, kept_people)


@pytest.mark.parametrize(
    ("sample", "column", "value"),
    [
        ("incidents.police.csv", "Occurrence Date", "01/06/0999"),
        ("school-concerns.concerns.csv", "Date", "0001-01-01"),
        ("school-attendance.attendance.csv", "Period Start", "01/09/9999"),
        ("cin-template.cin.csv", "Date", "0999-06-01"),
    ],
)
def test_a_date_outside_1900_to_next_year_names_its_column(
    engine: Engine, tmp_path: Path, sample: str, column: str, value: str
) -> None:
    """Issue 19 defect 2 through the CSV formats: the year 0999 reached the store unpadded."""
    header, *rows = (DOC_SAMPLES / sample).read_text().splitlines(keepends=True)
    index = [h.strip() for h in header.split(",")].index(column)
    cells = rows[1].split(",")
    cells[index] = value
    path = tmp_path / sample
    path.write_text(header + ",".join(cells) + "".join(rows))
    [message] = ingest(engine, path).rejections()
    assert message.startswith(f"{path}:2: {column}: '{value}' is ")
    assert "(expected a date from 1900-01-01 to " in message
    _assert_good_rows_kept(engine, tmp_path, sample)
