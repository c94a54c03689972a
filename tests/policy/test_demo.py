"""Acceptance on the demo case (Coventry, 2012): amber by 31 Jan 2011, red by 31 Dec 2011.

The policy is not tuned to this case; these are the dates a reviewer would expect at the
latest, given the fractured arm (January 2011) and the household's domestic-abuse history.
"""

from __future__ import annotations

from dataclasses import replace

from alarmbell.domain.alerts import RaisedAlert
from alarmbell.domain.chronology import Chronology
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy import Policy, alert_timeline, evaluate, explain

from .conftest import moment


def _first(alerts: list[RaisedAlert], level: AlertLevel) -> str:
    dates = [a.raised_at for a in alerts if a.level.rank >= level.rank]
    return min(dates).date().isoformat() if dates else "never"


def test_leo_is_amber_by_january_2011_and_red_by_december_2011(policy: Policy, leo: Chronology) -> None:
    alerts = alert_timeline(policy, leo)
    assert _first(alerts, AlertLevel.AMBER) <= "2011-01-31"
    assert _first(alerts, AlertLevel.RED) <= "2011-12-31"
    assert evaluate(policy, leo, moment("2011-01-31")).level.rank >= AlertLevel.AMBER.rank
    assert evaluate(policy, leo, moment("2011-12-31")).level is AlertLevel.RED


def test_the_fracture_is_explained(policy: Policy, leo: Chronology) -> None:
    assessment = evaluate(policy, leo, moment("2011-01-31"))
    rules = {f.indicator_id for f in assessment.findings}
    assert {"injury_with_domestic_abuse_history", "delayed_presentation"} <= rules
    evidence = {key for f in assessment.findings for key in f.evidence}
    assert ("health", "HEA-demo-E18") in evidence
    paragraph = explain(assessment, leo)
    assert paragraph.startswith("Leo Brennan is rated RED on 31 Jan 2011")
    assert "Police" in paragraph and "Health" in paragraph


def test_no_alert_reads_the_interpreter_or_english_attrs(policy: Policy, leo: Chronology) -> None:
    """The demo records an interpreter and 'very little' English: neither may matter."""
    hidden = ("interpreter", "english")
    entries = tuple(
        replace(e, attrs={k: v for k, v in e.attrs.items() if k not in hidden}) for e in leo.entries
    )
    stripped = replace(leo, entries=entries)
    assert alert_timeline(policy, stripped) == alert_timeline(policy, leo)
