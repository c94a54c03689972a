"""The body-site vocabulary reads sites as agencies write them."""

from __future__ import annotations

import pytest

from alarmbell.domain.body_sites import (
    BODY_SITES,
    TEN4_FACES_REGIONS,
    Site,
    body_site,
    expand_regions,
    regions,
    sites,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L ear", {"ear"}),
        # A grip's shape, not a place (set 4, session 16): the site is the arm alone.
        ("L) upper arm - 3 fingertip bruises", {"upper_arm"}),
        ("finger-tip bruising to left upper arm", {"upper_arm"}),
        ("fingertip marks on the back", {"torso"}),
        ("bruise to fingertip", {"hand"}),
        ("fingertips", {"hand"}),
        ("bruise behind ear", {"ear"}),
        ("Behind the right EAR", {"ear"}),
        ("earlobes", {"ear"}),
        ("cheek", {"cheek"}),
        ("both cheeks", {"cheek"}),
        ("face and ears", {"face", "ear"}),
        ("jaw line", {"angle_of_jaw"}),
        ("angle of the jaw", {"angle_of_jaw"}),
        ("tummy", {"torso"}),
        ("Upper back and chest", {"torso"}),
        ("torn frenulum", {"frenulum"}),
        ("eyelid", {"eyelid"}),
        ("black eye", {"eyelid"}),
        ("subconjunctival haemorrhage", {"subconjunctiva"}),
        ("centre of forehead", {"forehead"}),
        ("over eye", {"forehead"}),
        ("side of head", {"head"}),
        ("back of head", {"head"}),
        ("shins and knees", {"shin", "knee"}),
        ("grazed knee", {"knee"}),
        ("left forearm", {"forearm"}),
        ("right elbow", {"elbow"}),
        ("back of left leg", {"leg"}),
        ("L ear, R cheek; neck & tummy", {"ear", "cheek", "neck", "torso"}),
        ("bruising to ears, cheeks and genital area", {"ear", "cheek", "genitals"}),
        ("left arm - displaced spiral fracture", {"arm"}),
        ("cheekbone", {"cheekbone"}),
        ("buttocks", {"buttocks"}),
        ("nappy area", {"genitals"}),
        ("left_ear", {"ear"}),
        ("back_of_neck", {"neck"}),
        ("upper_back", {"torso"}),
        ("left_lower_leg", {"shin"}),
        ("back_of_right_arm", {"arm"}),
        ("year 3 classroom", set()),
        ("", set()),
        ("not recorded", set()),
    ],
)
def test_free_text_maps_to_regions(text: str, expected: set[str]) -> None:
    assert regions(text) == expected


def test_lists_of_sites_are_read_whole() -> None:
    assert regions(["left_ear", "chest"]) == {"ear", "torso"}
    assert regions(None) == frozenset()
    assert regions(7) == frozenset()


def test_laterality_is_kept_per_site() -> None:
    assert sites("L ear and right cheek") == (Site("ear", "left"), Site("cheek", "right"))
    assert sites("bruising to both ears") == (Site("ear", "both"),)
    assert sites("ear (R)") == (Site("ear", "right"),)
    assert sites("chin") == (Site("chin", None),)


def test_every_body_map_site_has_a_region() -> None:
    for site, (label, _) in BODY_SITES.items():
        assert regions(site), site
        assert regions(label), label


def test_body_map_ids_fold_case_and_spacing() -> None:
    assert body_site("  LEFT   ear ") == "left_ear"
    assert body_site("Back of head") == "back_of_head"
    assert body_site("somewhere") is None


def test_everyday_accident_group_is_the_bony_prominences_at_the_front() -> None:
    assert expand_regions(["everyday_accident"]) == {"knee", "shin", "forehead", "elbow"}
    assert expand_regions(["everyday_accident"]).isdisjoint(TEN4_FACES_REGIONS)


def test_ten4_faces_group_expands() -> None:
    assert expand_regions(["ten4_faces"]) == TEN4_FACES_REGIONS
    assert expand_regions(["shin", "knee"]) == {"shin", "knee"}
    named = {"ear", "neck", "torso", "frenulum", "angle_of_jaw", "cheek", "eyelid", "subconjunctiva"}
    assert named <= TEN4_FACES_REGIONS
