"""Triage: one work queue ordered by harm and waiting time, statutory clocks, escalation, workload.

The public API (other packages, e.g. review reports, import from here, not from the modules):

- `TriageConfig.from_settings(settings)`: the triage settings as one object.
- `rescore_and_route(session, policy=, settings=, now=, workers=)`: everyone re-evaluated as a
  batch (after a policy change), new alerts routed to work in the same transaction.
- `link_and_refresh(engine, settings=, policy=, now=)`: link identities, then raise and route
  the alerts of everyone due; what every intake does after storing records.
- `refresh_items(session, config=, now=, since=)`: open items for alerts, referrals, police
  investigations (crime_report / arrest, with their offence) and statutory steps in the store.
- `open_item`, `acknowledge`, `decide`, `countersign_decision`, `escalate_overdue`: the steps,
  each audited in triage_event; `waiting_closings`: proposed closings and their countersignature clock;
  `taken_on_clocks`: the decision clock of work taken on.
- `queue(session, team=, now=, config=)`, `teams(session, now=)`: what a team should do next.
- `log_time`, `import_time_csv`, `work_log`: time recording.
- `workload_analytics(session, config=, now=, days=)`: hours by harm, past due, displacement.
- `reported_by(session, referrer=, now=)`: what a referrer reported, its outcome and timeliness;
  `reported_people(session, rows)`: the children those rows name, for the audit entry.
- `response_times(session, now=, person_ids=, since=)`: every item against its clock, for reviews.
- `timeliness(item, now)`, `audit_trail(session, item_id)`.
- `default_harm_table().lookup(offence)`: Crime Harm Index days with their source.
- `alarmbell.triage.timescales` and `alarmbell.triage.scoring`: the pure clock and ordering rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alarmbell.domain.lazy import lazy_facade
from alarmbell.triage.config import TriageConfig
from alarmbell.triage.timescales import ENGLAND, TIMESCALES, clock_words

if TYPE_CHECKING:
    from alarmbell.triage.alert_work import (
        EVIDENCE_ADDED,
        LinkedAndRaised,
        RescoredAndRouted,
        Routed,
        link_and_refresh,
        open_alert_item,
        refresh_and_route,
        rescore_and_route,
        route_alerts,
    )
    from alarmbell.triage.analytics import (
        Analytics,
        DisplacementPeriod,
        EscalationLoad,
        analytics_lines,
        escalation_load,
        workload_analytics,
    )
    from alarmbell.triage.build import RefreshSummary, refresh_items
    from alarmbell.triage.harm import HarmTable, HarmValue, default_harm_table
    from alarmbell.triage.scenario import demo_scenario, load_displacement_scenario
    from alarmbell.triage.service import (
        DECISIONS,
        ESCALATION_LABELS,
        ITEM_KINDS,
        LEAVER,
        MAX_TEXT,
        OPEN_STATUSES,
        Escalation,
        NewItem,
        Queue,
        QueueEntry,
        ReportedOutcome,
        ResponseTime,
        TakenOnClock,
        TeamSummary,
        Timeliness,
        TriageError,
        WaitingClosing,
        acknowledge,
        audit_trail,
        awaiting_countersignature,
        countersign_decision,
        decide,
        describe,
        escalate_overdue,
        get_item,
        hand_back,
        open_item,
        queue,
        reported_by,
        reported_people,
        response_times,
        taken_on_clocks,
        taken_on_words,
        team_names,
        teams,
        timeliness,
        unsigned_words,
        waiting_closings,
    )
    from alarmbell.triage.unanswered import (
        CSV_COLUMNS,
        UnansweredReport,
        csv_rows,
        report_rows,
        unanswered_alarms,
    )
    from alarmbell.triage.worklog import (
        ImportResult,
        WorkLogEntry,
        import_time_csv,
        log_time,
        parse_worked,
        work_log,
    )

# Names imported on first use, by the module that holds them: the rest of triage pulls in alert
# routing, identity linking (pyarrow) and Alembic, which a review report (it reads TriageConfig
# and the clocks only) does not need.
# Type checkers read the imports above instead, and so report a name that is not among them.
if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_facade(
        __name__,
        {
            ".alert_work": (
                "EVIDENCE_ADDED",
                "LinkedAndRaised",
                "RescoredAndRouted",
                "Routed",
                "link_and_refresh",
                "open_alert_item",
                "refresh_and_route",
                "rescore_and_route",
                "route_alerts",
            ),
            ".analytics": (
                "Analytics",
                "DisplacementPeriod",
                "EscalationLoad",
                "analytics_lines",
                "escalation_load",
                "workload_analytics",
            ),
            ".build": ("RefreshSummary", "refresh_items"),
            ".harm": ("HarmTable", "HarmValue", "default_harm_table"),
            ".scenario": ("demo_scenario", "load_displacement_scenario"),
            ".service": (
                "DECISIONS",
                "ESCALATION_LABELS",
                "ITEM_KINDS",
                "LEAVER",
                "MAX_TEXT",
                "OPEN_STATUSES",
                "Escalation",
                "NewItem",
                "Queue",
                "QueueEntry",
                "ReportedOutcome",
                "ResponseTime",
                "TakenOnClock",
                "TeamSummary",
                "Timeliness",
                "TriageError",
                "WaitingClosing",
                "acknowledge",
                "audit_trail",
                "awaiting_countersignature",
                "countersign_decision",
                "decide",
                "describe",
                "escalate_overdue",
                "get_item",
                "hand_back",
                "open_item",
                "queue",
                "reported_by",
                "reported_people",
                "response_times",
                "taken_on_clocks",
                "taken_on_words",
                "team_names",
                "teams",
                "timeliness",
                "unsigned_words",
                "waiting_closings",
            ),
            ".unanswered": (
                "CSV_COLUMNS",
                "UnansweredReport",
                "csv_rows",
                "report_rows",
                "unanswered_alarms",
            ),
            ".worklog": (
                "ImportResult",
                "WorkLogEntry",
                "import_time_csv",
                "log_time",
                "parse_worked",
                "work_log",
            ),
        },
    )

__all__ = [
    "CSV_COLUMNS",
    "DECISIONS",
    "ENGLAND",
    "ESCALATION_LABELS",
    "EVIDENCE_ADDED",
    "ITEM_KINDS",
    "LEAVER",
    "MAX_TEXT",
    "OPEN_STATUSES",
    "TIMESCALES",
    "Analytics",
    "DisplacementPeriod",
    "Escalation",
    "EscalationLoad",
    "HarmTable",
    "HarmValue",
    "ImportResult",
    "LinkedAndRaised",
    "NewItem",
    "Queue",
    "QueueEntry",
    "RefreshSummary",
    "ReportedOutcome",
    "RescoredAndRouted",
    "ResponseTime",
    "Routed",
    "TakenOnClock",
    "TeamSummary",
    "Timeliness",
    "TriageConfig",
    "TriageError",
    "UnansweredReport",
    "WaitingClosing",
    "WorkLogEntry",
    "acknowledge",
    "analytics_lines",
    "audit_trail",
    "awaiting_countersignature",
    "clock_words",
    "countersign_decision",
    "csv_rows",
    "decide",
    "default_harm_table",
    "demo_scenario",
    "describe",
    "escalate_overdue",
    "escalation_load",
    "get_item",
    "hand_back",
    "import_time_csv",
    "link_and_refresh",
    "load_displacement_scenario",
    "log_time",
    "open_alert_item",
    "open_item",
    "parse_worked",
    "queue",
    "refresh_and_route",
    "refresh_items",
    "report_rows",
    "reported_by",
    "reported_people",
    "rescore_and_route",
    "response_times",
    "route_alerts",
    "taken_on_clocks",
    "taken_on_words",
    "team_names",
    "teams",
    "timeliness",
    "unanswered_alarms",
    "unsigned_words",
    "waiting_closings",
    "work_log",
    "workload_analytics",
]
