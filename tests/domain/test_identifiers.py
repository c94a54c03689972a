"""NHS number and UPN check digits, checked against hand-worked and demo identifiers."""

from __future__ import annotations

import pytest

from alarmbell.domain.identifiers import (
    UPN_LETTERS,
    nhs_check_digit,
    nhs_number_is_valid,
    upn_check_letter,
    upn_check_problem,
    upn_is_valid,
)

DEMO_NHS = ("2945183218", "5060219224", "6960405874", "7958992939", "8475757405", "9361952331")
DEMO_UPN = ("K753252990791", "K476459641067")


@pytest.mark.parametrize("number", DEMO_NHS)
def test_demo_nhs_numbers_are_valid(number: str) -> None:
    assert nhs_number_is_valid(number)


def test_nhs_check_digit_worked_example() -> None:
    # 9434765919: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 % 11 = 2; 11 - 2 = 9
    assert nhs_check_digit("943476591") == 9
    assert nhs_number_is_valid("9434765919")
    assert nhs_number_is_valid("943 476 5919")


def test_nhs_remainder_eleven_gives_zero_and_ten_is_invalid() -> None:
    zero = next(f"{n:09d}" for n in range(10**8, 10**9) if nhs_check_digit(f"{n:09d}") == 0)
    assert nhs_number_is_valid(zero + "0")
    ten = next(f"{n:09d}" for n in range(10**8, 10**9) if nhs_check_digit(f"{n:09d}") is None)
    assert not any(nhs_number_is_valid(ten + str(d)) for d in range(10))


@pytest.mark.parametrize(
    "value", ["2945183219", "294518321", "29451832180", "29451832a8", "", "２９４５１８３２１８"]
)
def test_bad_nhs_numbers_are_invalid(value: str) -> None:
    assert not nhs_number_is_valid(value)


def test_nhs_check_digit_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        nhs_check_digit("12345678")


@pytest.mark.parametrize("upn", DEMO_UPN)
def test_demo_upns_are_valid(upn: str) -> None:
    assert upn_is_valid(upn)
    assert upn_check_letter(upn[1:]) == upn[0]


def test_upn_letters_skip_i_o_s() -> None:
    assert len(UPN_LETTERS) == 23
    assert not set("IOS") & set(UPN_LETTERS)


def test_upn_wrong_letter_or_digit_is_invalid() -> None:
    assert not upn_is_valid("A753252990791")
    assert not upn_is_valid("K753252990792")
    assert not upn_is_valid("K75325299079")
    assert not upn_is_valid("I753252990791")


def test_temporary_upn_with_final_letter() -> None:
    body = "33119400001A"
    upn = upn_check_letter(body) + body
    assert upn_is_valid(upn)
    with pytest.raises(ValueError):
        upn_check_letter("33119400001I")


def test_upn_check_problem_names_the_letter_the_rest_gives() -> None:
    assert upn_check_problem("B999201500101") is None
    assert upn_check_problem("c999201500101") == (
        "fails the check letter: the other 12 characters give 'B', not 'C'"
    )
    assert upn_check_problem("B99920150010S") == "has a character no UPN uses"
