"""An identity decision (merge two people's records, or keep them apart) names who made it:
the signed-in user, never only a name typed into the form (docs/security.md, Repudiation)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from starlette.testclient import TestClient

from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import IdentityDecision, IdentityReview
from alarmbell.web.app import create_app
from tests.auth_support import form_token, sign_in
from tests.helpers import person, write_jsonl

PAIR = [
    person("H1", agency="health", nhs_number="2945183218", given_name="Amy", family_name="Stone"),
    person(
        "C1", agency="children_social_care", nhs_number="7958992939", given_name="Amy", family_name="Stoner"
    ),
]


def test_an_identity_decision_is_recorded_as_the_signed_in_analysts(
    store_settings: Settings, tmp_path: Path
) -> None:
    """An analyst types a manager's name into "Your name" and rejects the pair: the decision
    and the page name the analyst, with the typed name in brackets, as a concern's author does."""
    engine = make_engine(store_settings)
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "pair.jsonl", PAIR))
    with session_scope(engine) as session:
        link_people(session)
        review_id = session.scalars(select(IdentityReview.id)).one()
    with TestClient(create_app(store_settings)) as client:
        analyst = sign_in(client, role="mash_analyst")
        url = f"/identity/review/{review_id}"
        form = {"csrf_token": form_token(client), "decision": "reject", "by": "T. Manager", "reason": "twins"}
        assert client.post(url, data=form, follow_redirects=False).status_code == 303
        with session_scope(engine) as session:
            decision = session.scalars(select(IdentityDecision)).one()
            assert decision.decided_by == f"{analyst.name} (T. Manager)"
        assert f"rejected by {analyst.name} (T. Manager)" in client.get(url).text
    engine.dispose()
