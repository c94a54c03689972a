"""The shipped Crime Harm Index table: every value sourced, fallbacks marked (bigamy)."""

from __future__ import annotations

import pytest
import yaml

from alarmbell.triage.harm import HarmTable, default_harm_table, normalise


def test_bigamy_falls_back_to_miscellaneous_crimes_against_society() -> None:
    value = default_harm_table().lookup("Bigamy")
    assert value.days == 10
    assert value.basis == "subgroup fallback"
    assert value.subgroup == "miscellaneous crimes against society"
    text = value.explain("bigamy")
    assert "fallback" in text and "miscellaneous crimes against society" in text
    assert "No offence-level CCHI value was found for bigamy" in text


def test_offence_level_value_carries_its_own_source() -> None:
    value = default_harm_table().lookup("murder")
    assert value.days == 5475 and value.basis == "offence"
    assert "Sentencing Act 2020" in value.source


@pytest.mark.parametrize(
    ("name", "days", "subgroup"),
    [
        ("G.B.H.", 365, "violence with injury"),
        ("assault occasioning actual bodily harm", 365, "violence with injury"),
        ("Common  Assault", 10, "violence without injury"),
        ("coercive control", 10, "stalking and harassment"),
        ("rape", 2555, "rape"),
        ("shoplifting", 1, "shoplifting"),
    ],
)
def test_aliases_and_subgroups(name: str, days: float, subgroup: str) -> None:
    value = default_harm_table().lookup(name)
    assert (value.days, value.subgroup) == (days, subgroup)


def test_an_unknown_offence_is_marked_not_silently_harmless() -> None:
    value = default_harm_table().lookup("hare coursing")
    assert value.basis == "unknown offence" and value.days == 10
    assert "not in alarmbell's harm table" in value.explain("hare coursing")


def test_every_value_has_a_source() -> None:
    table = default_harm_table()
    assert all(source for _days, source in table.subgroups.values())
    for offence in table.offences():
        assert table.lookup(offence).source, offence


def test_a_value_without_a_source_is_refused() -> None:
    data = yaml.safe_load(
        """
        version: test
        subgroups: {theft: {days: 2, source: s}}
        offences: [{name: theft, subgroup: theft, days: 3}]
        """
    )
    with pytest.raises(ValueError, match="no source"):
        HarmTable(data)


def test_normalise() -> None:
    assert normalise("  G.B.H.  with-Intent ") == "gbh with intent"
