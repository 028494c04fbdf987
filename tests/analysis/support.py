"""Helpers for the analysis tests: small schemes written in the tests, units built by hand."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path
from typing import Any

from assess.analysis.rescore import Rescorer
from assess.scheme.load import load_scheme
from assess.scheme.plan import Plan, compile_plan
from assess.scoring.engine import prepare
from assess.workbook.data import MISSING, UnitData, Value

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "counties"
_counter = itertools.count()


def plan_from_text(directory: Path, text: str) -> Plan:
    path = directory / f"scheme-{next(_counter)}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return compile_plan(load_scheme(path))


def unit(name: str, values: dict[str, Any], group: str | None = None) -> UnitData:
    out: dict[str, Value] = {}
    for k, v in values.items():
        if v is None:
            out[k] = Value(None, MISSING)
        elif isinstance(v, bool):
            out[k] = Value(1.0 if v else 0.0, raw=v)
        else:
            out[k] = Value(float(v), raw=v)
    return UnitData(unit=name, group=group, year=2024, values=out, file=f"{name}.xlsx")


def rescorer(plan: Plan, *units: UnitData) -> Rescorer:
    return Rescorer(plan, [prepare(plan, u) for u in units])
