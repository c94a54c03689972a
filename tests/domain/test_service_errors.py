"""Every error a service raises about a request derives from one base, `ServiceError`, so the web
maps it once by its category (web/errors.py) instead of each route catching it by hand."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import alarmbell
from alarmbell.domain.errors import ServiceError


def _value_errors_defined_in_alarmbell() -> list[type[ValueError]]:
    found = []
    for module_info in pkgutil.walk_packages(alarmbell.__path__, "alarmbell."):
        if module_info.name.startswith("alarmbell.cli"):
            continue  # entry points, not services
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, ValueError) and value.__module__ == module.__name__:
                found.append(value)
    return found


def test_every_value_error_of_ours_is_a_service_error() -> None:
    classes = _value_errors_defined_in_alarmbell()
    names = {cls.__name__ for cls in classes}
    assert {"TriageError", "ReviewError", "OverrideError", "GrantError", "UserError", "FieldError"} <= names
    assert [cls.__name__ for cls in classes if not issubclass(cls, ServiceError)] == []


def test_an_error_says_its_category_and_keeps_its_message() -> None:
    from alarmbell.triage import TriageError

    assert TriageError("give the rationale").category == "invalid"
    missing = TriageError("no triage item 5", category="not_found")
    assert (missing.category, str(missing)) == ("not_found", "no triage item 5")
    assert isinstance(missing, ValueError)
