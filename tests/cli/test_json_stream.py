"""Large JSON documents are written unit by unit: same bytes as a whole string, old file kept on failure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assess.commands.common import COMPACT_FROM, dumps, json_chunks
from assess.render.atomic import write_atomic


class _Unit:
    def __init__(self, k: int) -> None:
        self.k = k

    def to_dict(self) -> dict[str, Any]:
        return {"unit": f"县{self.k:03d}", "total": 80 + self.k / 100, "basis": ["达到“好”"]}


def _doc(n: int) -> dict[str, Any]:
    return {"format": "assess.rank/1", "title": "排名", "units": [_Unit(k) for k in range(n)]}


@pytest.mark.parametrize("n", [0, 3, COMPACT_FROM, COMPACT_FROM + 1, 400])
def test_pieces_make_the_document(n: int) -> None:
    text = dumps(_doc(n))
    assert json.loads(text) == {
        "format": "assess.rank/1",
        "title": "排名",
        "units": [_Unit(k).to_dict() for k in range(n)],
    }
    if n > COMPACT_FROM:  # one unit a line, readable by line-oriented tools
        lines = text.splitlines()
        assert lines[-3:] == [lines[-3], "  ]", "}"]
        assert sum(1 for line in lines if line.startswith('    {"unit"')) == n
    else:
        assert '\n      "unit": "县000"' in text or n == 0  # indented for reading


def test_streamed_file_equals_the_string(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "排名.json", json_chunks(_doc(200)))
    assert target.read_text(encoding="utf-8") == dumps(_doc(200))


def test_a_failure_while_streaming_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "排名.json"
    target.write_text("旧文件", encoding="utf-8")

    def pieces() -> Any:
        yield "{"
        raise ValueError("nan")

    with pytest.raises(ValueError):
        write_atomic(target, pieces())
    assert target.read_text(encoding="utf-8") == "旧文件"
    assert [p.name for p in tmp_path.iterdir()] == ["排名.json"]


def test_indicators_encoded_while_reading_give_the_same_file(tmp_path: Path, monkeypatch) -> None:
    """rank encodes settled indicators during the read; the file is byte for byte the same."""
    import yaml
    from openpyxl import Workbook, load_workbook

    import assess.scoring.engine as engine
    from assess.commands.rank import run_rank

    root = Path(__file__).resolve().parents[2]
    scheme = yaml.safe_load((root / "indicators" / "county-2024.yaml").read_text(encoding="utf-8"))
    scheme["units"] = []
    path = tmp_path / "方案.yaml"
    path.write_text(yaml.safe_dump(scheme, allow_unicode=True, sort_keys=False), encoding="utf-8")
    rows = list(load_workbook(root / "examples" / "汇总表.xlsx").active.iter_rows(values_only=True))
    wb = Workbook()
    ws = wb.active
    ws.append(rows[0])
    for k in range(5):  # 70 units: more than COMPACT_FROM, so one unit a line
        for row in rows[1:]:
            if row[0]:
                ws.append([f"{row[0]}{k}", *row[1:]])
    wb.save(tmp_path / "汇总表.xlsx")

    def rank(out: Path) -> bytes:
        run_rank(str(path), [tmp_path / "汇总表.xlsx"], [], previous=None, overall=False, fmt="json",
                 output=out, report_date=None, title=None, issuer=None, quiet=True, strict=False,
                 jobs=1, force=True)  # fmt: skip
        return out.read_bytes()

    early = rank(tmp_path / "a.json")
    assert sum(engine.settled(load_plan_for(path))) > 20
    monkeypatch.setattr(engine, "settled", lambda plan: [False] * len(plan.indicators))
    assert rank(tmp_path / "b.json") == early
    assert len(json.loads(early)["units"]) == 70


def load_plan_for(path: Path):  # type: ignore[no-untyped-def]
    from assess.commands.common import load_plan

    return load_plan(str(path))
