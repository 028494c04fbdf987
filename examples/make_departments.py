"""Generate the example round of the bundled scheme ``department-2024``: 青山市 assessing the
city departments that lead (牵头部门) or take part in (参与部门) rural revitalization.

Written to ``examples/departments/``:

- ``部门填报/``: each department's own workbook, its group's ``assess template`` filled in
  (a 牵头部门's template has 2.3–2.5 and B2, a 参与部门's 3.3, 3.4 and B3);
- ``农办/``: 市委农办's table of each department's tasks and its rating of how they went,
  one row per department, laid out the way ``make_sources.py`` lays out a department's table;
- ``评议/``: the three raters' sheets of the 综合评议 (市委农办, 市委督查室, 乡镇(街道)评议),
  each the source template filled in;
- ``督查/``: 市委农办督查组's list of problems, one a row, in the columns the findings readers
  and ``assess rectify --findings`` take;
- ``模板/``: the blank templates of every source, as ``assess template --source all`` writes them.

Two data problems are planted: 市民政局 left 3.4 按季度报送配合工作进展次数 blank, and
市委农办 rated 2.2 牵头任务推进成效 for 市教育局, a 参与部门 not assessed on it.
A fixed seed makes every run identical.

    python examples/make_departments.py
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from fill_templates import rater_book, unit_book  # noqa: E402  (beside this script)
from make_sources import FINDING_HEAD, Layout, check_counts, write_findings, write_table  # noqa: E402

from assess.commands.common import load_plan  # noqa: E402
from assess.commands.template import run_template  # noqa: E402
from assess.sources.spec import FINDINGS, RATINGS, TABLE  # noqa: E402

SEED = 2040
SCHEME = HERE.parent / "indicators" / "department-2024.yaml"
OUT = HERE / "departments"
UNITS = "部门填报"
BLANK = {"市民政局": ["3.4"]}  # a cell the department left empty
FOREIGN = {"市教育局": {"2.2": "较好"}}  # a rating for an indicator the unit's group does not have

TASKS = Layout(
    "市直部门乡村振兴重点任务完成情况核定表.xlsx",
    "任务核定",
    "青山市 2024 年度市直部门乡村振兴重点任务完成情况核定表",
    "核定单位:市委农办　　依据《青山市 2024 年乡村振兴重点任务清单》逐项核定,截至 2024 年 12 月 31 日",
    below="注:成效评价分好、较好、一般、较差四个等次,由市委农办会同督查组核定。",
    remarks=(("市水利局", "1 项农村供水保障工程跨年度实施"), ("市教育局", "参与控辍保学专项行动")),
)
RATING_SCORES = {"市委农办": (82, 97), "市委督查室": (84, 97), "乡镇(街道)评议": (80, 96)}

# Kinds of problems, one a line: the key the row counts into | 问题来源 | 问题类别 | 严重程度 |
# 整改时限 | 关联指标 | 问题描述 ({place}: 某镇某村).  The origins and categories are those of the
# scheme's counts (5.1: 督查/暗访; P1: 通报; P2: 数据不实), and a row counts into one key only.
KINDS = """
5.1|暗访|驻村帮扶|一般|立行立改|5.1 督查暗访发现问题|驻{place}工作队 1 名队员 9 月在岗不足 20 天,考勤记录与实际不符
5.1|督查|任务落实|较重|2025-03-31|5.1 督查暗访发现问题|牵头(配合)任务台账更新不及时,第三季度进展未按时报送市委农办
5.1|暗访|作风建设|一般|长期坚持|5.1 督查暗访发现问题|帮扶干部对{place}结对户家庭收入和帮扶措施不熟悉,入户走访流于形式
5.1|督查|资金项目|较重|2025-04-30|5.1 督查暗访发现问题|在{place}实施的行业帮扶项目建成后管护责任未明确,设施闲置
5.1|督查|任务落实|一般|2025-03-31|5.1 督查暗访发现问题|年度任务清单中 2 项任务未明确责任科室和完成时限
5.1|暗访|驻村帮扶|一般|2025-02-28|5.1 督查暗访发现问题|驻{place}工作队民情日志记录简单,为群众办实事台账不全
P1|通报|作风问题|较重|2025-03-31|P1 推诿扯皮、敷衍应付被通报|对{place}反映的行业领域问题推诿扯皮,2 个月未答复,被市委农办通报
P1|通报|作风问题|一般|2025-02-28|P1 推诿扯皮、敷衍应付被通报|市委农办交办的调度事项敷衍应付,被市委农村工作领导小组通报
P2|核查|数据不实|较重|2025-01-31|P2 报送数据不实|报送的帮扶资金中 12 万元为上年结转资金,重复统计
P2|核查|数据不实|一般|2025-01-31|P2 报送数据不实|报送的驻村工作队员在岗率与组织部门考勤记录不一致
"""
TOWNS = ["石门镇", "白泉镇", "柳塘镇", "龙湾镇", "桂花镇", "双河镇", "杨林乡", "梅溪乡"]
VILLAGES = ["枫树", "荷塘", "金竹", "云台", "松林", "马鞍", "新屋", "桐子", "长冲", "茶园"]


def department_values(rng: random.Random, lead: bool) -> dict[str, object]:
    """One department's figures, keyed by the scheme's input keys."""
    v: dict[str, object] = {
        # the department's own workbook
        "1.1": rng.choice([2, 3, 4, 4, 5, 6]),
        "1.2": rng.choice(["是", "是", "是", "否"]),
        "1.3": rng.randint(1, 7),
        "4.1": round(rng.uniform(88, 100), 1),
        "4.2": round(rng.uniform(20, 180) if lead else rng.uniform(8, 90), 1),
        "4.3": round(rng.uniform(5, 22), 1),
        "应整改问题数": rng.randint(4, 16),
        "B1": rng.choice([0, 0, 0, 1, 2]),
        "B4": rng.choice(["否", "否", "否", "是"]),
    }
    v["已整改问题数"] = int(v["应整改问题数"]) - rng.choice([0, 0, 0, 1])  # type: ignore[call-overload]
    if lead:
        tasks = rng.randint(6, 12)
        v.update(
            {
                "牵头任务数": tasks,
                "完成牵头任务数": tasks - rng.choice([0, 0, 0, 1, 2]),
                "2.2": rng.choice(["好", "好", "较好", "较好", "一般"]),
                "2.3": rng.choice([2, 3, 4, 4, 5, 6]),
                "2.4": rng.choice([0, 1, 1, 2, 2, 3]),
                "2.5": round(rng.uniform(78, 100), 1),
                "B2": rng.choice(["否", "是"]),
            }
        )
    else:
        tasks = rng.randint(8, 20)
        v.update(
            {
                "配合任务数": tasks,
                "完成配合任务数": tasks - rng.choice([0, 0, 0, 1, 2]),
                "3.2": rng.choice(["好", "较好", "较好", "一般", "较差"]),
                "3.3": round(rng.uniform(6, 40), 1),
                "3.4": rng.choice([3, 4, 4, 4]),
                "B3": rng.choice(["否", "否", "是"]),
            }
        )
    for rater, (low, high) in RATING_SCORES.items():
        v[rater] = round(rng.uniform(low, high), 1)
    v["counts"] = {
        "5.1": rng.choice([0, 0, 0, 1, 1, 2, 3]),
        "P1": rng.choice([0, 0, 0, 0, 1]),
        "P2": rng.choice([0, 0, 0, 0, 0, 1]),
        "重大失职问题": 0,
    }
    return v


def finding_rows(counts: dict[str, dict[str, int]], rng: random.Random) -> list[list[object]]:
    """One row per problem: for each department as many of each kind as its count."""
    pools: dict[str, list[list[str]]] = {}
    for line in KINDS.strip().splitlines():
        key, *rest = line.split("|")
        pools.setdefault(key, []).append(rest)
    turn = dict.fromkeys(pools, 0)
    out: list[list[object]] = []
    for unit, wanted in counts.items():
        for key, n in wanted.items():
            for _ in range(n):
                origin, category, severity, deadline, indicator, text = pools[key][
                    turn[key] % len(pools[key])
                ]
                turn[key] += 1
                place = f"{rng.choice(TOWNS)}{rng.choice(VILLAGES)}村"
                when: dt.date | str = dt.date.fromisoformat(deadline) if deadline[:1].isdigit() else deadline
                section = rng.choice(["办公室", "规划发展股", "行业管理股", "驻村工作队"])
                out.append(
                    [unit, origin, category, text.format(place=place), severity, indicator, section, when]
                )
    return out


def main() -> None:
    rng = random.Random(SEED)
    plan = load_plan(str(SCHEME))
    names = plan.group_names
    if OUT.exists():
        shutil.rmtree(OUT)
    drawn: dict[str, dict[str, object]] = {}
    for entry in plan.scheme.units:
        group = names[plan.group_ids[entry.group or ""]]
        values = department_values(rng, lead=group == "牵头部门")
        drawn[entry.name] = values
        unit_book(
            plan, OUT / UNITS / f"{entry.name}.xlsx", entry.name, group, values, BLANK.get(entry.name, ())
        )
    written: list[Path] = []
    for spec in plan.sources:
        folder = OUT / spec.id
        if spec.kind == TABLE:
            rows = {}
            for unit, v in drawn.items():
                row = {k: v.get(k) for k in spec.keys}
                row.update(FOREIGN.get(unit, {}))
                rows[unit] = row
            path = folder / TASKS.file
            write_table(path, spec, TASKS, rows, unit_header="单位名称")
            written.append(path)
        elif spec.kind == RATINGS:
            for rater in spec.raters:
                path = folder / f"{rater.name}.xlsx"
                scores = {unit: {"评议得分": v[rater.name]} for unit, v in drawn.items()}
                rater_book(plan, spec, rater, path, scores)
                written.append(path)
        elif spec.kind == FINDINGS:
            counts = {unit: dict(v["counts"]) for unit, v in drawn.items()}  # type: ignore[call-overload]
            found = finding_rows(counts, rng)
            check_counts(spec, found, counts)
            path = folder / f"{spec.name}.xlsx"
            above = "汇总单位:市委农办督查组　　来源:2024 年度市级督查、暗访、通报和考核数据核查"
            head = ["序号", "被督查单位", *FINDING_HEAD[2:-2], "责任科室", "整改时限"]
            write_findings(path, f"青山市 2024 年度{spec.name}", found, above, head)
            written.append(path)
    run_template(str(SCHEME), OUT / "模板", "county", None, None, force=True, source="all")
    print(f"已生成 {len(drawn)} 个部门的填报表:{OUT / UNITS}")
    print("其他数据来源:" + "、".join(str(p.relative_to(OUT)) for p in written))
    print(f"空白模板:{OUT / '模板'}")


if __name__ == "__main__":
    main()
