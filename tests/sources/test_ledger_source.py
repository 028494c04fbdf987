"""A rectification ledger (kind: ledger) as a data source: 整改完成率 and 按期整改率 scored.

The ledger is made here by ``assess rectify`` from a findings list, filled in the way a
clerk fills it (statuses, 完成日期, 佐证材料, 不涉及理由), updated once more by
``assess rectify --ledger``, then read by ``assess score`` / ``rank`` through click.
Every basis is pinned.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from assess.cli import main
from assess.rectify.model import COMPLETED, IN_PROGRESS, LONG_TERM, NOT_APPLICABLE

SCHEME = """\
schema_version: 1
id: ledger-test
title: 整改台账来源测试方案
year: 2025
level: county
full_score: 20
groups:
  - {id: g, name: 一组}
units:
  - {name: 甲县, group: g}
  - {name: 乙县, group: g}
  - {name: 丙县, group: g}
sources:
  - {id: 县级填报, kind: unit, name: 县级填报表}
  - id: 整改
    kind: ledger
    name: 整改台账
    department: 县委农办
    rates:
      - {field: "1.2"}
      - {field: "1.3", measure: on_time, origins: [督查]}
categories:
  - id: "1"
    name: 综合
    points: 20
    indicators:
      - {id: "1.1", name: 帮扶措施落实率, points: 5, unit: "%", rule: {type: threshold, target: 100}}
      - {id: "1.2", name: 问题整改完成率, points: 10, unit: "%", rule: {type: ratio, target: 100}}
      - {id: "1.3", name: 督查问题按期整改率, points: 5, unit: "%", rule: {type: ratio, target: 100}}
"""

# (单位, 问题来源, 问题类别, 问题描述, 整改时限) → what the clerk writes: (状态, 完成日期, 佐证, 不涉及理由)
PROBLEMS: list[tuple[tuple[object, ...], tuple[str, dt.date | None, str | None, str | None]]] = [
    (
        ("甲县", "督查", "作风建设", "帮扶干部入户走访流于形式", dt.date(2025, 4, 30)),
        (COMPLETED, dt.date(2025, 4, 20), "整改报告", None),  # on time
    ),
    (
        ("甲县", "督查", "档案资料", "衔接资金项目档案资料不全", dt.date(2025, 5, 31)),
        (COMPLETED, dt.date(2025, 6, 10), "整改报告", None),  # late
    ),
    (("甲县", "暗访", "防返贫监测", "监测对象识别纳入超过时限", "立行立改"), (IN_PROGRESS, None, None, None)),
    (
        ("甲县", "审计", "资金管理", "经营性资产未及时确权登记", dt.date(2025, 9, 30)),
        (LONG_TERM, None, None, None),
    ),
    (("乙县", "督查", "作风建设", "村级台账重复填报", "长期坚持"), ("未开始", None, None, None)),
    (
        ("乙县", "督查", "产业帮扶", "联农带农机制不健全", dt.date(2025, 5, 31)),
        (NOT_APPLICABLE, None, None, "该项目由市级实施,不涉及本县"),
    ),
]
HEAD = "整改台账(整改台账.xlsx,截至 2025-06-30)"


def cli(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def county(folder: Path, unit: str) -> None:
    wb = openpyxl.Workbook()
    info = wb.active
    assert info is not None
    info.title = "基本信息"
    info.append(["单位名称", unit])
    info.append(["年度", 2025])
    sheet = wb.create_sheet("指标数据")
    sheet.append(["指标编码", "指标名称", "单位", "数值", "说明或佐证"])
    sheet.append(["1.1", "帮扶措施落实率", "%", 100, ""])
    wb.save(folder / f"{unit}.xlsx")


def fill_in(ledger: Path) -> None:
    """What the units report back: statuses and the cells each status needs."""
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改台账"]
    col = {c.value: c.column for c in ws[1]}
    wanted = {p[3]: clerk for p, clerk in PROBLEMS}
    for r in range(2, ws.max_row + 1):
        clerk = wanted.get(ws.cell(r, col["问题描述"]).value)
        if clerk is None:
            continue
        status, done, evidence, reason = clerk
        ws.cell(r, col["整改状态"]).value = status
        for name, value in (("完成日期", done), ("佐证材料", evidence), ("不涉及理由", reason)):
            if value is not None:
                ws.cell(r, col[name]).value = value
    wb.save(ledger)


@pytest.fixture(scope="module")
def round_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """方案.yaml, 填报/ (three counties), 整改/ (the ledger at 2025-06-30, its JSON and backup)."""
    root = tmp_path_factory.mktemp("ledger")
    (root / "方案.yaml").write_text(SCHEME, encoding="utf-8")
    (root / "填报").mkdir()
    for unit in ("甲县", "乙县", "丙县"):
        county(root / "填报", unit)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "问题清单"
    ws.append(["序号", "单位名称", "问题来源", "问题类别", "问题描述", "整改时限"])
    for n, (problem, _clerk) in enumerate(PROBLEMS, start=1):
        ws.append([n, *problem])
    wb.save(root / "清单.xlsx")
    out = root / "整改"
    scheme = root / "方案.yaml"
    code, _o, err = cli(
        "rectify", "-s", scheme, "--findings", root / "清单.xlsx", "-o", out, "--as-of", "2025-03-31"
    )
    assert code == 0, err
    fill_in(out / "整改台账.xlsx")
    code, _o, err = cli(
        "rectify", "-s", scheme, "--ledger", out / "整改台账.xlsx", "-o", out,
        "--as-of", "2025-06-30", "--format", "xlsx", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    return root


def scores(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    units = data["units"] if isinstance(data, dict) else data
    return {(u["unit"], i["id"]): i for u in units for i in u["indicators"]}


def score(
    root: Path, out: Path, *extra: str | Path, scheme: Path | None = None
) -> tuple[dict[Any, Any], str]:
    code, _o, err = cli(
        "score", "-s", scheme or root / "方案.yaml", root / "填报", "--format", "json", "-o", out, *extra
    )
    assert code in (0, 1), err
    return scores(out), err


def test_the_ledger_feeds_completion_and_on_time_rates(round_folder: Path, tmp_path: Path) -> None:
    got, err = score(
        round_folder, tmp_path / "s.json", "--data", f"整改={round_folder / '整改' / '整改台账.xlsx'}"
    )
    one = got["甲县", "1.2"]
    assert one["value"] == 75 and one["score"] == 7.5
    assert one["basis"] == (
        f"实际值 75.00% ÷ 目标 100% × 10 分 = 7.5 分,得 7.5 分({HEAD}:问题 4 条,已完成 3 条,完成率 75.00%)"
    )
    assert one["source"] == "县委农办《整改台账》(整改台账.xlsx)"
    assert got["甲县", "1.3"]["basis"] == (
        f"实际值 50.00% ÷ 目标 100% × 5 分 = 2.5 分,得 2.5 分"
        f"({HEAD}:来源为督查的到期问题 2 条,按期完成 1 条,按期整改率 50.00%)"
    )
    # 不涉及 is outside every figure; 长期坚持 as a deadline is never due
    assert got["乙县", "1.2"]["basis"] == (
        f"实际值 0.00% ÷ 目标 100% × 10 分 = 0 分,不得分({HEAD}:问题 1 条,已完成 0 条,完成率 0.00%)"
    )
    assert got["乙县", "1.3"]["basis"] == (
        f"实际值 100.00% ÷ 目标 100% × 5 分 = 5 分,得 5 分({HEAD}:来源为督查的无到期整改问题,按 100% 计)"
    )
    assert got["丙县", "1.2"]["basis"] == (
        f"实际值 100.00% ÷ 目标 100% × 10 分 = 10 分,得 10 分({HEAD}:无整改问题,按 100% 计)"
    )
    assert "错误" not in err


def test_the_json_export_gives_the_same_figures(round_folder: Path, tmp_path: Path) -> None:
    got, _err = score(
        round_folder, tmp_path / "s.json", "--data", f"整改={round_folder / '整改' / '整改情况.json'}"
    )
    assert got["甲县", "1.2"]["basis"].endswith(
        "(整改台账(整改情况.json,截至 2025-06-30):问题 4 条,已完成 3 条,完成率 75.00%)"
    )
    assert got["甲县", "1.3"]["value"] == 50 and got["乙县", "1.2"]["value"] == 0


def test_rank_finds_the_folder_and_passes_over_the_backup(round_folder: Path, tmp_path: Path) -> None:
    code, _o, err = cli(
        "rank",
        "-s",
        round_folder / "方案.yaml",
        round_folder / "填报",
        "--format",
        "json",
        "-o",
        tmp_path / "r.json",
    )
    assert code == 0, err
    assert f"来源“整改”的文件取自文件夹“{round_folder / '整改'}”" in err
    got = scores(tmp_path / "r.json")
    assert got["甲县", "1.2"]["value"] == 75 and got["丙县", "1.3"]["value"] == 100
    code, out, err = cli("check", "--wide", "-s", round_folder / "方案.yaml", round_folder / "填报")
    assert code == 0, err
    assert "“整改台账.20250630.bak.xlsx”是整改台账更新前的备份,不作为来源“整改”的数据读取" in out
    assert (
        "整改(整改台账)县委农办《整改台账》:整改台账.xlsx;覆盖 3/3 个单位;问题 6 条,涉及 2 个单位,其余单位无整改问题"
        in out
    )


def test_as_of_in_the_scheme_counts_what_was_done_and_due_by_then(round_folder: Path, tmp_path: Path) -> None:
    scheme = tmp_path / "方案.yaml"
    scheme.write_text(
        SCHEME.replace("    department: 县委农办\n", "    department: 县委农办\n    as_of: 2025-05-15\n")
    )
    got, _err = score(
        round_folder, tmp_path / "s.json", "--data", f"整改={round_folder / '整改'}", scheme=scheme
    )
    head = "整改台账(整改台账.xlsx,截至 2025-05-15)"
    assert got["甲县", "1.2"]["basis"].endswith(f"({head}:问题 4 条,已完成 2 条,完成率 50.00%)")
    assert got["甲县", "1.3"]["basis"].endswith(
        f"({head}:来源为督查的到期问题 1 条,按期完成 1 条,按期整改率 100.00%)"
    )

    later = tmp_path / "later.yaml"
    later.write_text(
        SCHEME.replace("    department: 县委农办\n", "    department: 县委农办\n    as_of: 2025-07-31\n")
    )
    _code, err, _e = cli(
        "check", "--wide", "-s", later, round_folder / "填报", "--data", f"整改={round_folder / '整改'}"
    )
    assert (
        "整改台账“整改台账.xlsx”截至 2025-06-30,早于来源“整改”的统计截止日期 2025-07-31;"
        "整改状态以台账为准,之后的进展未计入" in err
    )


def test_a_unit_without_problems_can_be_missing_or_not_applicable(round_folder: Path, tmp_path: Path) -> None:
    scheme = tmp_path / "方案.yaml"
    scheme.write_text(
        SCHEME.replace('{field: "1.2"}', '{field: "1.2", empty: missing}').replace(
            "measure: on_time, origins: [督查]}", "measure: on_time, origins: [督查], empty: not_applicable}"
        )
    )
    got, _err = score(
        round_folder, tmp_path / "s.json", "--data", f"整改={round_folder / '整改'}", scheme=scheme
    )
    assert got["丙县", "1.2"]["status"] == "missing" and got["丙县", "1.2"]["value"] is None
    assert got["丙县", "1.3"]["applicable"] is False
    assert got["甲县", "1.2"]["value"] == 75


def test_a_file_that_is_not_a_ledger_makes_the_rates_missing(round_folder: Path, tmp_path: Path) -> None:
    got, err = score(round_folder, tmp_path / "s.json", "--data", f"整改={round_folder / '清单.xlsx'}")
    assert (
        "来源“整改”:“清单.xlsx”不是 assess rectify 生成的整改台账;整改台账来源只读取 assess rectify 生成的"
        "整改台账(xlsx)或整改情况 JSON(较早生成的台账请先用 assess rectify --ledger 更新一次)" in err
    )
    assert got["丙县", "1.2"]["value"] is None and got["甲县", "1.3"]["status"] == "missing"


def test_a_ledger_has_no_template(round_folder: Path, tmp_path: Path) -> None:
    code, _o, err = cli(
        "template", "-s", round_folder / "方案.yaml", "--source", "整改", "-o", tmp_path / "x.xlsx"
    )
    assert code == 2
    assert "来源“整改”是整改台账,由 assess rectify 生成和更新,没有填报模板" in err
    code, _o, err = cli(
        "template", "-s", round_folder / "方案.yaml", "--source", "all", "-o", tmp_path / "模板"
    )
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "模板").iterdir()) == ["县级填报_县级填报表.xlsx"]


BAD = """\
schema_version: 1
id: ledger-bad
title: 错误的整改台账来源
year: 2025
full_score: 15
units:
  - {name: 甲县}
sources:
  - {id: 县级填报, kind: unit, name: 县级填报表}
  - id: 整改二
    kind: ledger
    name: 第二本台账
    fields: ["1.3"]
  - id: 财政
    name: 支付进度表
    fields: ["1.4"]
    rates:
      - {field: "1.4"}
  - id: 整改三
    kind: ledger
    name: 第三本台账
    rates:
      - {field: "1.5", measure: on_time}
categories:
  - id: "1"
    name: 综合
    points: 15
    indicators:
      - {id: "1.3", name: 按期整改率, points: 5, unit: "%", rule: {type: ratio, target: 100}}
      - {id: "1.4", name: 支付率, points: 5, unit: "%", rule: {type: ratio, target: 100}}
      - {id: "1.5", name: 问题个数, points: 5, unit: 个, rule: {type: deduct, per_item: 1}}
"""


def test_wrong_settings_are_scheme_errors_at_their_line(tmp_path: Path) -> None:
    path = tmp_path / "方案.yaml"
    path.write_text(BAD, encoding="utf-8")
    code, out, _err = cli("check", "--wide", path)
    assert code == 1
    assert "方案.yaml:10:5" in out and "整改台账来源“整改二”没有写 rates(计算哪个比率,计入哪一项)" in out
    assert "方案.yaml:13:5" in out and "整改台账来源“整改二”用 rates 说明计入哪一项,不写 fields" in out
    assert "方案.yaml:17:5" in out and "只有 kind: ledger 的来源可以写 rates,“财政”是 table" in out
    assert "方案.yaml:23:10" in out and (
        "整改台账来源“整改三”把按期整改率计入“1.5”,但它是个数(kind: count);"
        "比率只能计入百分比或数值(kind: percent、number,或 unit: %)的字段或直接填报的指标" in out
    )

    path.write_text(
        BAD.replace(
            '    fields: ["1.3"]\n',
            '    as_of: 2025-02-30\n    rates:\n      - {field: "1.3", measure: done}\n',
        )
    )
    code, out, _err = cli("check", "--wide", path)
    assert code == 1
    assert "方案.yaml:13:5" in out and "“2025-02-30”不是有效的日期;应写成 2025-06-30 这样的日期" in out
    assert "方案.yaml:15:24" in out and "取值“done”无效;应为 completion、on_time 之一" in out
