"""The web app: server-rendered GOV.UK-style pages and a JSON API over the same page data."""

from __future__ import annotations

from alarmbell.web.app import create_app

__all__ = ["create_app"]
