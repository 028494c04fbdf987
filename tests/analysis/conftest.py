"""Fixtures for the analysis tests: the sample cohort, read once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.commands.common import load_plan, locate, read_inputs
from assess.scheme.plan import Plan
from assess.scoring.engine import Prepared, prepare

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def county_plan() -> Plan:
    return load_plan("county-2024")


@pytest.fixture(scope="session")
def county_prepared(county_plan: Plan) -> list[Prepared]:
    counties = [ROOT / "examples" / "counties"]
    data = read_inputs(county_plan, counties, located=locate(county_plan, counties))
    assert len(data.units) == 14, data.refused
    return [prepare(county_plan, u) for u in data.units]
