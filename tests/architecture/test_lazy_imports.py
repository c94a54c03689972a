"""The review report's path imports only what a review needs (issue 14: the CLI's PDF in 3 s).

`alarmbell review ... --format pdf` is a new process each time, so every import is paid on every
report. Linking (pyarrow, numpy, Splink), batch and Spark rescoring (a process pool) and alert
routing are imported by the identity, alerts and triage facades when first used (PEP 562), not
with the package; the `holidays` package and Alembic only when a year or a store needs them. A
fresh interpreter shows what a plain import brings, which an in-process test cannot: other tests
have imported everything already.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

#: Modules a review report never uses, each with what brings it.
NOT_FOR_A_REVIEW = (
    "pyarrow",  # identity.features, for linking
    "numpy",  # pyarrow, pandas
    "splink",  # identity.splink_runner
    "pandas",  # Splink, training
    "alarmbell.identity.linker",
    "alarmbell.alerts.rescore",  # batch rescoring, with its process pool
    "alarmbell.alerts.spark_rescore",
    "alarmbell.triage.alert_work",
    "holidays",  # domain.working_days reads its stored table for the years it covers
    "alembic",  # storage.db, only to upgrade a store not at the latest schema
)


def _imported_after(*modules: str) -> set[str]:
    code = "import importlib, json, sys\n"
    code += "".join(f"importlib.import_module({m!r})\n" for m in modules)
    code += "print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def test_the_review_cli_and_report_import_no_linking_or_rescoring() -> None:
    imported = _imported_after("alarmbell.cli", "alarmbell.cli.review", "alarmbell.review")
    assert "alarmbell.review.build" in imported  # the probe itself works
    assert sorted(imported & set(NOT_FOR_A_REVIEW)) == []


@pytest.mark.parametrize("package", ["alarmbell.identity", "alarmbell.alerts", "alarmbell.triage"])
def test_every_name_a_facade_exports_resolves(package: str) -> None:
    module = importlib.import_module(package)
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert missing == []


@pytest.mark.parametrize("package", ["alarmbell.identity", "alarmbell.alerts", "alarmbell.triage"])
def test_a_facade_lists_every_name_it_exports_before_importing_them(package: str) -> None:
    """dir() (what completion and `help()` show) has the lazy names too, without loading them."""
    code = f"import json, sys, {package} as m; print(json.dumps([sorted(dir(m)), sorted(sys.modules)]))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    listed, imported = json.loads(done.stdout)
    module = importlib.import_module(package)
    assert sorted(set(module.__all__) - set(listed)) == []
    assert sorted(set(imported) & set(NOT_FOR_A_REVIEW)) == []
