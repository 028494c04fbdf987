"""The bundled sample round: the counties' workbooks and one folder per other source of county-2024.

The counties report only what the scheme's unit source asks for; every other
source is found beside them, covers all 14 counties and reads without a
problem, so the only errors are the two deliberately blank cells.
"""

from __future__ import annotations

import json
from pathlib import Path

from assess.commands.common import load_plan
from assess.workbook.county import read_county
from tests.cli.conftest import invoke
from tests.sample_round import BLANK_CELLS, COUNTIES, SOURCES


def test_every_source_is_found_and_complete(runner, cohort: Path) -> None:
    result = invoke(runner, "check", "-s", "county-2024", str(cohort), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    receipt = doc["receipt"]
    assert [s["id"] for s in receipt["sources"]] == ["县级填报", *SOURCES]
    for source in receipt["sources"]:
        assert source["given"] and source["covered"] == 14, source
        assert source["missing"] == [] and source["extra"] == [], source
    errors = [f for f in doc["findings"] if f["severity"] == "error"]
    got = {
        (Path(f["location"]["file"]).stem, f"{f['location']['sheet']}!{f['location']['cell']}")
        for f in errors
    }
    assert got == set(BLANK_CELLS)
    assert not [f for f in doc["findings"] if f["code"] in ("foreign-field", "finding-unmatched")]


def test_the_counties_report_only_their_own_inputs() -> None:
    plan = load_plan("county-2024")
    own = {spec.key for spec in plan.own_read.inputs}
    others = {key for source in plan.sources for key in source.keys if source.kind != "unit"}
    assert own and others and not own & others
    unit = read_county(COUNTIES / "浏阳市.xlsx", plan.read)
    assert {k for k, v in unit.values.items() if v.number is not None} <= own
