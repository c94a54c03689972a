"""alarmbell: joined-up multi-agency chronologies and explainable early warning for child safeguarding."""

from __future__ import annotations

__version__ = "0.1.0"
