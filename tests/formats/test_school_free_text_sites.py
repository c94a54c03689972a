"""A school's own words for a body site keep the injury concern (issue 15: "Left cheek")."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from alarmbell.domain.body_sites import regions

from .conftest import events, ingest

HEADER = (
    "Concern ID,Date,Time,School,UPN,Surname,Forename,Date of Birth,Gender,Year Group,Category,"
    "Body Map Site,Concern,Action Taken,DSL,Recorded By\n"
)


def _file(tmp_path: Path, site: str) -> Path:
    path = tmp_path / "sites.concerns.csv"
    path.write_text(
        HEADER + f"C1,12/03/2024,09:10,Oak Primary,A123456789012,Stone,Amy,02/03/2015,F,Year 4,Injury,"
        f'"{site}",Bruising seen in class,Told DSL,J Smith,K Jones\n'
    )
    return path


def test_a_schools_own_words_for_a_site_keep_the_concern_with_a_warning(
    engine: Engine, tmp_path: Path
) -> None:
    result = ingest(engine, _file(tmp_path, "Left cheek; left_ear"))
    assert result.rejections() == []
    warnings = [m for m in result.messages if ": warning: " in m]
    assert (
        len(warnings) == 1
        and "'Left cheek' is not a body-map site: kept as written, read as cheek" in warnings[0]
    )
    attrs = events(engine)["concern:C1"]["attrs"]
    assert attrs["sites"] == ["Left cheek", "left_ear"]
    assert regions(attrs["sites"]) == {"cheek", "ear"}, "the policy reads both as face and ear regions"
    assert ingest(engine, _file(tmp_path, "Left cheek; left_ear")).summary.accepted == 0


def test_a_site_nobody_can_read_is_kept_as_written_and_said_so(engine: Engine, tmp_path: Path) -> None:
    result = ingest(engine, _file(tmp_path, "see attached sheet"))
    assert result.rejections() == []
    assert any("not read as a part of the body" in m for m in result.messages)
    assert events(engine)["concern:C1"]["attrs"]["site"] == "see attached sheet"


def _nursery_file(tmp_path: Path, concern: str) -> Path:
    path = tmp_path / "nursery.concerns.csv"
    path.write_text(
        HEADER
        + f"C2,12/03/2024,09:10,Oak Nursery,A123456789012,Stone,Amy,02/03/2021,F,Nursery,Physical injury,"
        f'"left_ear",{concern},Told DSL,J Smith,K Jones\n'
    )
    return path


def test_a_bruise_named_in_the_concerns_words_is_put_on_the_marked_sites(
    engine: Engine, tmp_path: Path
) -> None:
    ingest(engine, _nursery_file(tmp_path, "Bruise behind left ear noticed at drop-off"))
    attrs = events(engine)["concern:C2"]["attrs"]
    assert (attrs["injury"], attrs["bruise_sites"]) == ("bruise", ["left_ear"])
    assert attrs["injuries"] == [{"site": "left_ear", "injury": "bruise"}]


def test_words_naming_no_injury_or_two_kinds_add_no_body_map(engine: Engine, tmp_path: Path) -> None:
    for n, concern in enumerate(("Said her ear hurt; no bruising seen", "a bruise and a small burn")):
        ingest(engine, _nursery_file(tmp_path, concern))
        attrs = events(engine)["concern:C2"]["attrs"]
        assert "injury" not in attrs and "bruise_sites" not in attrs, (n, attrs)


def _concern(tmp_path: Path, category: str, site: str, concern: str, concern_id: str = "C4") -> Path:
    path = tmp_path / "placed.concerns.csv"
    path.write_text(
        HEADER + f"{concern_id},12/03/2024,09:10,Oak Primary,A123456789012,Stone,Amy,02/03/2019,F,Year 1,"
        f'{category},"{site}","{concern}",Told DSL,J Smith,K Jones\n'
    )
    return path


def _forearm_file(tmp_path: Path, concern: str) -> Path:
    return _concern(tmp_path, "Injury", "Left forearm", concern, concern_id="C3")


def test_cuts_or_a_bite_named_in_the_words_are_put_on_the_marked_site(engine: Engine, tmp_path: Path) -> None:
    for concern, injury in (("Cuts to left forearm", "laceration"), ("Bite mark on arm", "bite")):
        result = ingest(engine, _forearm_file(tmp_path, concern))
        assert result.rejections() == []
        attrs = events(engine)["concern:C3"]["attrs"]
        assert (attrs["injury"], attrs["site"]) == (injury, "left_forearm"), concern
        assert attrs["injuries"] == [{"site": "left_forearm", "injury": injury}]
        assert ingest(engine, _forearm_file(tmp_path, concern)).summary.accepted == 0


def test_a_cut_beside_a_bruise_puts_both_on_the_map(engine: Engine, tmp_path: Path) -> None:
    """Before, these words kept only the bruise: each injury is now read with its site."""
    ingest(engine, _forearm_file(tmp_path, "Bruising and a cut to left forearm"))
    attrs = events(engine)["concern:C3"]["attrs"]
    assert (attrs["injury"], attrs["bruise_sites"]) == ("bruise", ["left_forearm"])
    assert attrs["injuries"] == [
        {"site": "left_forearm", "injury": "bruise"},
        {"site": "left_forearm", "injury": "laceration"},
    ]


def test_each_marked_site_takes_the_injury_its_words_place_there(engine: Engine, tmp_path: Path) -> None:
    """Before, both marked sites were given the bruise: the red mark on the cheek read as a
    bruise to a TEN-4-FACESp region."""
    concern = "Finger-tip bruising to left upper arm and a red mark on right cheek"
    ingest(engine, _concern(tmp_path, "Physical injury", "Left arm; Right cheek", concern))
    attrs = events(engine)["concern:C4"]["attrs"]
    assert attrs["injuries"] == [
        {"site": "Left arm", "injury": "bruise"},
        {"site": "Right cheek", "injury": "mark"},
    ]
    assert (attrs["injury"], attrs["site"], attrs["bruise_sites"]) == ("bruise", "Left arm", ["Left arm"])
    assert attrs["sites"] == ["Left arm", "Right cheek"]


@pytest.mark.parametrize(
    ("category", "concern", "injuries"),
    [
        ("Injury", "Bruise to left cheek and a burn on his right hand",
         [{"site": "right hand", "injury": "burn"}, {"site": "left cheek", "injury": "bruise"}]),
        ("Physical abuse", "Came in with a bruise to his right cheek, said Liam did it",
         [{"site": "right cheek", "injury": "bruise"}]),
        ("Injury", "No bruises seen on back when changing for PE", None),
        ("Injury", "Bruising seen, said she fell", None),
        # Another person's injury told in a concern of another kind is not put on the child.
        ("Domestic abuse", "Said mummy had a bruise on her face after Liam shouted", None),
    ],
)  # fmt: skip
def test_a_concern_with_no_site_marked_is_mapped_from_its_words_when_about_an_injury(
    engine: Engine, tmp_path: Path, category: str, concern: str, injuries: list[dict[str, str]] | None
) -> None:
    ingest(engine, _concern(tmp_path, category, "", concern))
    assert events(engine)["concern:C4"]["attrs"].get("injuries") == injuries
    assert ingest(engine, _concern(tmp_path, category, "", concern)).summary.accepted == 0


def test_cut_in_another_sense_adds_no_body_map(engine: Engine, tmp_path: Path) -> None:
    for concern in ("Mum has cut off contact with dad; arm hurts", "No cuts or bruises seen on arm"):
        ingest(engine, _forearm_file(tmp_path, concern))
        assert "injury" not in events(engine)["concern:C3"]["attrs"], concern
