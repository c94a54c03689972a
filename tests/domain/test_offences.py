"""Whether a recorded offence was violence, read from the offence's name (police exports give no
`violence`: read as given, every police-exported domestic incident was of unknown violence)."""

from __future__ import annotations

import pytest

from alarmbell.domain.offences import completed_violence_attrs, violence_in_offence


@pytest.mark.parametrize(
    "offence",
    [
        "Assault occasioning actual bodily harm",
        "ABH",
        "GBH with intent",
        "Common assault and battery",
        "Assault by beating",
        "Wounding with intent to do grievous bodily harm",
        "s47 OAPA",
        "Intentional strangulation",
        "Sexual assault on a female aged 13 or over",
        "Cruelty to children/young persons",
        "Racially or religiously aggravated common assault",
        "Attempted murder",
    ],
)
def test_offences_that_name_an_attack_are_physical(offence: str) -> None:
    assert violence_in_offence(offence) == "physical"


@pytest.mark.parametrize("offence", ["Threats to kill", "Threatening behaviour", "Affray"])
def test_offences_that_name_a_threat_are_threats(offence: str) -> None:
    assert violence_in_offence(offence) == "threats"


@pytest.mark.parametrize(
    "offence",
    [
        "Harassment",
        "Stalking involving fear of violence or serious alarm or distress",
        "Controlling or coercive behaviour in an intimate or family relationship",
        "Criminal damage to a dwelling",
        "Breach of non-molestation order",
        "Malicious communications",
        "Possession with intent to supply",
        "",
    ],
)
def test_offences_that_do_not_say_anyone_was_hurt_leave_violence_unknown(offence: str) -> None:
    """Stalking's name mentions violence but not that it happened; it is abuse, not read as either."""
    assert violence_in_offence(offence) is None


def test_intake_completes_only_what_the_sender_left_out() -> None:
    assert completed_violence_attrs("domestic_incident", {"offence": "common assault"}) == {
        "violence": "physical"
    }
    assert completed_violence_attrs("domestic_incident", {"offence": "abh", "violence": "verbal"}) == {}
    assert completed_violence_attrs("crime_report", {"offence": "common assault"}) == {}
    assert completed_violence_attrs("assault_report", {"offence": "harassment"}) == {}


@pytest.mark.parametrize(
    "reason",
    [
        "referral following assault on mother by partner",
        "DV - mum strangled by partner, Tyler witnessed",
        "Mum was punched by her boyfriend in front of the children",
        "Police report: father physically assaulted mother",
        "mum was beaten up by ex, children present",
        "stepdad grabbed her by the throat",
        "Nan says dad kicked his son",
        "Dad slapped mum in front of the children",
        "partner shoved her against the wall",
    ],
)
def test_a_referral_whose_reason_says_someone_was_attacked_records_physical_violence(reason: str) -> None:
    """Before, a referral's reason in words was never read for violence (gap (c) of session 13)."""
    assert completed_violence_attrs("referral", {"reason": reason}) == {"violence": "physical"}


@pytest.mark.parametrize(
    "reason",
    [
        "no physical violence reported",
        "Mum denies any assault",
        "No allegations of assault",
        "DV incident, verbal argument only",
        "Dad punched a wall and kicked the door",
        "kicked a football at the window",
        "was choking on food at nursery",
        "domestic violence history, partner now left",
        "",
    ],
)
def test_a_reason_that_does_not_say_anyone_was_attacked_leaves_violence_unknown(reason: str) -> None:
    assert completed_violence_attrs("referral", {"reason": reason}) == {}


def test_a_reason_is_read_only_on_reports_and_never_over_the_senders_violence() -> None:
    reason = {"reason": "assault on mother by partner"}
    assert completed_violence_attrs("family_member_report", reason) == {"violence": "physical"}
    assert completed_violence_attrs("referral", {**reason, "violence": "verbal"}) == {}
    assert completed_violence_attrs("assessment", reason) == {}
