"""The identity review queue in the browser: `/identity/review` and one pair per page.

Decisions are POSTed from a plain form (no script: the CSP allows none inline, and none is
needed). CSRF uses the same double-submit token as the record-a-concern form, in a cookie
scoped to /identity. Until the service has real sign-in, the reviewer types their name; it is
recorded with the reason in the audit, exactly as `alarmbell identity review accept` does.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Final

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from starlette.responses import Response

from alarmbell.identity.review import ReviewError, accept, reject
from alarmbell.web.deps import SessionDep
from alarmbell.web.pages.identity_review import build_review_item, build_review_list
from alarmbell.web.rendering import render

router = APIRouter()
CSRF_COOKIE: Final[str] = "alarmbell_identity_csrf"
MAX_TEXT: Final[int] = 2000


@router.get("/identity/review", name="identity_review")
def review_list(request: Request, session: SessionDep, status: str = "pending", done: str = "") -> Response:
    page = build_review_list(session, status=status, done=done[:40])
    return render(request, "identity_review_list.html", {"page": page})


def _item_id(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise HTTPException(status_code=404, detail="Review items are numbered.")
    return int(text)


def _item_page(
    request: Request,
    session: SessionDep,
    review_id: int,
    *,
    errors: dict[str, str],
    form: dict[str, str],
    status_code: int = 200,
) -> Response:
    try:
        page = build_review_item(session, review_id)
    except ReviewError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    # The chart is built by our own code with every piece of text escaped (render_weights_svg).
    context = {
        "page": page,
        "chart": Markup(page.chart_svg),
        "csrf_token": csrf,
        "errors": errors,
        "form": form,
    }  # noqa: S704
    response = render(request, "identity_review_item.html", context, status_code=status_code)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/identity")
    return response


@router.get("/identity/review/{item}", name="identity_review_item")
def review_item(request: Request, session: SessionDep, item: str) -> Response:
    return _item_page(request, session, _item_id(item), errors={}, form={})


def _form_errors(form: dict[str, str]) -> dict[str, str]:
    errors = {}
    if form.get("decision") not in ("accept", "reject"):
        errors["decision"] = "Choose whether these records are the same person"
    if not form.get("by", "").strip():
        errors["by"] = "Enter your name"
    if not form.get("reason", "").strip():
        errors["reason"] = "Enter the reason for your decision"
    return errors


@router.post("/identity/review/{item}")
async def decide(request: Request, session: SessionDep, item: str) -> Response:
    review_id = _item_id(item)
    raw = await request.form()
    form = {k: v[:MAX_TEXT] for k, v in raw.items() if isinstance(v, str)}
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), form.get("csrf_token", "").encode()):
        raise HTTPException(
            status_code=403, detail="This form has expired. Go back, reload the page and try again."
        )
    errors = _form_errors(form)
    if errors:
        return _item_page(request, session, review_id, errors=errors, form=form, status_code=400)
    by, reason = form["by"].strip(), form["reason"].strip()
    try:
        if form["decision"] == "accept":
            accept(session, review_id, by=by, reason=reason)
        else:
            reject(session, review_id, by=by, reason=reason)
    except ReviewError as error:
        return _item_page(
            request, session, review_id, errors={"decision": str(error)}, form=form, status_code=409
        )
    return RedirectResponse(f"/identity/review?done={form['decision']}ed-{review_id}", status_code=303)
