"""Comparison inputs, pure: folded names, variant groups, dates, postcodes, checked identifiers."""

from __future__ import annotations

from alarmbell.identity.features import (
    RawPerson,
    build_features,
    dob_parts,
    name_groups,
    postcode_parts,
    variant_groups,
)
from alarmbell.identity.names import fold_name


def _raw(**fields: object) -> RawPerson:
    base: dict[str, object] = {
        "record_id": 1,
        "agency": "police",
        "source_id": "P1",
        "given_name": "Łukasz",
        "family_name": "Wójcik",
        "dob": "2012-03-04",
        "sex": "M",
        "postcode": "cv2 5la",
        "nhs_number": None,
        "upn": None,
        "role_hint": "child",
    }
    base.update(fields)
    return RawPerson(**base)  # type: ignore[arg-type]


def test_polish_letters_and_diacritics_fold() -> None:
    assert fold_name("Łukasz") == fold_name("Lukasz") == "lukasz"
    assert fold_name("Gülşen Çelik") == "gulsencelik"


def test_variant_table_links_nicknames_and_transliterations() -> None:
    assert set(name_groups("tom")) == {"thomas"}
    assert "thomas" in name_groups("tomasz")
    assert set(name_groups("lukasz")) & set(name_groups("luke"))
    assert set(name_groups("kay")) & set(name_groups("kayleigh"))
    assert not set(name_groups("kyle")) & set(name_groups("jack"))
    assert name_groups("zebedee") == ["zebedee"]  # outside the table: its own group
    assert all(name == fold_name(name) for name in variant_groups())


def test_postcode_full_sector_district() -> None:
    assert postcode_parts("CV2 5LA") == ("CV25LA", "CV2 5", "CV2")
    assert postcode_parts("sw1a1aa") == ("SW1A1AA", "SW1A 1", "SW1A")
    assert postcode_parts("nonsense!") == (None, None, None)


def test_partial_dates_keep_their_year_and_month_but_no_full_date() -> None:
    assert dob_parts("1982-02-08") == ("1982-02-08", 1982, 2, 8)
    assert dob_parts("1982-02") == (None, 1982, 2, None)
    assert dob_parts("1982") == (None, 1982, None, None)
    assert dob_parts("1982-02-30") == (None, None, None, None)
    assert dob_parts("08/02/1982") == (None, None, None, None)


def test_invalid_identifiers_are_reported_and_ignored() -> None:
    table = build_features(
        [
            _raw(nhs_number="2945183218", upn="K753252990791"),
            _raw(record_id=2, source_id="P2", nhs_number="2945183219", upn="A753252990791"),
        ]
    )
    good, bad = table.rows
    assert good["nhs"] == "2945183218" and good["upn"] == "K753252990791"
    assert bad["nhs"] is None and bad["upn"] is None
    assert len(table.invalid_identifiers) == 2
    assert "fails its check digit" in table.invalid_identifiers[0]


def test_transposed_dates_share_a_blocking_key() -> None:
    a, b = build_features([_raw(dob="1982-02-08"), _raw(record_id=2, dob="1982-08-02")]).rows
    assert a["dob_sorted"] == b["dob_sorted"] == "1982-02-08"
    assert a["given_key"] == b["given_key"] == "luke"
