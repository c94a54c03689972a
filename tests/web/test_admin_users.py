"""An administrator disables a leaver from the web, as from the command line: the account is
refused at once (its open sessions end), the step is audited, and an administrator cannot lock
themselves out. Over HTTP, through the real app, on a real store."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select
from starlette.testclient import TestClient

from alarmbell.storage.tables import AppUser, AuditEntry
from tests.auth_support import form_token, sign_in


def _active(app: FastAPI, user_id: int) -> bool:
    with app.state.engine.connect() as connection:
        return bool(connection.execute(select(AppUser.active).where(AppUser.id == user_id)).scalar_one())


def test_a_disabled_user_is_refused_at_once_and_the_step_is_audited(empty_app: FastAPI) -> None:
    with TestClient(empty_app) as leaver, TestClient(empty_app) as admin:
        gone = sign_in(leaver, role="practitioner", agency="health")
        assert leaver.get("/mine", follow_redirects=False).status_code == 200
        sign_in(admin, role="admin")
        page = admin.get("/admin/users").text
        assert f'action="/admin/users/{gone.id}/disable"' in page
        response = admin.post(
            f"/admin/users/{gone.id}/disable", data={"csrf_token": form_token(admin)}, follow_redirects=False
        )
        assert response.status_code == 303, response.text
        assert not _active(empty_app, gone.id)
        refused = leaver.get("/mine", follow_redirects=False)
        assert refused.status_code in (302, 303, 401), refused.status_code
        assert f'action="/admin/users/{gone.id}/disable"' not in admin.get("/admin/users").text
        # A slip is undone in one click; the sessions it ended stay ended.
        assert f'action="/admin/users/{gone.id}/enable"' in admin.get("/admin/users").text
        again = admin.post(
            f"/admin/users/{gone.id}/enable", data={"csrf_token": form_token(admin)}, follow_redirects=False
        )
        assert again.status_code == 303 and _active(empty_app, gone.id)
        assert leaver.get("/mine", follow_redirects=False).status_code != 200
    with empty_app.state.engine.connect() as connection:
        actions = connection.execute(select(AuditEntry.action, AuditEntry.subject_id)).all()
    steps = [(a, str(s)) for a, s in actions]
    assert ("user.disable", str(gone.id)) in steps and ("user.enable", str(gone.id)) in steps


def test_an_administrator_cannot_disable_themselves(empty_app: FastAPI) -> None:
    with TestClient(empty_app) as admin:
        me = sign_in(admin, role="admin")
        assert f'action="/admin/users/{me.id}/disable"' not in admin.get("/admin/users").text
        response = admin.post(f"/admin/users/{me.id}/disable", data={"csrf_token": form_token(admin)})
        assert response.status_code == 400
        assert "You cannot disable your own account" in response.text
    assert _active(empty_app, me.id)


def test_only_an_administrator_may_disable_and_only_with_the_forms_token(empty_app: FastAPI) -> None:
    with TestClient(empty_app) as other, TestClient(empty_app) as analyst, TestClient(empty_app) as admin:
        target = sign_in(other, role="practitioner", agency="health")
        sign_in(analyst, role="mash_analyst")
        refused = analyst.post(f"/admin/users/{target.id}/disable", data={"csrf_token": form_token(analyst)})
        assert refused.status_code == 403
        sign_in(admin, role="admin")
        forged = admin.post(f"/admin/users/{target.id}/disable", data={"csrf_token": "forged"})
        assert forged.status_code == 403
        missing = admin.post("/admin/users/999999/disable", data={"csrf_token": form_token(admin)})
        assert missing.status_code == 404
    assert _active(empty_app, target.id)
