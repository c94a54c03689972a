"""Injuries reported in words are read for their type, and a denial is not read as a report."""

from __future__ import annotations

import pytest

from alarmbell.domain.described_signs import (
    described_injuries,
    described_signs,
    noted_injuries,
    placed_injuries,
)


@pytest.mark.parametrize(
    ("text", "injury"),
    [
        ("Bruising to face and eye seen at contact", "bruise"),
        ("bruises on both ears", "bruise"),
        ("black eye and bruised ear", "bruise"),
        ("Grandmother reports a BRUISE on his cheek", "bruise"),
        ("no explanation for the bruising to her ear", "bruise"),
        ("mum could not explain the bruising", "bruise"),
        ("No further action; bruising to the back reported again", "bruise"),
        ("burn on the back of her hand", "burn"),
        ("scalded foot", "burn"),
        ("broken arm, brought to A&E two days later", "fracture"),
        ("fractured wrist", "fracture"),
        ("No concerns reported, bruising to arm seen today", "bruise"),  # the denial ends at "reported"
        ("# L) radius/ulna", "fracture"),
    ],
)
def test_a_reported_injury_is_read_in_any_wording(text: str, injury: str) -> None:
    assert injury in described_injuries(text)


@pytest.mark.parametrize(
    "text",
    [
        "no bruising",
        "No visible marks or bruises",
        "nil signs of injury or bruising",
        "not bruised",
        "child examined: no new bruising seen",
        "denies any burns",
        "seen for a cough; no bruises or burns seen",
        "no cuts, bruises or fractures",
        "without bruising",
        "concerns about hunger and poor hygiene",
        "bruiser",
        "",
    ],
)
def test_a_denial_or_no_injury_word_reads_nothing(text: str) -> None:
    assert described_injuries(text) == frozenset()


def test_a_list_of_concerns_is_read_item_by_item() -> None:
    assert described_injuries(["hungry at breakfast club", "bruise on her neck"]) == {"bruise"}
    assert described_injuries([None, ["no bruising", "burn on hand"]]) == {"burn"}
    assert described_injuries(None) == frozenset()
    assert described_injuries(42) == frozenset()


@pytest.mark.parametrize(
    ("text", "injury"),
    [
        ("cut to his lip", "laceration"),
        ("Cuts to left forearm", "laceration"),
        ("small cut above her right eye", "laceration"),
        ("cut on the back of his head", "laceration"),
        ("CUTS ACROSS BOTH WRISTS", "laceration"),
        ("a deep cut over the left eyebrow, steri-stripped", "laceration"),
        ("cuts and grazes to both knees", "laceration"),
        ("cut lip and swollen cheek", "laceration"),
        ("she says she has been cutting her arms", "laceration"),
        ("he cut his finger on a knife at home", "laceration"),
        ("laceration on the scalp", "laceration"),
        ("Lacerations to face", "laceration"),
        ("3cm laceration, glued in ED", "laceration"),
        ("lacerated lip", "laceration"),
        ("no explanation for the cut to her chin", "laceration"),
        ("bite mark on arm", "bite"),
        ("Bite marks on her back", "bite"),
        ("human bite to the cheek", "bite"),
        ("bitten on the hand by his brother", "bite"),
        ("bites to both thighs", "bite"),
        ("dog bite, left calf", "bite"),
        ("mum cut off contact; he has a cut to his lip", "laceration"),
        ("has been cutting herself again", "laceration"),
        ("paper cut on finger", "laceration"),
    ],
)
def test_a_cut_laceration_or_bite_to_the_body_is_read(text: str, injury: str) -> None:
    assert described_injuries(text) == {injury}


@pytest.mark.parametrize(
    "text",
    [
        "mum has cut off contact with her father",
        "dad says he will cut down on drinking",
        "funding cuts to the youth service",
        "budget cuts mean the nursery closes on Fridays",
        "new haircut, looks well",
        "had a hair cut to her shoulders",
        "took a short cut to the back of the school",
        "was cutting the grass when the police arrived",
        "cut back on his hours at work",
        "power cut at the flat for two days",
        "had a bit of a cold",
        "grabbed a bite to eat before school",
        "bit his nails all lesson",
        "once bitten twice shy, mum says",
        "no cuts or bruises",
        "No cuts to his arms",
        "examined: no lacerations seen",
        "no bite marks or cuts to the arms",
        "nil bruising, cuts or bite marks",
        "denies any cuts to the face",
        "without laceration",
        "cut the cake with her class",
        "cut her hair short at the back",
        "he has cut himself off from his family",
        "insect bites on legs",
        "mosquito bite marks on both arms",
        "cuts to the youth club budget",
    ],
)
def test_figurative_or_denied_cuts_and_bites_read_nothing(text: str) -> None:
    assert described_injuries(text) == frozenset()


def test_a_cut_beside_a_bruise_reads_both() -> None:
    assert described_injuries("bruising and a cut to her left cheek") == {"bruise", "laceration"}


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("Concerns: weight loss, developmental delay", "weight_loss"),
        ("HV: baby has lost weight since last visit", "weight_loss"),
        ("weight has dropped two centiles", "weight_loss"),
        ("dropped 2 centiles for weight", "weight_loss"),
        ("faltering growth noted at clinic", "weight_loss"),
        ("query failure to thrive", "weight_loss"),
        ("severely malnourished", "weight_loss"),
        ("always hungry, taking food from other children's plates", "hunger"),
        ("seen scavenging in the bins for food", "hunger"),
        ("food-seeking at breakfast club", "hunger"),
        ("came in starving and asking for food", "hunger"),
    ],
)
def test_a_reported_neglect_sign_is_read(text: str, sign: str) -> None:
    assert sign in described_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "no weight loss",
        "No concerns about weight loss",
        "not losing weight",
        "not hungry",
        "weight gain good, no concerns",
        "underweight at birth (born at 32 weeks)",
        "lunch money forgotten",
        "no hunger or weight loss reported",
    ],
)
def test_a_denial_or_a_low_weight_alone_is_not_a_neglect_sign(text: str) -> None:
    assert described_signs(text) & {"hunger", "weight_loss"} == frozenset()


@pytest.mark.parametrize(
    "text",
    [
        "Drugs warrant: child present; child believed left alone for long periods",
        "Toddler found home alone, mother at the shop",
        "neighbour says the children are left home alone in the evenings",
        "baby left unattended in the flat",
        "No adult present at the address when officers arrived",
        "children left on their own overnight",
    ],
)
def test_a_child_left_alone_is_read(text: str) -> None:
    assert "left_alone" in described_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "child was not left alone at any point",
        "never left alone",
        "unsupervised contact with father agreed",
        "mum left alone with the baby since her partner moved out",
        "mother left on her own with three children",
        "told the boys to leave him alone",
    ],
)
def test_a_denial_a_parent_alone_or_unsupervised_contact_is_not_a_child_left_alone(text: str) -> None:
    assert "left_alone" not in described_signs(text)


def test_injuries_are_only_the_injury_signs() -> None:
    text = "bruised cheek, always hungry and losing weight"
    assert described_injuries(text) == {"bruise"}
    assert described_signs(text) == {"bruise", "hunger", "weight_loss"}


@pytest.mark.parametrize(
    ("text", "placed"),
    [
        ("Bruising and a cut to the left forearm",
         [("left forearm", "bruise"), ("left forearm", "laceration")]),
        ("Bruise to left cheek and a burn on his right hand.",
         [("left cheek", "bruise"), ("right hand", "burn")]),
        ("Finger-tip bruising to left upper arm and a red mark on right cheek",
         [("left upper arm", "bruise"), ("right cheek", "mark")]),
        ("6yo # L) radius/ulna, ?mechanism", [("l) radius/ulna", "fracture")]),
        ("#L clavicle", [("l clavicle", "fracture")]),
        ("15/52 infant, bruising ++ R cheek & behind R ear. NAI?", [("r cheek & behind r ear", "bruise")]),
        ("Small bruise L) ear noted at visit, mum unable to explain.", [("l) ear", "bruise")]),
        ("R) hand scald ?hot drink", [("r) hand", "burn")]),
        ("bruises to both shins; a burn and a scratch on the neck",
         [("both shins", "bruise"), ("neck", "burn"), ("neck", "mark")]),
        ("Came in with a bruise to his right cheek and said Liam did it", [("right cheek", "bruise")]),
        ("cut lip, graze to left knee", [("lip", "laceration"), ("left knee", "laceration")]),
        ("hit with a belt, marks on back", [("back", "mark")]),
        ("Bite mark on arm", [("arm", "bite")]),
    ],
)  # fmt: skip
def test_each_injury_is_placed_at_the_site_its_words_give_it(
    text: str, placed: list[tuple[str, str]]
) -> None:
    assert list(placed_injuries(text)) == placed


@pytest.mark.parametrize(
    "text",
    [
        "No bruises seen on back when changing for PE",
        "D&V x2 days. Examined: no bruises seen, no injuries.",
        "a bruise and a small burn",  # named, not placed
        "bruise, she said she fell onto her knee",  # the knee is where she fell, not the bruise
        "# of attendances: 3",
        "#2 on the list for the arm clinic",
        "Mum has cut off contact with dad; arm hurts",
        "Marked improvement in his arm movement",
        "Birth mark on left shoulder",
        "Mosquito bite on leg",
    ],
)
def test_injuries_denied_unplaced_or_in_another_sense_are_not_placed(text: str) -> None:
    assert placed_injuries(text) == ()


def test_a_hash_before_a_site_is_a_fracture_and_elsewhere_nothing() -> None:
    assert described_injuries("# L) radius") == {"fracture"}
    assert described_injuries("ticket #12 raised") == frozenset()


@pytest.mark.parametrize(
    ("text", "noted"),
    [
        ("10/12 old. Head injury - boggy swelling L parietal. Fall from sofa per mum. CT head.",
         [("head", "head_injury")]),
        ("head injury to the back of head", [("back of head", "head_injury")]),
        ("Bruising and a head injury", [("head", "head_injury")]),  # the bruise is not put on the head
        ("# R radius. Presented 3 days after injury", [("r radius", "fracture")]),
        ("Bruising to L cheek and behind L ear. ?NAI - paeds r/v.", [("l cheek and behind l ear", "bruise")]),
        ("R) hand scald ?hot drink", [("r) hand", "burn")]),
    ],
)  # fmt: skip
def test_a_clinicians_note_gives_the_injuries_it_places(text: str, noted: list[tuple[str, str]]) -> None:
    assert list(noted_injuries(text)) == noted


@pytest.mark.parametrize(
    "text",
    [
        "?# L scaphoid. XR NAD. Sprain, sling.",
        "?# R radius",
        "query fracture R wrist",
        "Possible burn to L hand",
        "XR R forearm: fracture excluded",
        "no head injury",
        "Abdo pain 2/7. Examined: no bruises, no injuries seen. ?appendicitis",
        "fall from sofa per mum",
    ],
)
def test_a_queried_ruled_out_or_denied_injury_is_not_noted(text: str) -> None:
    assert noted_injuries(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "parents initially refused consent to medical treatment for the newborn",
        "Refusal of consent to medical treatment for a newborn",
        "Parents declined hospital admission for the baby",
        "father refused to allow life-saving blood transfusion for his son",
        "parents refusing treatment for him",
        "Mum didn't seek medical advice for 3 days",
        "Parents did not seek medical help despite the child being unwell for a week",
        "family failed to obtain treatment for her tooth decay",
        "failure to seek medical attention for the burn",
        "mother not giving prescribed medication",
        "took the baby home against medical advice",
        "concerns: medical neglect",
    ],
)
def test_medical_care_kept_from_a_child_is_read(text: str) -> None:
    assert "treatment_withheld" in described_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "parents refused the MMR vaccine",
        "declined immunisations",
        "Mother declined treatment for her depression",
        "Dad refused treatment for himself at A&E",
        "no concerns: parents did not refuse treatment",
        "mother has not refused any treatment",
        "Young person refused medication",
        "mum sought medical advice promptly",
        "Family declined early help",
        "Parents declined support",
        "mother refused help from health visitor",
        "no medical neglect",
        "did not seek help from school",
    ],
)
def test_a_refused_vaccination_an_adults_own_care_support_declined_or_a_denial_is_not_treatment_withheld(
    text: str,
) -> None:
    assert "treatment_withheld" not in described_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "on a school trip abroad, the 14-year-old and her maths teacher were seen holding hands on the plane",
        "inappropriate relationship with the football coach",
        "pupils say she is dating her PE teacher",
        "teacher seen kissing a year 10 pupil",
        "sexual messages from her tutor",
    ],
)
def test_an_intimate_relationship_with_an_adult_in_a_position_of_trust_is_read(text: str) -> None:
    assert "trusted_adult_relationship" in described_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "good relationship with her teacher",
        "close relationship with her TA who supports her",
        "teacher has concerns about her relationship with mother",
        "mum and dad holding hands at parents evening, teacher present",
        "teacher reports she is in a relationship with a boy in year 11",
        "she kissed her boyfriend at the school gate and the teacher told her off",
        "no inappropriate relationship with any teacher",
    ],
)
def test_a_working_relationship_or_another_persons_is_not_a_trusted_adult_relationship(text: str) -> None:
    assert "trusted_adult_relationship" not in described_signs(text)
