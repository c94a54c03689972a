"""Subject access (`/people/{id}/subject-access`): the export a data subject is owed, as a JSON download."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from alarmbell.access import Action
from alarmbell.audit import Subject, record_audit
from alarmbell.web.auth import PrincipalDep, actor_of, requires
from alarmbell.web.deps import IdPath, SessionDep

router = APIRouter()


@router.get("/people/{person_id}/subject-access", name="subject_access", include_in_schema=False)
@requires(Action.SAR_EXPORT, person="person_id")
def subject_access(session: SessionDep, principal: PrincipalDep, person_id: IdPath) -> JSONResponse:
    """A subject access export (third parties redacted) as a JSON download; the export is audited."""
    from alarmbell.privacy import subject_access_export

    data = subject_access_export(session, person_id)
    if data is None:
        raise HTTPException(status_code=404, detail="No such person.")
    record_audit(
        session,
        actor=actor_of(principal),
        action="person.sar_export",
        subject=Subject.person(data["person_id"]),
    )
    headers = {"Content-Disposition": f'attachment; filename="subject-access-{data["person_id"]}.json"'}
    return JSONResponse(data, headers=headers)
