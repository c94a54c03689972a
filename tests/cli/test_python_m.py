"""`python -m alarmbell` is the `alarmbell` command, for a machine where only the package is on the
path (no installed script): the same help, the same exit status."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import alarmbell

SRC = str(Path(alarmbell.__file__).parents[1])


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_python_m_alarmbell_shows_the_commands_help() -> None:
    done = _run("alarmbell", "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage: python -m alarmbell" in done.stdout
    assert "ingest" in done.stdout and "review" in done.stdout


def test_python_m_alarmbell_fails_as_the_command_does() -> None:
    done = _run("alarmbell", "no-such-command")
    assert done.returncode == 2
    assert "No such command" in done.stderr
