"""The layers contract names every top-level module, so a new package cannot sit outside it."""

from __future__ import annotations

import pkgutil

import alarmbell

from .contracts import contracts, layer_modules


def test_every_top_level_module_is_in_a_layer() -> None:
    modules = {m.name for m in pkgutil.iter_modules(alarmbell.__path__)}
    missing = modules - layer_modules()
    assert not missing, f"add {sorted(missing)} to the layers contract in pyproject.toml"


def test_the_purity_contracts_count_indirect_imports() -> None:
    for contract in contracts().values():
        if contract["type"] == "forbidden":
            assert contract.get("allow_indirect_imports") is False, contract["name"]
