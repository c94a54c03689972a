"""Data protection: subject access exports (sar) and retention (retention)."""

from __future__ import annotations
