"""Times people acted, on England's clock and in GOV.UK style ("4 Dec 2026, 20:27").

Seen in the browser walk: the audit log, break-glass log, "what you reported" and the
unanswered-alarms report printed stored UTC instants with strftime ("04 Dec 2026 20:27"): a
leading zero no other page uses, and in summer an hour off the clock the practitioner read.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.presentation import clock_label, local_day
from tests.auth_support import sign_in
from tests.web.conftest import DemoStore

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "alarmbell" / "web" / "templates"


def test_a_moment_is_shown_on_englands_clock() -> None:
    assert clock_label(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "1 Jul 2026, 13:00"  # BST
    assert clock_label(datetime(2026, 12, 4, 9, 5)) == "4 Dec 2026, 09:05"  # naive is UTC; GMT
    assert local_day(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "2 Jul 2026"


def test_no_template_prints_a_stored_instant_with_strftime() -> None:
    offenders = [p.name for p in TEMPLATES.glob("*.html") if re.search(r'strftime\("%d', p.read_text())]
    assert offenders == []


def test_who_viewed_a_person_reads_as_the_other_pages_do(demo_app: FastAPI, demo_store: DemoStore) -> None:
    with TestClient(demo_app) as analyst, TestClient(demo_app) as admin:
        sign_in(analyst, role="mash_analyst")
        assert analyst.get(f"/people/{demo_store.leo_id}").status_code == 200
        sign_in(admin, role="admin")
        page = admin.get(f"/admin/audit?person={demo_store.leo_id}").text
    shown = re.findall(r'<td class="govuk-table__cell">([^<]*\d{4}[^<]*)</td>', page)
    assert shown and all(re.fullmatch(r"[1-9]\d? [A-Z][a-z]{2} \d{4}, \d\d:\d\d", s) for s in shown), shown


def test_no_page_or_report_writes_a_day_with_a_leading_zero() -> None:
    """The analytics' displacement sentence, its chart tips and the unanswered-alarms report said
    "02 Dec" (`%d`); every other date in the service reads "2 Dec". The CLI keeps its columns."""
    package = TEMPLATES.parent.parent
    offenders = [
        str(p.relative_to(package))
        for p in package.rglob("*.py")
        if "cli" not in p.parts and re.search(r"%d %b", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
