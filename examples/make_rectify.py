"""Generate examples/整改/: three monthly rounds of a rectification ledger (整改台账), as a county office keeps it.

The inputs are the problem lists a province's 14 counties receive after the 2024 assessment:

- ``问题清单/省级考核评估反馈问题清单.xlsx``: 20 problems of the provincial feedback, addressed to
  各县市区 (every county claims each one on its own row, or answers 不涉及 with a reason);
- ``问题清单/国家考核评估反馈问题清单.xlsx``, ``省级督查发现问题清单.xlsx``, ``审计发现问题清单.xlsx``:
  problems of single counties, known at the start;
- ``问题清单/4月暗访发现问题清单.xlsx``: an unannounced visit in April, added in the second round;
- ``报送格式_市级.yaml``: the layout a city asks its counties' report in (``assess export``);
- ``下年度方案_问题整改.yaml``: next year's 问题整改 indicators, scored from the ledger (``kind: ledger``).

Then, with ``assess rectify`` run in examples/整改/ exactly as the commands in ``ROUNDS`` read:

1. 2025-03-31: the ledger ``整改台账.xlsx`` is made from the four lists;
2. the counties fill it in (``april_edits``, with openpyxl, as a clerk would in Excel): statuses,
   完成日期, 佐证材料, 责任人, a deadline extended, 不涉及 with reasons, about three measures a problem
   on the 整改措施 sheet — with one completion that has no evidence and one measure whose 问题编号
   has a typo; 2025-04-30: the ledger is updated and the visit's list added;
3. more edits (``may_edits``): completions, 认定 and 销号, measures done; 2025-05-31: the last update,
   with a copy of the ledger for each county (``--split-by-unit``); then the reports to the city and
   the province (``assess export``).

Every round writes its documents into a folder of its own (``2025-03-31/`` …), so no output ever
lands on an input or on an earlier round's documents; only the ledger is updated in place, and
``assess rectify`` keeps a backup of it beside it (``整改台账.20250430.bak.xlsx`` is the ledger as
the counties handed it in for the April update).  A fixed seed makes every run identical.

    python examples/make_rectify.py

tests/rectify/test_realistic.py runs the same rounds and checks the committed files against them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import random
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_sources import FINDING_HEAD, TOWNS, VILLAGES, write_findings  # noqa: E402  (beside this script)

from assess.commands.common import load_plan  # noqa: E402

TARGET = HERE / "整改"
SEED = 2025
D = dt.date
LISTS = "问题清单"
LEDGER = "整改台账.xlsx"
SCHEME = "county-2024"
# The counties of indicators/county-2024.yaml, in the scheme's order.
COUNTIES = [u.name for u in load_plan(SCHEME).scheme.units]

PROVINCE = "省级考核评估反馈问题"
NATION = "国家考核评估反馈问题"
INSPECTION = "省级督查发现问题"
AUDIT = "审计发现问题"
VISIT = "暗访发现问题"

# ---- the problem lists -----------------------------------------------------------------------

# 问题类别 | 责任单位 | 整改时限 | 问题描述: the provincial feedback, addressed to every county.
PROVINCIAL = """
防返贫监测|县乡村振兴局|2025-04-30|防返贫监测存在“体外循环”,因病因灾支出骤增农户未做到应纳尽纳
防返贫监测|县乡村振兴局|2025-05-31|监测对象风险消除把关不严,个别地方存在“数字消除”“算账消除”
产业帮扶|县农业农村局|2025-06-30|联农带农机制不健全,部分产业帮扶项目与脱贫户利益联结松散
产业帮扶|县农业农村局|2025-12-31|衔接资金支持的产业项目同质化,部分项目经营效益不佳
就业帮扶|县人力资源和社会保障局|2025-04-30|脱贫劳动力务工就业信息更新不及时,部分务工人员底数不清
就业帮扶|县人力资源和社会保障局|2025-05-31|乡村公益性岗位开发管理不规范,存在“一岗多人”“人岗不符”
资金项目管理|县财政局|2025-06-30|衔接资金支付进度偏慢,项目库储备不足、入库项目质量不高
资金项目管理|县农业农村局|2025-06-30|扶贫项目资产后续管护责任不落实,部分经营性资产闲置
易地搬迁后续扶持|县发展和改革局|2025-09-30|集中安置区后续产业配套不足,搬迁群众就业不够稳定
驻村帮扶|县委组织部|立行立改|部分驻村工作队员在岗履职不到位,存在“走读”现象
三保障和饮水安全|县水利局|2025-05-31|农村供水工程管护机制不健全,部分地方旱季存在季节性缺水
三保障和饮水安全|县住房和城乡建设局|2025-04-30|农村低收入人口住房安全动态监测不到位,鉴定后改造不及时
乡村建设|县农业农村局|2025-06-30|农村人居环境整治成效不巩固,部分新改户厕“建而不用”
乡村建设|县生态环境局|2025-09-30|农村生活污水治理设施重建轻管,部分设施未正常运行
乡村治理|县委宣传部|长期坚持|村规民约作用发挥不够,高额彩礼、大操大办仍有发生
作风建设|县委办|长期坚持|填表报数多、督查检查考核过频,基层负担依然较重
小额信贷|县金融办|2025-06-30|脱贫人口小额信贷到期还款提醒不到位,逾期风险管控不力
政策落实|县教育局|2025-04-30|雨露计划等教育帮扶政策宣传不到位,部分脱贫家庭不知晓
粮食安全|县农业农村局|2025-05-31|撂荒地整治不彻底,部分地块复耕后又撂荒
乡村治理|县纪委监委|2025-06-30|村级“小微权力”监督不到位,村务公开不及时、不规范
"""

# 问题来源 → lines of 问题类别 | 责任单位 | 整改时限 | 问题描述 ({place}: 某镇某村)
COUNTY_POOLS = {
    NATION: """
防返贫监测|县乡村振兴局|立行立改|{place} 1 户因病致贫风险户未及时纳入监测,识别纳入超过规定时限
产业帮扶|县农业农村局|2025-06-30|{place}衔接资金建设的帮扶车间闲置,未发挥带动就业作用
三保障和饮水安全|县水利局|2025-04-30|{place}集中供水工程水质检测不达标,未按规定消毒
就业帮扶|县人力资源和社会保障局|2025-05-31|{place}脱贫劳动力外出务工一次性交通补助未及时兑现
""",
    INSPECTION: """
档案资料|县乡村振兴局|2025-04-15|{place}衔接资金项目档案资料不全,项目验收报告缺少签字
作风建设|县委组织部|长期坚持|{place}帮扶干部入户走访流于形式,对帮扶对象家庭情况不熟悉
就业帮扶|县人力资源和社会保障局|2025-04-30|{place}公益性岗位人员考勤记录与实际在岗情况不符
乡村建设|县交通运输局|2025-06-30|{place}通组道路破损未及时修复,管护责任未落实到人
""",
    AUDIT: """
资金管理|县财政局|2025-06-30|{place}衔接资金项目形成的经营性资产未确权登记,资产台账不完整
资金管理|县财政局|2025-05-31|{place}衔接资金项目变更未按程序报批,涉及资金 {amount} 万元
项目管理|县农业农村局|2025-04-30|{place}已完工衔接资金项目未及时办理竣工决算,资产未移交
""",
    VISIT: """
防返贫监测|县乡村振兴局|2025-05-31|{place}监测户帮扶措施未落实,“一户一策”流于形式
人居环境|县农业农村局|立行立改|{place}村庄垃圾清运不及时,河道沟渠有垃圾堆积
作风建设|县委组织部|立行立改|{place}村干部工作日不在岗,群众办事找不到人
""",
}
# How many problems of each source a county gets: drawn from these choices.
COUNTY_COUNTS = {NATION: (0, 1, 1, 2), INSPECTION: (1, 1, 2, 3), AUDIT: (0, 1, 1, 2), VISIT: (0, 1, 1, 2)}

LIST_FILES = {
    PROVINCE: "省级考核评估反馈问题清单.xlsx",
    NATION: "国家考核评估反馈问题清单.xlsx",
    INSPECTION: "省级督查发现问题清单.xlsx",
    AUDIT: "审计发现问题清单.xlsx",
    VISIT: "4月暗访发现问题清单.xlsx",
}
LIST_TITLES = {
    PROVINCE: ("2024 年度全省乡村振兴实绩考核评估反馈问题清单", "省委农村工作领导小组办公室　　2025 年 3 月"),
    NATION: ("2024 年度国家巩固脱贫攻坚成果后评估反馈问题清单(涉及我省部分)", "省委农办转发　　2025 年 3 月"),
    INSPECTION: ("2024 年第四季度乡村振兴省级督查发现问题清单", "省委农办督查组　　2025 年 3 月"),
    AUDIT: ("2024 年度衔接推进乡村振兴补助资金审计发现问题清单", "省审计厅农业农村审计处　　2025 年 3 月"),
    VISIT: ("2025 年 4 月乡村振兴工作暗访发现问题清单", "省委农办暗访组　　2025 年 4 月"),
}


def _pool(text: str) -> list[tuple[str, str, dt.date | str, str]]:
    out = []
    for line in text.strip().splitlines():
        category, department, deadline, description = line.split("|")
        when: dt.date | str = D.fromisoformat(deadline) if deadline[:1].isdigit() else deadline
        out.append((category, department, when, description))
    return out


def list_rows() -> dict[str, list[list[object]]]:
    """Each list's rows in the columns of FINDING_HEAD (without 序号)."""
    rng = random.Random(SEED)
    towns, villages = TOWNS.split(), VILLAGES.split()
    rows: dict[str, list[list[object]]] = {src: [] for src in LIST_FILES}
    for category, department, deadline, text in _pool(PROVINCIAL):
        rows[PROVINCE].append(["各县市区", PROVINCE, category, text, None, None, department, deadline])
    pools = {src: _pool(text) for src, text in COUNTY_POOLS.items()}
    for unit in COUNTIES:
        for src, pool in pools.items():
            for kind in rng.sample(pool, min(rng.choice(COUNTY_COUNTS[src]), len(pool))):
                category, department, deadline, text = kind
                place = f"{rng.choice(towns)}镇{rng.choice(villages)}村"
                words = text.format(place=place, amount=rng.choice((46, 85, 120, 180, 236)))
                rows[src].append([unit, src, category, words, None, None, department, deadline])
    return rows


def write_lists(folder: Path) -> list[Path]:
    written = []
    for src, rows in list_rows().items():
        title, above = LIST_TITLES[src]
        path = folder / LISTS / LIST_FILES[src]
        write_findings(path, title, rows, above=above, head=FINDING_HEAD)
        written.append(path)
    return written


CITY_FORMAT = """\
# 市委农办要求各县市区报送考核评估反馈问题整改情况的表格(示例):
# 只报送国家和省级考核评估反馈的问题,“不涉及”的不报送。
title: "{截至日期}考核评估反馈问题整改情况报送表"
note: "报送单位:××县委农村工作领导小组办公室(盖章)"
sheet: 整改情况
date_format: yyyy年m月d日
columns:
  - {name: 序号, serial: true}
  - {name: 市州, value: 长沙市}
  - {name: 县（市、区）, from: 单位名称}
  - {name: 问题编号, from: 编号, width: 24}
  - {name: 反馈来源, from: 问题来源}
  - {name: 存在问题, from: 问题描述, width: 40}
  - {name: 整改时限, from: 整改时限}
  - {name: 整改进展, from: 整改状态}
  - {name: 完成时间, from: 完成日期}
  - {name: 佐证材料, from: 佐证材料, width: 24}
statuses:
  未开始: 未整改
  整改中: 正在整改
  已完成（待认定）: 已完成待验收
  已销号: 已验收销号
filter:
  问题来源: [国家考核评估反馈问题, 省级考核评估反馈问题]
  整改状态: [未开始, 整改中, 已完成（待认定）, 已销号, 长期坚持]
"""

NEXT_SCHEME = """\
# 下一年度考核方案中“问题整改”一项的示例:上一轮整改台账作为数据来源(kind: ledger),
# 每个县的问题整改完成率、督查暗访问题按期整改率由台账计算,不必再由各县填报。
# 用法(在 examples/整改/ 中):
#   assess score -s 下年度方案_问题整改.yaml --data 整改=整改台账.xlsx --format json -o 得分.json
schema_version: 1
id: county-2025-rectify
title: 2025 年度县市区乡村振兴实绩考核(问题整改部分示例)
year: 2025
level: county
full_score: 10
units:
  - {name: 浏阳市}
  - {name: 宁乡市}
  - {name: 韶山市}
  - {name: 醴陵市}
  - {name: 泸溪县}
  - {name: 凤凰县}
  - {name: 花垣县}
  - {name: 保靖县}
  - {name: 古丈县}
  - {name: 永顺县}
  - {name: 平江县}
  - {name: 新化县}
  - {name: 安化县}
  - {name: 城步县}
sources:
  - id: 整改
    kind: ledger
    name: 整改台账
    department: 县委农办
    as_of: 2025-05-31
    rates:
      - {field: "6.1"}
      - {field: "6.2", measure: on_time, origins: [省级督查发现问题, 暗访发现问题]}
categories:
  - id: "6"
    name: 问题整改
    points: 10
    indicators:
      - id: "6.1"
        name: 问题整改完成率
        points: 6
        unit: "%"
        rule: {type: ratio, target: 100}
      - id: "6.2"
        name: 督查暗访问题按期整改率
        points: 4
        unit: "%"
        rule: {type: ratio, target: 100}
"""


def write_inputs(folder: Path) -> list[Path]:
    """Every input of the example: the five lists, the city's 报送格式 and next year's scheme."""
    written = write_lists(folder)
    for name, text in (("报送格式_市级.yaml", CITY_FORMAT), ("下年度方案_问题整改.yaml", NEXT_SCHEME)):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# ---- the commands --------------------------------------------------------------------------

FORMATS = ("--format", "html", "--format", "json")


def _lists(*sources: str) -> list[str]:
    return [a for src in sources for a in ("--findings", f"{LISTS}/{LIST_FILES[src]}")]


# (as-of, arguments of assess rectify), run in examples/整改/
ROUNDS: list[tuple[str, list[str]]] = [
    (
        "2025-03-31",
        ["rectify", "-s", SCHEME, *_lists(PROVINCE, NATION, INSPECTION, AUDIT), "--ledger", LEDGER,
         "-o", "2025-03-31", "--as-of", "2025-03-31", *FORMATS],
    ),
    (
        "2025-04-30",
        ["rectify", "-s", SCHEME, *_lists(VISIT), "--ledger", LEDGER,
         "-o", "2025-04-30", "--as-of", "2025-04-30", *FORMATS],
    ),
    (
        "2025-05-31",
        ["rectify", "-s", SCHEME, "--ledger", LEDGER, "-o", "2025-05-31", "--as-of", "2025-05-31",
         *FORMATS, "--split-by-unit"],
    ),
]  # fmt: skip
EXPORTS: list[list[str]] = [
    ["export", "--ledger", LEDGER, "-m", "省级整改台账", "-o", "报送/省级整改台账.xlsx"],
    ["export", "--ledger", LEDGER, "-m", "报送格式_市级.yaml", "-o", "报送/市级报送表.xlsx"],
]


# ---- the clerks' edits ---------------------------------------------------------------------

SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "周",
    "吴",
    "徐",
    "孙",
    "胡",
    "朱",
    "高",
    "林",
    "何",
    "郭",
    "马",
    "罗",
    "梁",
    "宋",
    "郑",
    "谢",
    "唐",
    "彭",
    "曾",
    "邓",
]
GIVEN = [
    "建国",
    "志强",
    "海燕",
    "丽华",
    "卫东",
    "小军",
    "红梅",
    "晓明",
    "国庆",
    "春花",
    "德胜",
    "玉兰",
    "文斌",
    "秀英",
    "永红",
    "立新",
    "亚平",
    "金凤",
]
CONFIRMERS = ("县委农办", "县乡村振兴局")
# 问题类别 → what a county writes as its measures (the first ones first)
MEASURES = {
    "防返贫监测": [
        "开展防返贫监测集中排查,逐户核实收入和支出变化",
        "对排查出的风险户按程序及时纳入监测,落实帮扶措施",
        "建立部门数据比对预警机制,每月推送核查",
    ],
    "产业帮扶": [
        "逐个梳理产业帮扶项目联农带农情况,建立问题清单",
        "完善利益联结协议,落实分红和务工带动到户",
        "对效益不佳的项目制定盘活方案",
    ],
    "就业帮扶": [
        "开展脱贫劳动力务工信息入户核查,更新系统数据",
        "规范公益性岗位选聘和考勤管理,清退不符合条件人员",
        "按政策兑现务工补助,建立按月调度机制",
    ],
    "资金项目管理": [
        "梳理衔接资金项目库,补充储备项目",
        "按月调度衔接资金支付进度,对滞后项目逐一督办",
        "健全扶贫项目资产后续管护制度,落实管护责任",
    ],
    "资金管理": [
        "全面清查项目资产,完成确权登记和资产移交",
        "补办项目变更审批手续,完善资金使用档案",
        "举一反三开展资金使用自查",
    ],
    "项目管理": ["完成竣工决算审计,办理资产移交手续", "建立项目竣工验收和决算时限台账"],
    "易地搬迁后续扶持": [
        "引进劳动密集型企业入驻安置区配套产业园",
        "开展搬迁劳动力技能培训和就业推荐",
        "完善安置区社区治理和公共服务",
    ],
    "驻村帮扶": ["开展驻村工作队员在岗情况专项检查", "落实驻村干部考勤和召回轮换制度"],
    "三保障和饮水安全": [
        "开展农村供水和住房安全专项排查",
        "落实工程维修和应急送水、危房改造措施",
        "健全管护和动态监测长效机制",
    ],
    "乡村建设": [
        "开展问题设施逐一排查,建立整改台账",
        "落实维修改造和运行维护资金",
        "明确管护主体,建立长效管护机制",
    ],
    "人居环境": ["组织集中清理村庄垃圾和沟渠淤积", "落实保洁员和垃圾清运频次"],
    "乡村治理": ["修订完善村规民约,明确约束性措施", "发挥红白理事会作用,加强宣传引导"],
    "作风建设": [
        "开展专项整治,通报典型问题",
        "精简文件会议和报表,建立基层负担监测点",
        "完善干部考勤和群众评议制度",
    ],
    "小额信贷": ["建立小额信贷到期提醒台账,逐户提醒还款", "对逾期贷款分类施策,落实风险补偿"],
    "政策落实": ["编印政策明白卡,开展入户宣传", "建立雨露计划对象台账,做到应享尽享"],
    "粮食安全": ["逐块排查撂荒地,建立整治台账", "落实复耕复种主体和补助政策"],
    "档案资料": ["补齐项目档案资料和验收签字", "开展项目档案规范化管理培训"],
}
GENERIC = ["召开专题会议研究部署整改工作,明确责任人和完成时限", "举一反三开展自查,建立长效机制"]
EVIDENCE = ("整改报告", "排查台账", "会议纪要", "验收报告", "确权登记表", "照片及工作台账", "制度文件")
# Shared problems a county answers 不涉及, and why.
NOT_OURS = {
    ("韶山市", "集中安置区后续产业配套不足"): "本市无易地扶贫搬迁集中安置区,经市发改局核实不涉及",
    ("宁乡市", "集中安置区后续产业配套不足"): "本市易地扶贫搬迁均为分散安置,无集中安置区",
    ("韶山市", "撂荒地整治不彻底"): "经市农业农村局全面排查,本市无撂荒耕地",
}
TYPO_ID = "2024-督察-平江县-001"  # a clerk typed 督察 for 督查


@dataclass
class Plan:
    """What the clerks do to one problem over the months."""

    april: str  # the row's status after the April edits
    may: str
    done: dt.date | None = None
    measures: list[dict[str, Any]] = field(default_factory=list)


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("|".join(map(str, (SEED, *parts))).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def _rows(ws: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    head = {c.value: c.column for c in ws[1] if c.value}
    for r in range(2, ws.max_row + 1):
        yield r, {name: ws.cell(r, c).value for name, c in head.items()}


def _columns(ws: Any) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _plan(ident: str, values: dict[str, Any]) -> Plan:
    """A problem's course: settled by its id, so every run of this script gives the same."""
    rng = _rng("plan", ident)
    deadline = values["整改时限"]
    u = rng.random()
    if deadline == "长期坚持":
        april, may = "整改中", ("长期坚持" if u < 0.6 else "整改中")
    elif deadline == "立行立改":
        april = "已完成（待认定）" if u < 0.7 else "整改中"
        may = (
            "已销号"
            if april != "整改中" and rng.random() < 0.5
            else ("已完成（待认定）" if u < 0.9 else "整改中")
        )
    elif u < 0.25:
        april, may = "已完成（待认定）", ("已销号" if rng.random() < 0.5 else "已完成（待认定）")
    elif u < 0.8:
        april, may = "整改中", ("已完成（待认定）" if rng.random() < 0.45 else "整改中")
    else:
        april, may = "未开始", ("整改中" if rng.random() < 0.6 else "未开始")
    return Plan(april, may)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _measures(ident: str, values: dict[str, Any], plan: Plan, month: int) -> list[dict[str, Any]]:
    """About three measures for a problem, their statuses as of ``month`` (4 or 5)."""
    rng = _rng("measures", ident)
    texts = MEASURES.get(str(values["问题类别"]), []) + GENERIC
    n = rng.choice((1, 2, 3, 3, 4, 4, 5)) if values["整改时限"] != "立行立改" else rng.choice((1, 2, 2))
    texts = texts[:n] if n <= len(texts) else texts + GENERIC[: n - len(texts)]
    deadline = _as_date(values["整改时限"]) or values["整改时限"]
    status = plan.april if month == 4 else plan.may
    town = rng.choice(TOWNS.split()) + "镇人民政府"
    out = []
    for i, text in enumerate(texts):
        own = isinstance(deadline, dt.date) and i < len(texts) - 1
        m: dict[str, Any] = {
            "问题编号": ident,
            "整改措施": text,
            "责任单位": values["责任单位"] if i % 2 == 0 else f"{values['责任单位']}、{town}",
            "责任人": _person(rng),
            # steps of the problem's own deadline, none before mid-April (written in April)
            "整改时限": max(
                deadline - dt.timedelta(days=15 * (len(texts) - 1 - i)), min(deadline, D(2025, 4, 15))
            )
            if own
            else deadline,
            "整改状态": "未开始",
            "完成日期": None,
            "佐证材料": None,
            "备注": None,
        }
        finished = D(2025, month, 1) + dt.timedelta(days=rng.randint(0, 20))
        if status in ("已完成（待认定）", "已销号", "长期坚持") or (
            status == "整改中" and i < len(texts) // 2
        ):
            m["整改状态"] = "长期坚持" if status == "长期坚持" and i == len(texts) - 1 else "已完成（待认定）"
            if m["整改状态"] != "长期坚持":
                m["完成日期"], m["佐证材料"] = finished, rng.choice(EVIDENCE)
        elif status == "整改中":
            m["整改状态"] = "整改中"
        out.append(m)
    return out


@dataclass
class Edits:
    """The cells the clerks typed: (sheet, 编号 or measure row, column) → value, to check they survive."""

    ledger: dict[tuple[str, str], Any] = field(default_factory=dict)  # (编号, column) → value
    measures: list[list[Any]] = field(default_factory=list)  # the 整改措施 sheet's rows, as typed


OWN_COLUMN = "包联县领导"  # a column a county office added on the right


def april_edits(ledger: Path) -> Edits:
    """The counties' returns for the April update, typed into the ledger."""
    from openpyxl import load_workbook

    wb = load_workbook(ledger)
    ws = wb["整改台账"]
    col = _columns(ws)
    own = ws.max_column + 1
    ws.cell(1, own, OWN_COLUMN)
    ws.column_dimensions[ws.cell(1, own).column_letter].width = 12
    edits = Edits()

    def put(r: int, ident: str, name: str, value: Any) -> None:
        ws.cell(r, col.get(name, own), value)
        edits.ledger[ident, name] = value

    measures: list[dict[str, Any]] = []
    blank_evidence = None
    for r, values in _rows(ws):
        ident, unit = str(values["编号"]), str(values["单位名称"])
        rng = _rng("april", ident)
        put(r, ident, "责任人", _person(rng))
        if unit == "浏阳市":
            put(r, ident, OWN_COLUMN, "刘副县长" if "考核" in ident else "陈副县长")
        reason = next(
            (why for (u, text), why in NOT_OURS.items() if u == unit and text in values["问题描述"]), None
        )
        if reason:
            put(r, ident, "整改状态", "不涉及")
            put(r, ident, "不涉及理由", reason)
            continue
        plan = _plan(ident, values)
        if blank_evidence is None and values["问题来源"] == NATION and values["整改时限"] == "立行立改":
            # done, the date typed, the evidence forgotten; no measures written for it
            blank_evidence = ident
            put(r, ident, "整改状态", "已完成（待认定）")
            put(r, ident, "完成日期", D(2025, 4, 12))
            continue
        if plan.april != "未开始":
            put(r, ident, "整改状态", plan.april)
        if plan.april == "已完成（待认定）":
            put(r, ident, "完成日期", D(2025, 4, 1) + dt.timedelta(days=rng.randint(0, 25)))
            put(r, ident, "佐证材料", rng.choice(EVIDENCE))
        measures += _measures(ident, values, plan, 4)
    # one deadline extended with the city's consent, one description made more precise
    for r, values in _rows(ws):
        ident = str(values["编号"])
        if values["单位名称"] == "醴陵市" and values["问题来源"] == AUDIT:
            put(r, ident, "整改时限", D(2025, 7, 31))
            put(r, ident, "备注", "经市委农办同意,整改时限延至 2025 年 7 月 31 日")
            break
    for r, values in _rows(ws):
        ident = str(values["编号"])
        if values["单位名称"] == "花垣县" and values["问题来源"] == INSPECTION:
            put(r, ident, "问题描述", f"{values['问题描述']}(涉及 2023 年度项目 2 个)")
            break
    sheet = wb["整改措施"]
    mcol = _columns(sheet)
    typo = {
        **measures[0],
        "问题编号": TYPO_ID,
        "整改措施": "对照督查反馈问题逐项建立整改台账",
        "整改状态": "整改中",
    }
    typo.update({"完成日期": None, "佐证材料": None})
    for i, m in enumerate([*measures, typo], start=2):
        for name, value in m.items():
            sheet.cell(i, mcol[name], value)
        edits.measures.append([m[name] for name in mcol])
    wb.save(ledger)
    return edits


def may_edits(ledger: Path) -> Edits:
    """The returns for the May update: the month's completions, 认定 and 销号, measures moved on."""
    from openpyxl import load_workbook

    wb = load_workbook(ledger)
    ws = wb["整改台账"]
    col = _columns(ws)
    edits = Edits()
    sheet = wb["整改措施"]
    mcol = _columns(sheet)
    typed = {  # the measures already on the sheet, by problem
        ident: [r for r, v in _rows(sheet) if v["问题编号"] == ident]
        for ident in {v["问题编号"] for _r, v in _rows(sheet)}
    }
    next_row = sheet.max_row + 1
    for r, values in _rows(ws):
        ident, status = str(values["编号"]), values["整改状态"]
        if status == "不涉及" or (status == "已完成（待认定）" and not values["佐证材料"]):
            continue  # answered, or the evidence still missing (a finding every month)
        plan = _plan(ident, values)
        rng = _rng("may", ident)
        fresh = _measures(ident, values, plan, 5)
        if ident in typed:  # update the status cells of the measures the county wrote in April
            for row, m in zip(typed[ident], fresh, strict=False):
                for name in ("整改状态", "完成日期", "佐证材料"):
                    old = sheet.cell(row, mcol[name]).value
                    if old in (None, "") or (name == "整改状态" and old != m[name] and m[name] != "未开始"):
                        sheet.cell(row, mcol[name], m[name])
        else:  # problems added in April (the visit): their measures are written now
            for m in fresh:
                for name, value in m.items():
                    sheet.cell(next_row, mcol[name], value)
                next_row += 1
        if plan.may != status and plan.may != "未开始":
            ws.cell(r, col["整改状态"], plan.may)
            edits.ledger[ident, "整改状态"] = plan.may
        if plan.may in ("已完成（待认定）", "已销号") and not values["完成日期"]:
            day = D(2025, 5, 1) + dt.timedelta(days=rng.randint(0, 25))
            ws.cell(r, col["完成日期"], day)
            ws.cell(r, col["佐证材料"], rng.choice(EVIDENCE))
            edits.ledger[ident, "完成日期"] = day
            edits.ledger[ident, "佐证材料"] = ws.cell(r, col["佐证材料"]).value
        if plan.may == "已销号":
            who, when = rng.choice(CONFIRMERS), D(2025, 5, 20) + dt.timedelta(days=rng.randint(0, 8))
            ws.cell(r, col["认定单位"], who)
            ws.cell(r, col["认定日期"], when)
            edits.ledger[ident, "认定单位"] = who
            edits.ledger[ident, "认定日期"] = when
        if not values["责任人"]:
            person = _person(rng)
            ws.cell(r, col["责任人"], person)
            edits.ledger[ident, "责任人"] = person
    for r, _v in _rows(sheet):
        edits.measures.append([sheet.cell(r, c).value for c in mcol.values()])
    wb.save(ledger)
    return edits


# ---- running it all ------------------------------------------------------------------------


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    """Run in ``folder``: the commands name their files as a clerk in that folder would."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def assess(args: list[str]) -> tuple[int, str]:
    from click.testing import CliRunner

    from assess.cli import main

    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.output


def fingerprint(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def build(folder: Path, echo: bool = False) -> None:
    """The whole example in ``folder`` (emptied first)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    inputs = write_inputs(folder)
    before = fingerprint(inputs)
    edits = (lambda p: None, april_edits, may_edits)
    with inside(folder):
        for (as_of, args), edit in zip(ROUNDS, edits, strict=True):
            edit(Path(LEDGER))
            code, out = assess(args)
            if echo:
                print(f"$ assess {' '.join(args)}\n{out}")
            if code not in (0, 1):  # 1: the measure with the typo in its 问题编号 is an error finding
                raise SystemExit(f"{as_of}:assess rectify 以退出码 {code} 结束\n{out}")
        for args in EXPORTS:
            code, out = assess(args)
            if echo:
                print(f"$ assess {' '.join(args)}\n{out}")
            if code != 0:
                raise SystemExit(f"assess export 以退出码 {code} 结束\n{out}")
    if fingerprint(inputs) != before:
        raise SystemExit("有输入文件被改写")
    # the lock file stays beside a ledger by design (docs/rectify.md); the example has no use for it
    (folder / f"{LEDGER}.lock").unlink(missing_ok=True)


def main() -> None:
    build(TARGET, echo=True)
    print(f"已生成 {TARGET.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
