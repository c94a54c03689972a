"""Building the demo store: the pseudonymised demo case among a seeded synthetic population."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from pathlib import Path

from sqlalchemy.orm import Session

from alarmbell.access import create_user
from alarmbell.ingest import ingest_file
from alarmbell.policy import policy_for
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.synth import generate
from alarmbell.triage import demo_scenario, link_and_refresh

DEMO_SEED = 2012
#: Years of synthetic family history the demo holds.
SYNTHETIC_YEARS = 5
#: The synthetic window ends this long before today: agencies record up to a week after the
#: event (synth/events.py), so every synthetic record is recorded by yesterday, none in the future.
RECORDING_LAG = timedelta(days=8)


def synthetic_until(today: date) -> date:
    """The day after the synthetic families' window: their five years end about now, so their
    children are children today and their newest records are recent, as in a MASH on a working
    day. The demo case keeps its published dates (2007-2012): it is the historic review."""
    return today - RECORDING_LAG


def demo_case_path() -> Path:
    return Path(str(files("alarmbell") / "demo_data" / "coventry-2012.jsonl"))


@dataclass
class DemoResult:
    lines: list[str] = field(default_factory=list)


def build_demo(settings: Settings, *, children: int, step: Callable[[str], None] | None = None) -> DemoResult:
    """Fill the configured (fresh) store with the demo case and `children` synthetic children."""
    say = step or (lambda _text: None)
    result = DemoResult()
    engine = make_engine(settings)
    policy = policy_for(settings)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="alarmbell-demo-") as tmp:
        say("Generating synthetic families")
        until = synthetic_until(now.date())
        generate(children=children, years=SYNTHETIC_YEARS, seed=DEMO_SEED, out_dir=Path(tmp), until=until)
        paths = [demo_case_path(), *sorted(Path(tmp).glob("*.jsonl"))]
        for path in paths:
            if path.name == "truth.jsonl":
                continue
            say(f"Ingesting {path.name}")
            summary = ingest_file(engine=engine, path=path)
            result.lines.append(f"{path.name}: {summary.line}")
    say("Linking identities")
    done = link_and_refresh(
        engine,
        settings=settings,
        policy=policy,
        now=now,
        everyone=True,
        total=lambda _people: say("Running early warning"),
    )
    linked = done.linked
    result.lines.append(f"identity: {linked.records} records -> {linked.people_created} people")
    result.lines.append(f"early warning: {done.raised.created} alerts (policy {policy.version})")
    result.lines.append(f"work: {done.raised.routed.line} (MASH queue)")
    result.lines.extend(demo_scenario(engine, settings))
    with session_scope(engine) as session:
        result.lines.extend(demo_users(session))
    engine.dispose()
    return result


#: One demo user per role: (username, role, agency, team). The practitioner is a health visitor
#: seconded to the MASH, so she sees health's records and every chronology routed to the MASH.
#: The team manager manages the MASH, where the demo's alerts and escalations go, so the work
#: queue she opens is the one she answers for.
DEMO_USERS = (
    ("practitioner", "practitioner", "health", "mash"),
    ("analyst", "mash_analyst", "children_social_care", "mash"),
    ("manager", "team_manager", "children_social_care", "mash"),
    ("reviewer", "reviewer", None, None),
    ("admin", "admin", None, None),
)


def demo_users(session: Session) -> list[str]:
    """Create the demo users with fresh random passwords (never a well-known default) and say them."""
    lines = ["sign in as (passwords are new for each demo build):"]
    for username, role, agency, team in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        create_user(session, username=username, role=role, agency=agency, team=team, password=password)
        lines.append(f"  {role:<13} {username:<13} {password}")
    return lines
