"""Harm per offence in Cambridge Crime Harm Index days, from the shipped table, with its source.

Every value says where it came from. An offence with no value of its own takes its Home Office
subgroup's median and is marked `subgroup fallback`; an offence the table does not know takes the
miscellaneous-crimes median and is marked `unknown offence`, so that a queue never silently ranks
an unrecognised offence as harmless, and the gap shows where the table needs extending.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

import yaml

HarmBasis = Literal["offence", "subgroup fallback", "unknown offence", "alert level"]
UNKNOWN_SUBGROUP = "miscellaneous crimes against society"
DATA_FILE = "crime_harm_index.yaml"


@dataclass(frozen=True, slots=True)
class HarmValue:
    days: float
    basis: HarmBasis
    subgroup: str | None
    source: str
    note: str | None = None

    def explain(self, offence: str) -> str:
        """One sentence a practitioner can read beside the number."""
        days = f"{self.days:g} days"
        source = self.source if self.source.endswith(".") else f"{self.source}."
        if self.basis == "offence":
            text = f"{offence}: {days} (Crime Harm Index, offence level). {source}"
        elif self.basis == "subgroup fallback":
            text = (
                f"{offence}: {days}, the median of its Home Office subgroup ({self.subgroup}); "
                f"no offence-level value, so this is a fallback. {source}"
            )
        else:
            text = (
                f"{offence}: not in alarmbell's harm table, so ranked at {days} ({self.subgroup} median) "
                "until someone adds it."
            )
        return f"{text} {self.note}" if self.note else text


@dataclass(frozen=True, slots=True)
class _Offence:
    name: str
    subgroup: str
    days: float | None
    source: str | None
    note: str | None


class HarmTable:
    """Offence names (and aliases) to harm values; lookups are by normalised name."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.version = str(data["version"])
        self.subgroups: dict[str, tuple[float, str]] = {
            name: (float(v["days"]), str(v["source"])) for name, v in data["subgroups"].items()
        }
        self._by_name: dict[str, _Offence] = {}
        for raw in data["offences"]:
            offence = _offence(raw, self.subgroups)
            for name in (raw["name"], *raw.get("aliases", ())):
                self._by_name[normalise(name)] = offence

    def offences(self) -> list[str]:
        return sorted({o.name for o in self._by_name.values()})

    def lookup(self, offence: str) -> HarmValue:
        found = self._by_name.get(normalise(offence))
        if found is None:
            days, source = self.subgroups[UNKNOWN_SUBGROUP]
            return HarmValue(days, "unknown offence", UNKNOWN_SUBGROUP, source)
        if found.days is not None and found.source:
            return HarmValue(found.days, "offence", found.subgroup, found.source, found.note)
        days, source = self.subgroups[found.subgroup]
        return HarmValue(days, "subgroup fallback", found.subgroup, source, found.note)


def _offence(raw: dict[str, Any], subgroups: dict[str, tuple[float, str]]) -> _Offence:
    if raw["subgroup"] not in subgroups:
        raise ValueError(f"harm table: offence {raw['name']!r} names unknown subgroup {raw['subgroup']!r}")
    if raw.get("days") is not None and not raw.get("source"):
        raise ValueError(f"harm table: offence {raw['name']!r} has a value but no source")
    days = float(raw["days"]) if raw.get("days") is not None else None
    return _Offence(str(raw["name"]), str(raw["subgroup"]), days, raw.get("source"), raw.get("note"))


def normalise(name: str) -> str:
    """Lower case, punctuation to spaces, single spaces: 'G.B.H.' and 'gbh' meet."""
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", name.lower().replace(".", ""))).strip()


@lru_cache(maxsize=1)
def default_harm_table() -> HarmTable:
    text = (files("alarmbell.triage") / "data" / DATA_FILE).read_text(encoding="utf-8")
    return HarmTable(yaml.safe_load(text))
