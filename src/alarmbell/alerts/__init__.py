"""Alerts: running the early-warning policy over people in the store and keeping what it said."""
