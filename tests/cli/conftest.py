"""Fixtures for CLI tests: the sample cohort copied to a temp folder (inputs are never touched)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.sample_round import copy_round

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# The sample cohort has two blank required cells (永顺县 1.4 at 指标数据!D14, 泸溪县 2.5 at
# 指标数据!D20): real data problems, so `score` and `rank` on it exit 1 and name them.
COHORT_EXIT = 1


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def cohort(tmp_path: Path) -> Path:
    """A copy of examples/counties, its sources' folders beside it: tests may add broken files."""
    return copy_round(tmp_path)


def invoke(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    from assess.cli import main

    return runner.invoke(main, list(args), catch_exceptions=False)
