"""Fixtures for CLI tests: the sample cohort copied to a temp folder (inputs are never touched)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def cohort(tmp_path: Path) -> Path:
    """A copy of examples/counties: tests may add broken files beside it."""
    target = tmp_path / "counties"
    shutil.copytree(EXAMPLES / "counties", target)
    return target


def invoke(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    from assess.cli import main

    return runner.invoke(main, list(args), catch_exceptions=False)
