"""The Markdown export carries ingested text as text: no live HTML, no javascript: links.

Issue 19, defect 11: agency free text went into the Markdown as it came, so a viewer that
renders Markdown with HTML (many do) ran `<script>` and followed `javascript:` links. The
export is rendered here with markdown-it allowing raw HTML and every link scheme, the most
permissive viewer, and checked for anything executable.
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson
from markdown_it import MarkdownIt

from alarmbell.identity import link_people, person_ids_for_records
from alarmbell.ingest.service import ingest_file
from alarmbell.policy import default_policy
from alarmbell.review import render_markdown, review_report
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope

from .conftest import NOW

HOSTILE = (
    "<script>alert(1)</script> [click me](javascript:alert(2)) "
    '<a href="javascript:alert(3)">open</a> <javascript:alert(4)> ![x](javascript:alert(5)) '
    "<img src=x onerror=alert(6)> *bold* _under_ `code` | piped\n# not a heading"
)


class _CarelessViewer(MarkdownIt):
    """A Markdown viewer that accepts javascript: links, as a careless one would."""

    def validateLink(self, url: str) -> bool:  # noqa: ARG002 - every link passes
        return True


def _permissive_html(markdown: str) -> str:
    return str(_CarelessViewer("commonmark", {"html": True}).render(markdown)).lower()


def _store_with_hostile_text(folder: Path) -> Settings:
    records = [
        {"type": "person", "agency": "health", "source_id": "H1", "given_name": "Ada", "family_name": "Quill",
         "dob": "2018-02-03", "role_hint": "child"},
        {"type": "event", "agency": "health", "source_id": "E1", "kind": "gp_consultation",
         "occurred_at": "2024-01-10", "subjects": ["H1"], "text": HOSTILE},
        {"type": "event", "agency": "health", "source_id": "E2", "kind": "injury_presentation",
         "occurred_at": "2024-02-10", "subjects": ["H1"], "attrs": {"injury": "bruise", "site": "face"},
         "text": "[again](JaVaScRiPt:alert(7)) <iframe src=javascript:alert(8)>"},
    ]  # fmt: skip
    path = folder / "hostile.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    settings = Settings(database_url=f"sqlite:///{folder / 'store.db'}")
    engine = make_engine(settings)
    summary = ingest_file(engine=engine, path=path)
    assert summary.accepted == len(records)
    with session_scope(engine) as session:
        link_people(session)
    engine.dispose()
    return settings


def test_markdown_export_neutralises_html_and_script_links(tmp_path: Path) -> None:
    engine = make_engine(_store_with_hostile_text(tmp_path))
    with session_scope(engine) as session:
        person_id = person_ids_for_records(session, [("health", "H1")])[("health", "H1")]
        report = review_report(
            session,
            person_id=person_id,
            policy=default_policy(),
            as_of=None,
            now=NOW,
            alert_working_days=Settings().triage_alert_working_days,
        )
    engine.dispose()
    assert report is not None
    markdown = render_markdown(report)
    html = _permissive_html(markdown)
    for tag in ("<script", "<img", "<iframe", "<a "):
        assert tag not in html, tag
    assert not re.search(r"<[^>]*\b(href|src|on\w+)\s*=", html), "no tag carries a link or handler"
    assert "\n# not a heading" not in markdown
    assert "alert(1)" in html and "click me" in html, "the text itself is kept, readable"
