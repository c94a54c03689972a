"""The work queue's list of teams with open work links only to the queues the user may open.

Seen in session 16's walk: the MASH team manager's queue linked "Police child protection unit
(8 open, 8 past due)", and the link ended in "You do not have access to this". The counts are
still shown (a manager sees where work is piling up); the name is a link only where it opens.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.triage import TriageConfig, demo_scenario
from alarmbell.triage.alert_work import route_new_alerts
from alarmbell.web.app import create_app
from tests.auth_support import sign_in
from tests.web.conftest import populate

POLICE_UNIT = "Police child protection unit"


@pytest.fixture(scope="module")
def client_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The demo case routed to the MASH, and the demo's police unit scenario beside it."""
    folder = Path(tmp_path_factory.mktemp("queue-teams"))
    store = populate(Settings(database_url=f"sqlite:///{folder / 'store.db'}"))
    with session_scope(store.engine) as session:
        route_new_alerts(session, after_id=0, config=TriageConfig(), now=datetime.now(UTC))
    demo_scenario(store.engine, store.settings)
    app = create_app(store.settings)
    yield TestClient(app)
    app.state.engine.dispose()
    store.engine.dispose()


def test_a_team_manager_sees_other_teams_counts_but_no_link_to_a_queue_she_cannot_open(
    client_app: TestClient,
) -> None:
    sign_in(client_app, role="team_manager", agency="children_social_care", team="mash")
    html = client_app.get("/triage").text
    assert POLICE_UNIT in html and "past due)" in html
    assert 'href="/triage?team=Police+child+protection+unit"' not in html
    assert client_app.get("/triage", params={"team": POLICE_UNIT}).status_code == 403
