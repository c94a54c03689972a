"""How a health extract's safeguarding column is read (ingest/health_rows.py): a concern named in
words is a concern, a plain no is none, and words saying nobody knows are left unread."""

from __future__ import annotations

import pytest

from alarmbell.ingest.health_rows import age_at, safeguarding_flag


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Yes", True),
        ("Y ", True),
        ("Yes - Domestic abuse", True),
        ("Child protection concern", True),
        ("Child in need", True),
        ("Adult at risk", True),
        ("No", False),
        ("None", False),
        ("Nil", False),
        ("No concerns", False),
        ("Unknown", None),
        ("Not assessed", None),
        ("N/K", None),
        ("see notes", None),
        (None, None),
    ],
)
def test_a_safeguarding_column_reads_a_concern_only_where_one_is_named(
    written: str | None, read: bool | None
) -> None:
    assert safeguarding_flag(written) is read


def test_age_counts_whole_years_to_the_day_and_needs_a_full_date_of_birth() -> None:
    assert age_at("2009-05-21", "2025-05-20T23:00:00") == 15
    assert age_at("2009-05-21", "2025-05-21") == 16
    assert age_at("2009-05", "2025-05-21") is None
