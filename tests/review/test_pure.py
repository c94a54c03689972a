"""The report builder is pure: it reaches neither the store nor the web, directly or indirectly."""

from __future__ import annotations

import grimp

FORBIDDEN = ("alarmbell.storage", "alarmbell.web", "sqlalchemy")


def test_the_builder_imports_neither_storage_nor_web() -> None:
    graph = grimp.build_graph("alarmbell", include_external_packages=True)
    for target in FORBIDDEN:
        chain = graph.find_shortest_chain(importer="alarmbell.review.build", imported=target)
        assert chain is None, f"review.build reaches {target} through {' -> '.join(chain or ())}"
