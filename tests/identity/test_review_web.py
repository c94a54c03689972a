"""The review page: the pair side by side, the weight chart as SVG, decisions by POST with CSRF."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from alarmbell.audit import who_viewed
from alarmbell.identity import link_people
from alarmbell.identity.review import current_people
from alarmbell.ingest.service import ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import IdentityDecision, IdentityReview, PersonRecordRow
from alarmbell.web.app import create_app
from tests.auth_support import form_token, sign_in
from tests.helpers import person, write_jsonl
from tests.identity.review_support import LEO_NHS, SECOND_LEO_NHS, build_review_store

PAIR = [
    person("H1", agency="health", nhs_number="2945183218", given_name="Amy", family_name="Stone"),
    person(
        "C1", agency="children_social_care", nhs_number="7958992939", given_name="Amy", family_name="Stoner"
    ),
]


@pytest.fixture
def reviewed(store_settings: Settings, tmp_path: Path) -> Iterator[tuple[TestClient, int]]:
    """A signed-in analyst's client on a store with one pair in the review queue."""
    engine = make_engine(store_settings)
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "a.jsonl", PAIR))
    with session_scope(engine) as session:
        link_people(session)
        review_id = session.scalars(select(IdentityReview.id)).one()
    engine.dispose()
    with TestClient(create_app(store_settings)) as client:
        sign_in(client, role="mash_analyst")
        yield client, review_id


def test_list_and_item_pages_show_the_pair_and_the_chart(reviewed: tuple[TestClient, int]) -> None:
    client, review_id = reviewed
    listing = client.get("/identity/review")
    assert listing.status_code == 200 and f"/identity/review/{review_id}" in listing.text
    page = client.get(f"/identity/review/{review_id}")
    assert page.status_code == 200
    assert "Stoner" in page.text and "294 518 3218" in page.text
    assert "<svg" in page.text and "NHS number: different numbers" in page.text
    assert "style=" not in page.text and "<script" not in page.text
    assert client.get("/identity/review/99999").status_code == 404


def test_post_without_token_is_refused_and_with_it_decides(
    reviewed: tuple[TestClient, int], store_settings: Settings
) -> None:
    client, review_id = reviewed
    url = f"/identity/review/{review_id}"
    assert client.post(url, data={"decision": "reject", "by": "x", "reason": "y"}).status_code == 403
    token = form_token(client)
    assert f'value="{token}"' in client.get(url).text
    missing = client.post(url, data={"csrf_token": token, "decision": "reject", "by": "", "reason": ""})
    assert missing.status_code == 400 and "Enter your name" in missing.text
    done = client.post(
        url,
        data={"csrf_token": token, "decision": "reject", "by": "R. Viewer", "reason": "two children"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    engine = make_engine(store_settings)
    with session_scope(engine) as session:
        decision = session.scalars(select(IdentityDecision)).one()
        assert (decision.kind, decision.reason) == ("reject", "two children")
        # The signed-in analyst (tests.auth_support names them), with the typed name in brackets.
        assert re.fullmatch(r"mash_analyst-\d+ \(R\. Viewer\)", decision.decided_by)
    engine.dispose()
    assert f"Decided: rejected by {decision.decided_by}" in client.get(url).text


@pytest.fixture(scope="module")
def second_leo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, int]]]:
    """An analyst's client on the demo store plus a second Leo: review items by Leo record."""
    settings = build_review_store(tmp_path_factory.mktemp("second-leo"))
    app = create_app(settings)
    with TestClient(app) as client, session_scope(app.state.engine) as session:
        sign_in(client, role="mash_analyst")
        items = {}
        for review in session.scalars(select(IdentityReview)):
            leo = session.get(PersonRecordRow, review.record_a_id)
            assert leo is not None
            items[leo.source_id] = review.id
        yield client, items


def _text(html: str) -> str:
    """The page's words without tags, as a person reads them."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_reason_names_only_numbers_on_the_page(second_leo: tuple[TestClient, dict[str, int]]) -> None:
    """The pair holds one NHS number; the clash is with Leo's GP record, and the page shows both."""
    client, items = second_leo
    page = _text(client.get(f"/identity/review/{items['CHI-demo-P1']}").text)
    reason = page.split("Why this pair is here", 1)[1].split("The two records side by side", 1)[0]
    assert "already has NHS number 294 518 3218 (on the Health record HEA-demo-P1)" in reason
    assert "has NHS number 485 777 3457 (on the Health record HEA-demo-P9)" in reason
    assert "Health HEA-demo-P1: born 15 July 2007; NHS number 294 518 3218" in page
    assert "NHS number Not recorded 485 777 3457 Only one recorded" in page


def test_fields_are_human_and_marked_same_or_differs(second_leo: tuple[TestClient, dict[str, int]]) -> None:
    client, items = second_leo
    html = client.get(f"/identity/review/{items['HEA-demo-P1']}").text
    rows = {
        m.group(2): (m.group(1), _text(m.group(3)))
        for m in re.finditer(r'app-compare__row--([a-z-]+)">\s*<th[^>]*>([^<]+)</th>(.*?)</tr>', html, re.S)
    }
    assert rows["Date of birth"] == ("same", "15 July 2007 15 July 2007 Same")
    assert rows["Sex"] == ("same", "Male Male Same")
    assert rows["Child or adult"] == ("same", "Child Child Same")
    assert rows["Postcode"] == ("differs", "CV2 5LA CV6 3HT Differs")
    assert rows["NHS number"] == ("differs", f"{_spaced(LEO_NHS)} {_spaced(SECOND_LEO_NHS)} Differs")
    assert "The two records have different NHS numbers (294 518 3218 and 485 777 3457)" in _text(html)


def _spaced(nhs: str) -> str:
    return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"


def test_each_person_has_context(second_leo: tuple[TestClient, dict[str, int]]) -> None:
    client, items = second_leo
    page = _text(client.get(f"/identity/review/{items['POL-demo-P1']}").text)
    first, second = page.split("Who each record belongs to now", 1)[1].split("Second record:", 1)
    assert "Agencies holding records Children's social care, Education, Health, Police" in first
    assert "Kayleigh Brennan (mother" in first and "Current alert level Red" in first
    assert "Agencies holding records Health" in second and "Events recorded 2 events" in second
    assert "Dawn Brennan (grandparent" in second and "Current alert level No alert" in second


def test_weights_are_explained_in_words(second_leo: tuple[TestClient, dict[str, int]]) -> None:
    client, items = second_leo
    page = _text(client.get(f"/identity/review/{items['HEA-demo-P1']}").text)
    assert (
        "Before comparing any field, two records picked at random are very unlikely to be the same person"
        in page
    )
    assert "Date of birth: the same. This very strongly suggests the same person" in page
    assert "NHS number: two different valid numbers. This very strongly suggests different people" in page
    assert "bits" not in page.split("Why this pair is here", 1)[1].split("What the model made", 1)[0]


def test_pairs_of_one_group_are_listed_together(second_leo: tuple[TestClient, dict[str, int]]) -> None:
    client, items = second_leo
    page = _text(client.get("/identity/review").text)
    assert page.count("records that may be one person") == 1
    assert "Leo Brennan: 5 records that may be one person Held as 2 people now; 4 pairs to look at." in page
    item = _text(client.get(f"/identity/review/{items['EDU-demo-P1']}").text)
    assert (
        "This is one of 4 pairs among 5 records that may be one person (Leo Brennan, held as 2 people now)"
        in item
    )


def test_opening_an_item_is_a_view_of_both_people(second_leo: tuple[TestClient, dict[str, int]]) -> None:
    """It shows their records, household and alert level, so "who viewed" must list it."""
    client, items = second_leo
    item = items["EDU-demo-P1"]
    assert client.get(f"/identity/review/{item}").status_code == 200
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        review = session.get(IdentityReview, item)
        assert review is not None
        people = current_people(session, (review.record_a_id, review.record_b_id))
        for person_id in people.values():
            seen = who_viewed(session, [person_id], include_lists=False)
            assert any(v.action == "identity.review" and v.detail == {"review_item": item} for v in seen)


def test_the_list_is_audited_with_the_people_it_names(second_leo: tuple[TestClient, dict[str, int]]) -> None:
    client, items = second_leo
    assert client.get("/identity/review").status_code == 200
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        review = session.get(IdentityReview, items["HEA-demo-P1"])
        assert review is not None
        for person_id in current_people(session, (review.record_a_id, review.record_b_id)).values():
            assert any(v.action == "identity.review_list" for v in who_viewed(session, [person_id]))
