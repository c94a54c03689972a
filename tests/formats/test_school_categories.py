"""A school log's categories: KCSIE's, however spelt, and an unknown one never loses the concern."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from alarmbell.domain.concern_categories import CONCERN_CATEGORIES, LABELS, concern_category, normalise_label
from alarmbell.ingest.attrs import check_attrs

from .conftest import REPO, events, ingest, quarantined

HEADER = "Concern ID,Date,UPN,Surname,Forename,Date of Birth,Category,Concern\n"

#: Labels as school logs write them -> the category they must become.
SPELLINGS: dict[str, str] = {
    "Sexual abuse": "sexual_abuse",
    "PHYSICAL ABUSE": "physical_abuse",
    "Neglect": "neglect",
    "Emotional abuse": "emotional_abuse",
    "Domestic abuse": "domestic_abuse",
    "DV": "domestic_abuse",
    "D.A.": "domestic_abuse",
    "Child sexual exploitation (CSE)": "sexual_exploitation",
    "cse": "sexual_exploitation",
    "Child Criminal Exploitation (CCE)": "criminal_exploitation",
    "CCE": "criminal_exploitation",
    "County lines": "county_lines",
    "Online safety": "online_safety",
    "Child-on-child abuse": "child_on_child_abuse",
    "Peer on peer abuse": "child_on_child_abuse",
    "Peer-on-peer": "child_on_child_abuse",
    "Self-harm": "self_harm",
    "Missing from education": "missing_education",
    "Children missing education": "missing_education",
    "Radicalisation / Prevent": "radicalisation",
    "FGM": "fgm",
    "Honour-based abuse": "honour_based_abuse",
    "Serious violence": "serious_violence",
    "Private fostering": "private_fostering",
    "Young carer": "young_carer",
    "Low-level concern": "low_level_concern",
    # every earlier mapping still holds
    "Attendance": "attendance",
    "Mental health": "emotional",
    "Neglect - Hunger": "hunger",
    "neglect-hunger": "hunger",
    "Mark or injury": "injury",
    "Hygiene": "appearance",
    "Emotional wellbeing": "emotional",
    "Other": "other",
}


def _log(tmp_path: Path, categories: list[str]) -> Path:
    rows = [
        f'C-{n},01/10/2023,B999201500101,Harker,Maisie,14/06/2019,"{label}",Seen at gate\n'
        for n, label in enumerate(categories, start=1)
    ]
    path = tmp_path / "log.concerns.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_kcsie_categories_in_their_usual_spellings_are_mapped(engine: Engine, tmp_path: Path) -> None:
    labels = list(SPELLINGS)
    result = ingest(engine, _log(tmp_path, labels))
    assert result.messages == []
    got = events(engine)
    mapped = {label: got[f"concern:C-{n}"]["attrs"]["category"] for n, label in enumerate(labels, start=1)}
    assert mapped == SPELLINGS
    assert got["concern:C-8"]["attrs"]["category_label"] == "Child sexual exploitation (CSE)"


def test_an_unknown_category_keeps_the_concern_as_other_with_a_warning(
    engine: Engine, tmp_path: Path
) -> None:
    path = _log(tmp_path, ["Sadness", "Injury"])
    result = ingest(engine, path)
    assert result.rejections() == []
    assert quarantined(engine) == []
    concern = events(engine)["concern:C-1"]
    assert concern["attrs"]["category"] == "other"
    assert concern["attrs"]["category_label"] == "Sadness"
    assert concern["text"] == "Seen at gate"
    [warning] = result.messages
    assert warning.startswith(
        f"{path}:2: Category: warning: 'Sadness' is not a category alarmbell knows: kept as other, "
        "with the log's label in category_label (expected "
    )
    assert "sexual_exploitation" in warning and "hunger" in warning
    again = ingest(engine, path).summary
    assert (again.accepted, again.rejected, again.unchanged) == (0, 0, 3)  # the pupil, two concerns


def test_the_exchange_format_accepts_every_category_the_log_maps_to() -> None:
    for category in set(SPELLINGS.values()):
        check_attrs("school_concern", {"category": category})


def _documented() -> dict[str, str]:
    """label -> category, from the format page's Categories table."""
    page = (REPO / "docs" / "formats" / "school-concerns-csv.md").read_text()
    table = page.split("## Categories", 1)[1].split("\n\n**", 1)[0]
    found: dict[str, str] = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("category", "---"):
            continue
        categories = [c.strip() for c in cells[0].split(",")]
        for category in categories:
            found[category.replace("_", " ")] = category
        if len(categories) == 1 and cells[1] != "the name":
            found |= {label.strip(): categories[0] for label in cells[1].split(",")}
    return found


def test_the_format_page_documents_every_label_and_category() -> None:
    documented = _documented()
    assert {label: concern_category(label) for label in documented} == documented
    assert {normalise_label(label) for label in documented} == set(LABELS)
    assert set(documented.values()) == set(CONCERN_CATEGORIES)


def test_a_category_under_a_parent_heading_is_read(engine: Engine, tmp_path: Path) -> None:
    """CPOMS and MyConcern export a category under its parent ("Safeguarding - Physical abuse"):
    before, such a concern was kept as other, and a physical-abuse concern read as nothing."""
    labels = ["Safeguarding - Physical Abuse", "Safeguarding > Neglect", "Child Protection: Sexual abuse",
              "Safeguarding", "Safeguarding - Sadness"]  # fmt: skip
    result = ingest(engine, _log(tmp_path, labels))
    got = events(engine)
    assert [got[f"concern:C-{n}"]["attrs"]["category"] for n in range(1, 6)] == [
        "physical_abuse", "neglect", "sexual_abuse", "other", "other"
    ]  # fmt: skip
    assert [m.split(": warning: ")[1][:30] for m in result.messages] == [
        "'Safeguarding' is not a catego",
        "'Safeguarding - Sadness' is no",
    ]
