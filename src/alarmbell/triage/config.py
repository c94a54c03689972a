"""The triage settings as one small immutable object, so pure code never sees the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from alarmbell.settings import Settings
from alarmbell.triage.scoring import Bands


@dataclass(frozen=True, slots=True)
class TriageConfig:
    mash_hours: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"red": 4.0, "amber": 24.0, "green": 72.0})
    )
    alert_working_days: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"red": 1.0, "amber": 3.0})
    )
    alert_harm_days: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"red": 365.0, "amber": 30.0, "green": 2.0})
    )
    escalation_fraction: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"team_manager": 1.0, "head_of_service": 1.5})
    )
    escalation_max_hours: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"team_manager": 120.0, "head_of_service": 240.0})
    )
    escalate_from_harm_days: float = 30.0
    countersign_working_days: int = 1
    taken_on_working_days: int = 1
    bands: Bands = Bands()

    @classmethod
    def from_settings(cls, settings: Settings) -> TriageConfig:
        return cls(
            mash_hours=MappingProxyType(dict(settings.triage_mash_hours)),
            alert_working_days=MappingProxyType(dict(settings.triage_alert_working_days)),
            alert_harm_days=MappingProxyType(dict(settings.triage_alert_harm_days)),
            escalation_fraction=MappingProxyType(dict(settings.triage_escalation_fraction)),
            escalation_max_hours=MappingProxyType(dict(settings.triage_escalation_max_hours)),
            escalate_from_harm_days=settings.triage_escalate_from_harm_days,
            countersign_working_days=settings.triage_countersign_working_days,
            taken_on_working_days=settings.triage_taken_on_working_days,
            bands=Bands(low=settings.triage_low_harm_days, high=settings.triage_high_harm_days),
        )
