"""Packages import each other through their facade (`alarmbell.triage`), not their modules.

A package's `__init__.py` is its public API; its modules are free to change. import-linter has
no contract for this, so grimp's graph of direct imports is checked here.
"""

from __future__ import annotations

import grimp
import pytest

#: Packages whose modules are each public: domain's modules are the shared vocabulary, and
#: storage's (db, tables, repositories) are the schema the services query.
OPEN_PACKAGES = frozenset({"domain", "storage"})

#: The exceptions, each with its reason. Keep this short.
ALLOWED = {
    # review.build is pure (a contract says so); the triage facade would bring the store.
    ("alarmbell.review.missed", "alarmbell.triage.config"),
    # The one alert clock the queue and the review share (pure; the facade names it public).
    ("alarmbell.review.build", "alarmbell.triage.timescales"),
    ("alarmbell.review.missed", "alarmbell.triage.timescales"),
    # The OIDC client pulls in httpx, authlib and joserfc; only web login needs them, so the
    # access facade (which every CLI command loads) leaves them out.
    ("alarmbell.web.pages.oidc", "alarmbell.access.oidc"),
    # The function has its module's name: exported from the facade, it would hide the module
    # (`alarmbell.alerts.rescore` would be the function), and grimp reads either import as this.
    ("alarmbell.replay.service", "alarmbell.alerts.rescore"),
    ("alarmbell.triage.alert_work", "alarmbell.alerts.rescore"),
    ("alarmbell.cli.identity", "alarmbell.identity.retrain"),
    # The server brings uvicorn; only `alarmbell serve` and `alarmbell demo` run it, so the web
    # facade (the app factory, which tests import) leaves it out.
    ("alarmbell.cli.web", "alarmbell.web.server"),
    ("alarmbell.cli.demo", "alarmbell.web.server"),
}


def _package(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def past_the_facade(graph: grimp.ImportGraph) -> list[str]:
    """Direct imports of another package's module (`alarmbell.y.z`) that are not allowed."""
    found = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            package = _package(imported)
            if package in ("", _package(importer)) or package in OPEN_PACKAGES:
                continue
            if imported != f"alarmbell.{package}" and (importer, imported) not in ALLOWED:
                found.append(f"{importer} -> {imported}")
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("alarmbell", cache_dir=None)


def test_packages_import_each_other_through_their_facades(graph: grimp.ImportGraph) -> None:
    found = past_the_facade(graph)
    assert not found, "import these from the package instead (export them in its __init__.py):\n" + "\n".join(
        found
    )


def test_the_allowed_exceptions_are_still_needed(graph: grimp.ImportGraph) -> None:
    stale = [pair for pair in ALLOWED if not graph.direct_import_exists(importer=pair[0], imported=pair[1])]
    assert not stale, f"remove from ALLOWED: {stale}"


def test_reaching_past_a_facade_is_reported(graph: grimp.ImportGraph) -> None:
    graph.add_import(importer="alarmbell.web.pages.triage", imported="alarmbell.triage.service")
    try:
        assert past_the_facade(graph) == ["alarmbell.web.pages.triage -> alarmbell.triage.service"]
    finally:
        graph.remove_import(importer="alarmbell.web.pages.triage", imported="alarmbell.triage.service")
