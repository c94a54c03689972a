"""Instant multi-agency review: merged chronology, who knew what and when, missed opportunities.

Public API (other packages import from here):

- `review_report(session, person_id=, policy=, alert_working_days=, as_of=, now=)`: the report,
  as known at the end of `as_of` (a date; default everything), or None if no such person;
  `alert_working_days` is the partnership's triage setting, so alerts are judged late by the
  queue's clock.
- `build_review(inputs, policy=)`: the pure builder (no database), for tests and replays.
- `render_html`, `render_pdf`, `render_markdown`: the report's formats; `context` and
  `install_filters` let the web app render the same templates as a page.
"""

from alarmbell.review.build import build_review
from alarmbell.review.markdown import render_markdown
from alarmbell.review.model import ReviewInputs, ReviewReport
from alarmbell.review.render import context, install_filters, render_html, render_pdf
from alarmbell.review.service import review_report

__all__ = [
    "ReviewInputs",
    "ReviewReport",
    "build_review",
    "context",
    "install_filters",
    "render_html",
    "render_markdown",
    "render_pdf",
    "review_report",
]
