"""The other data sources of the sample round: four department tables and the findings list.

Called by ``make_examples.py`` with the figures it drew for each county, so a
value a department reports is the very value the county workbooks carried
before the scheme had ``sources:``.  Each table is laid out the way a
department sends it: a title row, a line of remarks, a header with 县市区 and
the columns with their units, a 备注 column, a totals row or a note below.
The findings list has one row per problem, with the columns the findings
readers look for (单位名称, 问题来源, 问题类别, 问题描述, 严重程度, 关联指标,
责任单位, 整改时限), so it feeds both the scheme's ``督查`` source and
``assess rectify --findings``.  Its rows are drawn from pools of problems
worded like published feedback notices, as many per county as the county's
counts; the counts are checked against the scheme's ``counts:`` rules.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assess.scheme.plan import Plan
from assess.sources.spec import FINDINGS, TABLE, SourceSpec

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
D = dt.date


@dataclass(frozen=True)
class Layout:
    """How one department lays out its table."""

    file: str
    sheet: str
    title: str
    above: str  # the line under the title: units, date, the document it follows
    below: str = ""  # a note under the table
    total: bool = False  # a 合计 row (skipped by the reader)
    remarks: tuple[tuple[str, str], ...] = ()  # (county, remark)


LAYOUTS: dict[str, Layout] = {
    "财政": Layout(
        "衔接资金支付进度表.xlsx",
        "支付进度",
        "2024 年度中央和省级财政衔接推进乡村振兴补助资金支付进度表",
        "填报单位:省财政厅农业农村处　　截至 2024 年 12 月 31 日　　金额单位:万元",
        total=True,
        remarks=(("永顺县", "含 12 月追加下达资金"),),
    ),
    "统计": Layout(
        "收入增速.xlsx",
        "收入增速",
        "2024 年各县市区农村居民人均可支配收入和脱贫人口人均纯收入增长情况",
        "单位:%　　增速为名义增速,与上年同口径比较",
        below="注:农村居民人均可支配收入来源于国家统计局住户收支与生活状况调查,脱贫人口人均纯收入来源于防返贫监测信息系统。",
    ),
    "第三方": Layout(
        "群众满意度测评结果.xlsx",
        "测评结果",
        "2024 年度乡村振兴群众满意度第三方测评结果",
        "测评方式:入户问卷和电话回访,每县不少于 300 户　　满分 100 分",
        below="注:测评结果经省委农办审核确认。",
    ),
    "目标": Layout(
        "目标任务分解表.xlsx",
        "粮食生产任务",
        "2024 年度粮食生产目标任务分解表",
        "依据《关于下达 2024 年粮食生产目标任务的通知》　　面积单位:万亩",
    ),
}


def header(spec_name: str, unit: str | None) -> str:
    return f"{spec_name}({unit})" if unit else spec_name


def _style_head(ws: Worksheet, row: int, columns: int) -> None:
    for c in range(1, columns + 1):
        cell = ws.cell(row, c)
        cell.font = Font(name="宋体", size=11, bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER


def _title(ws: Worksheet, title: str, above: str, columns: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws["A1"] = title
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)
    ws["A2"] = above
    ws["A2"].font = Font(name="宋体", size=10)


def write_table(
    path: Path,
    spec: SourceSpec,
    layout: Layout,
    rows: dict[str, dict[str, object]],
    unit_header: str = "县市区",
) -> None:
    """One department's table: one row per unit (a county, a township…), the source's fields as columns."""
    specs = spec.read.inputs
    head = ["序号", unit_header, *(header(s.name, s.unit) for s in specs), "备注"]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = layout.sheet
    _title(ws, layout.title, layout.above, len(head))
    ws.append(head)
    _style_head(ws, 3, len(head))
    ws.row_dimensions[3].height = 45
    remarks = dict(layout.remarks)
    for i, (unit, values) in enumerate(rows.items(), start=1):
        ws.append([i, unit, *(values.get(s.key) for s in specs), remarks.get(unit)])
    if layout.total:
        sums: list[object] = []
        for s in specs:
            total = sum(_amount(values.get(s.key)) for values in rows.values())
            sums.append(round(total, 1))
        ws.append([None, "合计", *sums, None])
    for r in range(4, ws.max_row + 1):
        for c in range(1, len(head) + 1):
            cell = ws.cell(r, c)
            cell.font = Font(name="宋体", size=11, bold=ws.cell(r, 2).value == "合计")
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center" if c <= 2 else "right", vertical="center")
    if layout.below:
        ws.cell(ws.max_row + 1, 1, layout.below).font = Font(name="宋体", size=10)
    widths = [6, 10, *(16 for _ in specs), 24]
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "C4"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _count(value: object) -> int:
    """A county's drawn count of problems (a whole number, 0 when not drawn)."""
    return int(value) if isinstance(value, (int, float)) else 0


def _amount(value: object) -> float:
    """A figure for the totals row, 万元: "3.12亿元" as a department's clerk would add it."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value.endswith("亿元"):
        return float(value.removesuffix("亿元")) * 10000
    return 0.0


# ---------------------------------------------------------------- findings list

REQUIRED = ["单位名称", "问题来源", "问题类别", "问题描述"]  # the columns the findings readers require
FINDING_HEAD = ["序号", *REQUIRED, "严重程度", "关联指标", "责任单位", "整改时限"]
TOWNS = "城关 石桥 清溪 龙潭 白沙 双江 凤鸣 桃花 枫林 金塘 沙坪 永和 高坪 长乐 新田 黄花"
VILLAGES = "红星 光明 新民 和平 兴隆 团结 青山 竹林 龙泉 水口 大塘 花园 联合 民主 胜利 东风"

# Kinds of problems, one a line: the key the row counts into | 问题来源 | 问题类别 |
# 严重程度 | 责任单位 | 整改时限 | 关联指标 | 问题描述 ({place}: 某镇某村).  The origins and categories
# are those of the scheme's counts (1.10: 三保障/饮水安全; 4.4: 移风易俗; 6.3: 督查/暗访;
# P1: 数据弄虚作假; P2: 审计 and 违规违纪), and a row counts into its own key and no other:
# 三保障, 饮水安全 and 移风易俗 are found by 考核评估 and 第三方评估, not by 督查 or 暗访.
KINDS = """
1.10|考核评估|三保障|较重|县教育局|立行立改|1.10 “三保障”和饮水安全问题|{place} 1 户脱贫户家庭适龄儿童辍学,控辍保学劝返工作未跟进
1.10|第三方评估|三保障|一般|县医疗保障局|立行立改|1.10 “三保障”和饮水安全问题|{place} 1 名脱贫人口未参加城乡居民基本医疗保险,参保资助政策未落实到人
1.10|考核评估|三保障|较重|县住房和城乡建设局|2025-04-30|1.10 “三保障”和饮水安全问题|{place} 1 户监测户住房经鉴定为 C 级危房仍在居住,危房改造未及时实施
1.10|考核评估|饮水安全|较重|县水利局|立行立改|1.10 “三保障”和饮水安全问题|{place}集中供水工程出厂水浑浊度超标,未按规定开展水质消毒和检测
1.10|第三方评估|饮水安全|一般|县水利局|2025-03-31|1.10 “三保障”和饮水安全问题|{place} 4 户农户旱季缺水,应急送水措施未落实
1.10|第三方评估|三保障|一般|县卫生健康局|立行立改|1.10 “三保障”和饮水安全问题|{place}脱贫户住院“先诊疗后付费”政策未落实,患者被要求预交押金
1.10|考核评估|饮水安全|一般|县水利局|2025-04-30|1.10 “三保障”和饮水安全问题|{place}供水管网破损漏水 2 个月未维修,管护责任未落实到人
1.10|第三方评估|三保障|一般|县教育局|2025-03-31|1.10 “三保障”和饮水安全问题|{place} 1 名重度残疾适龄儿童送教上门记录不全,实际未按计划送教
1.10|考核评估|饮水安全|一般|县水利局|2025-06-30|1.10 “三保障”和饮水安全问题|{place}分散供水水源地周边有生猪养殖场,存在污染隐患
4.4|考核评估|移风易俗|一般|县委宣传部(县文明办)|长期坚持|4.4 婚丧大操大办等移风易俗问题|{place}村民婚宴超过村规民约规定桌数,村红白理事会未劝导
4.4|第三方评估|移风易俗|一般|县民政局|长期坚持|4.4 婚丧大操大办等移风易俗问题|{place}丧事停柩时间长、大量燃放烟花爆竹,村两委未及时制止
4.4|考核评估|移风易俗|一般|县委宣传部(县文明办)|2025-06-30|4.4 婚丧大操大办等移风易俗问题|{place}高额彩礼问题突出,村规民约约束作用发挥不够
4.4|第三方评估|移风易俗|一般|县委宣传部(县文明办)|2025-06-30|4.4 婚丧大操大办等移风易俗问题|{place}升学、建房等名目宴请频繁,“无事酒”整治不到位
6.3|暗访|防返贫监测|较重|县乡村振兴局|立行立改|6.3 督查暗访发现问题|{place} 1 户因病支出骤增农户未及时纳入监测,识别纳入超过 15 天时限
6.3|督查|就业帮扶|一般|县人力资源和社会保障局|2025-04-30|6.3 督查暗访发现问题|{place}公益性岗位人员在岗履职不到位,考勤记录与实际不符
6.3|暗访|作风建设|一般|县委组织部|长期坚持|6.3 督查暗访发现问题|{place}帮扶干部入户走访流于形式,对帮扶对象家庭情况不熟悉
6.3|督查|产业帮扶|较重|县农业农村局|2025-06-30|6.3 督查暗访发现问题|{place}衔接资金建设的产业项目建成后闲置,未发挥联农带农作用
6.3|暗访|人居环境|一般|县农业农村局|2025-09-30|6.3 督查暗访发现问题|{place}新改户厕使用率不高,存在建而不用现象
6.3|督查|档案资料|一般|县乡村振兴局|2025-04-15|6.3 督查暗访发现问题|{place}衔接资金项目档案资料不全,项目验收报告缺少签字
6.3|督查|作风建设|一般|县委办|长期坚持|6.3 督查暗访发现问题|{place}填表报数多,村级台账重复填报,基层负担重
P1|考核评估|数据弄虚作假|严重|县乡村振兴局|2025-03-31|P1 数据弄虚作假|{place}脱贫劳动力务工台账与实际不符,虚报务工就业 23 人
P2|审计|违规违纪|严重|县财政局|2025-06-30|P2 审计发现违规违纪问题|{place}挤占挪用衔接资金 36.5 万元用于村部办公楼维修
P2|审计|违规违纪|严重|县财政局|2025-06-30|P2 审计发现违规违纪问题|{place}衔接资金项目虚列支出、套取资金 12.8 万元
P2|审计|违规违纪|较重|县农业农村局|2025-05-31|P2 审计发现违规违纪问题|{place}项目未经招标直接发包,涉及衔接资金 186 万元
P2|审计|违规违纪|较重|县乡村振兴局|2025-05-31|P2 审计发现违规违纪问题|{place}扶贫项目资产收益 8.2 万元被截留,未按规定分配给脱贫户
"""


@dataclass(frozen=True)
class Kind:
    """A kind of problem: where it is found, its category, how it is worded, who fixes it."""

    origin: str
    category: str
    severity: str
    department: str
    deadline: dt.date | str
    indicator: str
    text: str


def _kinds() -> dict[str, list[Kind]]:
    out: dict[str, list[Kind]] = {}
    for line in KINDS.strip().splitlines():
        key, origin, category, severity, department, deadline, indicator, text = line.split("|")
        when: dt.date | str = dt.date.fromisoformat(deadline) if deadline[:1].isdigit() else deadline
        out.setdefault(key, []).append(Kind(origin, category, severity, department, when, indicator, text))
    return out


POOLS = _kinds()


def finding_rows(counts: dict[str, dict[str, int]], seed: str) -> list[list[object]]:
    """One row per problem: for each county as many of each pool as its count."""
    rng = random.Random(seed)
    towns, villages = TOWNS.split(), VILLAGES.split()
    out: list[list[object]] = []
    turn = dict.fromkeys(POOLS, 0)
    for unit, wanted in counts.items():
        kinds: list[Kind] = []
        for key, n in wanted.items():
            for _ in range(n):
                kinds.append(POOLS[key][turn[key] % len(POOLS[key])])
                turn[key] += 1
        used: set[str] = set()
        for kind in kinds:
            text = ""
            while not text or text in used:
                text = kind.text.format(place=f"{rng.choice(towns)}镇{rng.choice(villages)}村")
            used.add(text)
            row = [unit, kind.origin, kind.category, text, kind.severity, kind.indicator or None]
            out.append([*row, kind.department, kind.deadline])
    return out


def check_counts(
    spec: SourceSpec, rows: Sequence[Sequence[object]], counts: dict[str, dict[str, int]]
) -> None:
    """Each row counts once, into one key, and each county gets exactly its counts."""
    got: dict[str, dict[str, float]] = {unit: {c.key: 0.0 for c in spec.counts} for unit in counts}
    for unit, origin, category, text, severity, *_rest in rows:
        taken = [c for c in spec.counts if c.weight(str(origin), str(category), str(severity)) is not None]
        if len(taken) != 1:
            raise SystemExit(f"{unit}“{text}”计入 {len(taken)} 项,应只计入一项")
        got[str(unit)][taken[0].key] += 1
    for unit, wanted in counts.items():
        for key, n in wanted.items():
            if got[unit][key] != n:
                raise SystemExit(f"{unit} {key}:问题清单计入 {got[unit][key]:g} 个,应为 {n}")


PROVINCE_ABOVE = "汇总单位:省委农办　　来源:2024 年度省级督查、暗访、审计、考核评估和第三方评估"


def write_findings(
    path: Path,
    title: str,
    rows: list[list[object]],
    above: str = PROVINCE_ABOVE,
    head: Sequence[str] = FINDING_HEAD,
) -> None:
    """A findings list, one problem a row; ``head`` renames columns (被督查单位 for 单位名称)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "问题清单"
    _title(ws, title, above, len(head))
    ws.append(list(head))
    _style_head(ws, 3, len(head))
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
        r = ws.max_row
        for c in range(1, len(head) + 1):
            cell = ws.cell(r, c)
            cell.font = Font(name="宋体", size=11)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.cell(r, 9).number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHI", (6, 10, 12, 14, 60, 10, 28, 22, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def write_sources(here: Path, plan: Plan, values: dict[str, dict[str, object]], seed: int) -> list[Path]:
    """Every source other than the counties' own workbooks, in a folder named by its id."""
    written: list[Path] = []
    for spec in plan.sources:
        folder = here / spec.id
        if spec.kind == TABLE:
            layout = LAYOUTS[spec.id]
            rows = {unit: {k: v.get(k) for k in spec.keys} for unit, v in values.items()}
            path = folder / layout.file
            write_table(path, spec, layout, rows)
        elif spec.kind == FINDINGS:
            counts = {unit: {k: _count(v.get(k)) for k in spec.keys} for unit, v in values.items()}
            found = finding_rows(counts, f"{seed}-{spec.id}")
            check_counts(spec, found, counts)
            path = folder / f"{spec.name}.xlsx"
            write_findings(path, f"2024 年度乡村振兴{spec.name}", found)
        else:
            continue
        written.append(path)
    return written
