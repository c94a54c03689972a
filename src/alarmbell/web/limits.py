"""How much text a browser form may send, in one place.

Every form field is cut to FORM_TEXT characters before it is read, so a pasted document cannot
make a page slow or an audit entry huge. Triage rationales (the API and the decision forms) keep
triage's own, longer limit (`alarmbell.triage.service.MAX_TEXT`), which the service enforces.
"""

from __future__ import annotations

from typing import Final

FORM_TEXT: Final[int] = 2000
