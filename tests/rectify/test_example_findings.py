"""The example findings workbook reads without a single finding, for the example counties."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from assess.errors import Finding
from assess.rectify.findings import read_findings
from assess.scheme.load import load_scheme

from .conftest import ROOT, SCHEME


def test_example_findings_workbook(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_findings", ROOT / "examples" / "make_findings.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path / "督查发现问题清单.xlsx"
    module.build().save(path)
    notes: list[Finding] = []
    problems = read_findings(path, notes)
    assert notes == []
    assert 15 <= len(problems) <= 25
    units = {u.name for u in load_scheme(SCHEME).scheme.units}
    assert {p.unit for p in problems} == units
    assert {p.source for p in problems} == {
        "督查暗访",
        "审计",
        "第三方评估",
        "考核评估",
    }
