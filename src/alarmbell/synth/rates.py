"""Every calibrated rate of the synthetic population, with its value and its source.

One data module so that the generator, docs/synthetic.md and the calibration tests read the
same numbers. Rates marked `target` are checked by tests against what the generator writes;
the others are modelling assumptions, labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Rate:
    """One rate: `value` in `unit`, where it comes from, and whether tests hold us to it."""

    name: str
    value: float
    unit: str
    source: str
    target: bool = False


_DF = "domain-facts.md (design notes), base rates for England"
_YJS = "Youth Justice Statistics 2023-24 (YJB and MoJ)"
_E_W_10_17 = "about 5.9 million children aged 10-17 in England and Wales (ONS mid-year estimates, rounded)"
_HES = "HES 2021/22, primary or secondary diagnosis, England (Hansard written answer, 26 October 2023)"
_DFE_EXCL = "DfE, Suspensions and permanent exclusions in England 2022/23"
_PHASE = (
    "phases split as the autumn term 2023/24 release splits them (primary suspension rate 0.83 "
    "against 4.13 overall; 511 of 4,200 permanent exclusions in primary), with about 4.6 million "
    "primary and 3.8 million secondary pupils (rounded): derived"
)

#: The background records that the exploitation, missing-education and nutrition indicators read
#: (issue 12), on ordinary children; signals.py writes them.
SIGNAL_RATES: Final[tuple[Rate, ...]] = (
    Rate(
        "youth_drug_possession",
        30.0,
        "police records of a child found with drugs for personal use per 10,000 children aged 10-17 a year",
        f"{_YJS}: 103,100 stop and searches of children, 24% ending in arrest (10%), a community "
        f"resolution (6%) or a warning or seizure (8%); {_E_W_10_17}; assumption: drugs, mostly "
        "cannabis, in about 70% of those outcomes (drugs are the commonest object of a search)",
        True,
    ),
    Rate(
        "youth_drug_class_a_share",
        0.1,
        "share of those records where the drug is class A (cocaine); the rest cannabis",
        "assumption",
    ),
    Rate(
        "youth_drug_supply",
        3.0,
        "police records of a child arrested for possession with intent to supply per 10,000 children "
        "aged 10-17 a year",
        "assumption, no published split of children's drug arrests into possession and supply found: "
        "one in ten of children's drug records",
        True,
    ),
    Rate(
        "youth_weapon_possession",
        8.0,
        "police records of a child found with a knife or offensive weapon per 10,000 children aged "
        "10-17 a year",
        f"{_YJS}: just over 3,200 knife or offensive weapon offences by children ended in a caution or "
        "sentence (99.7% possession), 5.4 per 10,000 children aged 10-17 in England and Wales; raised "
        "by half for records that end without one (assumption)",
        True,
    ),
    Rate(
        "missing_found_out_of_area",
        0.05,
        "share of a child's background missing episodes where the child was found out of the home area",
        "assumption, no published share found",
    ),
    Rate(
        "cme",
        200.0,
        "children missing education episodes per 10,000 children aged 5-15 a year",
        "DfE, Children missing education, autumn term 2024/25 release: an estimated 149,900 children "
        "missing education at any point in 2023/24, about 2% of the 7.5 million children of "
        "compulsory school age in England (ONS, rounded)",
        True,
    ),
    Rate(
        "cme_mean_days",
        95.0,
        "days until a child missing education is admitted to a school (mean)",
        "derived: 39,200 on the autumn 2024 census day / 149,900 in a year (Little's law)",
    ),
    Rate(
        "cme_whereabouts_unknown",
        0.1,
        "share of children missing education whom the officer could not find at the address",
        "assumption",
    ),
    Rate(
        "ehe_start",
        50.0,
        "children starting elective home education per 10,000 children aged 5-15 a year",
        "derived: DfE, Elective home education, autumn term 2024/25: 111,700 children (1.4% of those "
        "aged 5-16) on census day; with an assumed mean of 2.8 years at home, 0.5% start a year",
        True,
    ),
    Rate(
        "ehe_visit_declined",
        0.4,
        "share of home-educating families who decline the council's visit (the child is not seen)",
        "assumption, no national figure found: parents may lawfully decline a visit and send a report",
    ),
    Rate(
        "suspension_primary",
        1.9,
        "suspensions per 100 pupils aged 5-10 a year",
        f"{_DFE_EXCL}: 787,000 suspensions, 9.33 per 100 pupils; {_PHASE}",
        True,
    ),
    Rate(
        "suspension_secondary",
        18.3,
        "suspensions per 100 pupils aged 11-15 a year",
        f"{_DFE_EXCL}: as suspension_primary",
        True,
    ),
    Rate(
        "permanent_exclusion_primary",
        0.025,
        "permanent exclusions per 100 pupils aged 5-10 a year",
        f"{_DFE_EXCL}: 9,376 permanent exclusions, 0.11 per 100 pupils; {_PHASE}",
    ),
    Rate(
        "permanent_exclusion_secondary",
        0.22,
        "permanent exclusions per 100 pupils aged 11-15 a year",
        f"{_DFE_EXCL}: as permanent_exclusion_primary",
    ),
    Rate(
        "school_cse_concern",
        10.0,
        "school concerns recorded as child sexual exploitation per 10,000 pupils aged 11-17 a year",
        "assumption, no national count of schools' concerns by KCSIE category found",
        True,
    ),
    Rate(
        "school_cce_concern",
        10.0,
        "school concerns recorded as child criminal exploitation per 10,000 pupils aged 11-17 a year",
        "assumption, as school_cse_concern",
        True,
    ),
    Rate(
        "position_of_trust_concern",
        1.0,
        "school concerns about a pupil's relationship with a member of staff per 10,000 pupils aged "
        "11-17 a year",
        "assumption, no national count found (allegations against staff go to the LADO)",
    ),
    Rate(
        "rickets_0_4",
        1.39,
        "nutritional rickets diagnosed per 100,000 children aged 0-4 a year",
        "Julies et al. 2020, Nutritional rickets under 16 years: UK surveillance results, Arch Dis "
        "Child 105:587 (BPSU 2015-17: 1.39 per 100,000 under 5, 0.48 under 16)",
    ),
    Rate(
        "scurvy",
        0.43,
        "scurvy diagnosed per 100,000 children aged 0-16 a year",
        f"{_HES}: 51 admission episodes at 0-16, of about 11.9 million children",
    ),
    Rate(
        "malnutrition",
        5.0,
        "malnutrition diagnosed per 100,000 children a year",
        f"{_HES}: 280 admission episodes with malnutrition (E40-E46) at 0-16, 2.4 per 100,000; "
        "ECDS April 2021-November 2022: about 25 A&E attendances a month at 0-17 (Hansard written "
        "answer, 1 February 2023), 2.5 per 100,000; assumption: mostly disease-related",
    ),
    Rate(
        "vitamin_d_deficiency",
        8.3,
        "vitamin D deficiency (without rickets) diagnosed per 10,000 children aged 0-16 a year",
        f"{_HES}: 9,886 admission episodes at 0-16, of about 11.9 million; a floor: most are "
        "diagnosed in primary care",
        True,
    ),
    Rate(
        "iron_deficiency_anaemia_1_4",
        50.0,
        "iron-deficiency anaemia diagnosed per 10,000 children aged 1-4 a year",
        "assumption: the National Diet and Nutrition Survey 1992/93 found anaemia (Hb below 110 g/l) "
        "in 7-9% of children aged 1.5-4.5 on testing, most never diagnosed",
        True,
    ),
    Rate(
        "return_home_from_care",
        8.0,
        "children going back to live with their parents after care per 10,000 children a year",
        "derived: DfE, Children looked after in England including adoptions (SSDA903 return): about "
        "30,000 children cease to be looked after each year, about a third of them returning home "
        "to parents or relatives (2011/12: 36% returned home, to relatives or under a special "
        "guardianship order); about 11.9 million children in England (rounded)",
        True,
    ),
    Rate(
        "return_home_new_referral",
        0.3,
        "share of children returned home from care with a new referral within a year",
        "assumption: Farmer and Lutman 2012 found 59% of neglected children returned home abused or "
        "neglected again within five years, Biehal et al. 2015 about half of reunified children; "
        "a new referral in the first year for 30%",
    ),
    Rate(
        "left_home_alone_report",
        10.0,
        "records of a child reported or found left home alone per 10,000 children aged 0-15 a year",
        "NSPCC Helpline 2018/19: 5,737 contacts about children left home alone, 70% passed to the "
        "police or children's services (Northampton Chronicle, 26 July 2019), about 3 per 10,000 "
        "children a year; assumption: reports made straight to the police or children's services "
        "(a neighbour's 999 call, an officer at another call-out) twice as many again, rounded up. "
        "Spread evenly over ages 0-15, which puts about a third on children aged five or under, as "
        "the NSPCC found (a third of its August 2017 home-alone referrals to the police; Hampshire "
        "Safeguarding Children Partnership, 24 July 2018)",
        True,
    ),
)

RATES: Final[dict[str, Rate]] = {
    r.name: r
    for r in (
        Rate(
            "referral",
            530.0,
            "per 10,000 children a year",
            f"{_DF}: about 630,000 referrals a year "
            "(primary: DfE Characteristics of children in need; check)",
            True,
        ),
        Rate("referral_from_police", 0.28, "share of referrals", f"{_DF}: police 28%"),
        Rate("referral_from_school", 0.21, "share of referrals", f"{_DF}: schools 21%"),
        Rate(
            "referral_from_health",
            0.14,
            "share of referrals",
            "assumption, not checked: GP, health visitor, A&E together",
        ),
        Rate(
            "section_47",
            180.0,
            "per 10,000 children a year",
            f"{_DF}: 195,000-225,000 s47 enquiries a year (165-190 per 10,000)",
        ),
        Rate(
            "cp_plan_start",
            53.0,
            "per 10,000 children a year",
            f"{_DF}: 64,390 plans started in 2021-22",
        ),
        Rate(
            "cp_plan_stock",
            42.0,
            "per 10,000 children at any time",
            f"{_DF}: about 50,000 children on a plan",
            True,
        ),
        Rate(
            "cp_plan_mean_days",
            290.0,
            "days",
            "derived: stock / starts = 42 / 53 years (Little's law)",
        ),
        Rate(
            "ed_0_4",
            660.0,
            "A&E attendances per 1,000 children aged 0-4 a year",
            f"{_DF}: primary: NHS Digital Hospital A&E Activity; check",
            True,
        ),
        Rate(
            "ed_5_17",
            300.0,
            "A&E attendances per 1,000 children aged 5-17 a year",
            "assumption: roughly half the under-5 rate (NHS Digital HES A&E by age)",
        ),
        Rate(
            "ed_injury_share",
            0.35,
            "share of school-age A&E attendances for an injury",
            "assumption: injuries are the commonest reason after illness in children; by stage "
            "(injuries.py): 0.10 before a baby is mobile, 0.30 crawling, 0.40 walking (under 5)",
        ),
        Rate(
            "persistent_absence",
            0.20,
            "share of pupils missing 10%+ of sessions",
            f"{_DF}: about 20% in 2023/24 (primary: DfE pupil absence statistics; check)",
            True,
        ),
        Rate(
            "severe_absence",
            0.023,
            "share of pupils missing 50%+ of sessions",
            f"{_DF}: severe absence 2.3%",
        ),
        Rate(
            "gp_0_4",
            3.0,
            "GP consultations per child aged 0-4 a year",
            "assumption, not checked: order of magnitude of child GP consultations, rounded down",
        ),
        Rate("gp_5_17", 1.5, "GP consultations per child aged 5-17 a year", "assumption"),
        Rate(
            "gp_adult",
            1.5,
            "GP consultations per parent a year (sent only for parents)",
            "assumption",
        ),
        Rate(
            "health_visitor_0_2",
            2.0,
            "health visitor contacts per child aged 0-2 a year",
            "assumption: Healthy Child Programme mandated contacts (5 by age 2.5)",
        ),
        Rate("growth_0_2", 2.0, "growth measurements per child aged 0-2 a year", "assumption"),
        Rate(
            "growth_3_17",
            0.3,
            "growth measurements per child aged 3-17 a year",
            "assumption: NCMP at reception and year 6, plus clinic visits",
        ),
        Rate(
            "missed_appointment",
            0.25,
            "missed child appointments per child a year",
            "assumption: child DNA/was-not-brought rates about 10% of appointments",
        ),
        Rate(
            "domestic_incident",
            0.035,
            "police domestic incidents per household a year",
            "assumption scaled from domain-facts.md: about 1.5 million police-recorded "
            "domestic abuse incidents and crimes a year in England and Wales",
        ),
        Rate(
            "da_children_present",
            0.4,
            "share of domestic incidents with children present",
            "assumption",
        ),
        Rate(
            "missing_teen",
            0.01,
            "missing-person reports per child aged 13-17 a year",
            "assumption, not checked: about 1% of teenagers reported missing a year",
        ),
        Rate("behaviour_concern", 0.05, "behaviour concerns per pupil a year", "assumption"),
        Rate("school_concern", 0.03, "benign school concerns per pupil a year", "assumption"),
        Rate(
            "house_move",
            0.10,
            "moves per household a year",
            "assumption, not checked: families with children in rented homes move often",
        ),
        Rate("partner_leaves", 0.07, "per household with a partner a year", "assumption"),
        Rate("partner_joins", 0.15, "per lone-parent household a year", "assumption"),
        Rate(
            "adult_violence_history",
            0.03,
            "share of new partners with a violence history",
            "assumption",
        ),
        Rate(
            "twin_gap",
            0.02,
            "share of gaps between siblings that are zero (twins)",
            "ONS Births in England and Wales by characteristics of birth 2, 2013: 15.6 multiple "
            "maternities per 1,000 (about 3% of babies); the generator's 0.02 gives about 1.7% of "
            "children, fewer than that (kept so that events do not change)",
        ),
        Rate(
            "junior",
            0.03,
            "share of households with a father and a son where the eldest son has his father's given name",
            "assumption, no published UK figure found "
            "(Junior/Senior naming is rarer in the UK than in the US)",
        ),
        Rate(
            "former_surname",
            0.9,
            "share of mothers who share the father's surname and had another before the partnership",
            "assumption, no published UK figure found: most women who marry take their husband's surname",
        ),
        *SIGNAL_RATES,
        Rate(
            "harm_share",
            0.004,
            "share of children with a seeded harm trajectory",
            "project issue: 0.3-0.5%; far above the true incidence (405 notifications a year) so that "
            "evaluation has enough cases",
            True,
        ),
        Rate(
            "harm_silent",
            0.10,
            "share of harm trajectories that leave no signal",
            "project issue: some harm is invisible to every agency",
        ),
    )
}

#: Household adversity levels: share of households and a multiplier on each process family.
#: Each multiplier column averages 1 over households, so the rates above are population means.
ADVERSITY_SHARES: Final[tuple[float, ...]] = (0.80, 0.15, 0.05)
ADVERSITY_MULTIPLIERS: Final[dict[str, tuple[float, ...]]] = {
    "social_care": (0.4, 2.0, 7.6),
    "police": (0.3, 2.2, 8.6),
    "absence": (0.8, 1.6, 2.2),
    "health_missed": (0.6, 1.8, 4.0),
}


def rate(name: str) -> float:
    """The value of a named rate (KeyError names the missing rate)."""
    return RATES[name].value


def normalised_multipliers(name: str) -> tuple[float, ...]:
    """A multiplier column rescaled to average exactly 1 over the adversity shares."""
    column = ADVERSITY_MULTIPLIERS[name]
    mean = sum(s * m for s, m in zip(ADVERSITY_SHARES, column, strict=True))
    return tuple(m / mean for m in column)


@dataclass(frozen=True, slots=True)
class NoiseRates:
    """Identity noise: probabilities per person record in one agency (stale_postcode per house move).

    Every rate is per record unless its comment says "of": then it applies only to the records
    where that kind of error is possible (a name with diacritics, a woman with a former surname).
    """

    typo_family: float  # a keying error by keyboard adjacency in the family name
    typo_given: float
    phonetic: float  # per name: written as heard (Stephen/Stefen)
    ocr: float  # per name: misread from a scanned form (Emma/Ernma)
    transliterate: float  # of names with another romanisation or anglicisation (Yusuf/Yousef)
    fold_diacritics: float  # of names that have diacritics
    nickname: float  # of given names that have a known short form
    fake_given: float  # "Baby" for a newborn, "Unknown" or "Not Known" for anyone else
    other_surname: float  # a child under the mother's or her partner's surname
    former_surname: float  # of women with a former surname: the agency still holds it
    dob_transposed: float  # day and month swapped (when the day is 12 or less)
    dob_household: float  # copied from a sibling or another household member
    dob_wrong_digit: float  # one digit of day, month or year wrong
    dob_partial: float  # the year only, or the year and month
    dob_missing: float
    stale_postcode: float  # chance the agency never hears of a move
    postcode_missing: float
    postcode_keyed: float  # one character wrong or two adjacent characters swapped
    nhs_child: float  # share of child records with an NHS number
    nhs_adult: float
    nhs_wrong: float  # of recorded NHS numbers: a valid number of somebody else
    nhs_typo: float  # of recorded NHS numbers: two adjacent digits swapped
    upn: float  # share of child records aged 3+ with a UPN
    sex_unknown: float
    duplicate: float  # a second record of the same person in the same agency, with a new source_id


# fmt: off
NOISE: Final[dict[str, NoiseRates]] = {
    "police": NoiseRates(
        0.04, 0.03, 0.03, 0.0, 0.15, 0.70, 0.10, 0.01, 0.08, 0.30,
        0.020, 0.010, 0.010, 0.03, 0.05, 0.50, 0.10, 0.01, 0.0, 0.0, 0.0, 0.0, 0.0, 0.02, 0.16,
    ),
    "health": NoiseRates(
        0.01, 0.01, 0.005, 0.002, 0.03, 0.40, 0.02, 0.005, 0.03, 0.10,
        0.0004, 0.0002, 0.0004, 0.0, 0.0, 0.20, 0.0, 0.002, 0.99, 0.95, 0.002, 0.003, 0.0, 0.0, 0.02,
    ),
    "education": NoiseRates(
        0.02, 0.015, 0.01, 0.005, 0.05, 0.30, 0.05, 0.0, 0.05, 0.15,
        0.005, 0.002, 0.002, 0.0, 0.0, 0.15, 0.02, 0.005, 0.0, 0.0, 0.0, 0.0, 0.98, 0.0, 0.02,
    ),
    "children_social_care": NoiseRates(
        0.03, 0.02, 0.02, 0.005, 0.10, 0.50, 0.08, 0.01, 0.06, 0.30,
        0.015, 0.010, 0.010, 0.02, 0.03, 0.40, 0.05, 0.01, 0.35, 0.10, 0.01, 0.02, 0.0, 0.01, 0.03,
    ),
}
# fmt: on

_PP = "pseudopeople default"
_HES_PDS = "health: HES against PDS, sex and DOB wrong or missing in 0.11% (Harron 2017)"

#: Where each identity-noise rate comes from, as docs/synthetic.md states it (the references are
#: listed in full under the table there).
NOISE_SOURCES: Final[dict[str, str]] = {
    "typo_family": f"{_PP} make_typos: 1% of cells x 10% of characters; higher where names are heard",
    "typo_given": "as typo_family",
    "phonetic": f"{_PP} make_phonetic_errors: 1% x 10% (GeCO table); assumption per agency",
    "ocr": f"{_PP} make_ocr_errors: 1% x 10% (GeCO table); assumption: few forms are scanned",
    "transliterate": "assumption, no published rate found: rare where names are checked (health), "
    "commoner where they are heard (police, social care)",
    "fold_diacritics": "assumption (systems without Unicode support: linkage-notes.md)",
    "nickname": f"{_PP} use_nickname: 1%; assumption: higher where names are given orally",
    "fake_given": f"{_PP} use_fake_name: 1%; newborns registered as Baby (NBO case study)",
    "other_surname": "assumption (linkage-notes.md)",
    "former_surname": "assumption, no published rate found",
    "dob_transposed": f"{_PP} swap_month_and_day: 1% x 10%; {_HES_PDS}",
    "dob_household": f"{_PP} copy_from_household_member (its default not on the page read; 1% assumed)",
    "dob_wrong_digit": f"{_PP} write_wrong_digits: 1% x 10% of digits; {_HES_PDS}",
    "dob_partial": "assumption: police and social care often record an age, not a date",
    "dob_missing": f"{_PP} leave_blank: 1%; assumption per agency",
    "stale_postcode": "assumption; HES against PDS: postcode differs or missing in 53% (Harron 2017)",
    "postcode_missing": f"{_PP} leave_blank: 1%; assumption per agency",
    "postcode_keyed": (
        f"{_PP} write_wrong_zipcode_digits: 1% of cells, later digits likelier (0.04, 0.04, 0.2, "
        "0.36, 0.36), plus make_typos; no published UK rate found (HES against PDS counts a "
        "postcode that differs, 53%, without saying why: Harron 2017); assumption per agency: "
        "lowest in health, whose addresses come from the Personal Demographics Service"
    ),
    "nhs_child": "assumption: health records carry NHS numbers",
    "nhs_adult": "assumption",
    "nhs_wrong": "assumption",
    "nhs_typo": "assumption",
    "upn": "assumption: schools record UPNs",
    "sex_unknown": f"{_PP} choose_wrong_option: 1%; assumption per agency",
    "duplicate": (
        "police: 13.8% of National DNA Database subject profiles are replicates (Hansard 2009), "
        "so 0.16 per person; health: 1-2% of NHS numbers at birth registration non-unique (Hansard "
        "1996) and HESID misses 4.1% of true matches (Hagger-Johnson 2015), 0.02 assumed; "
        f"education, social care: no published figure found, assumed ({_PP} duplicate_with_guardian: "
        "5% of under-18s in a survey)"
    ),
}
