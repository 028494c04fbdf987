"""Write examples/督查发现问题清单.xlsx: findings of inspections, audits and evaluations.

The rows are invented but worded like the problems listed in published
feedback notices (督查暗访、审计、第三方评估、考核评估反馈问题), across the
example counties.  Run: ``python examples/make_findings.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

HERE = Path(__file__).resolve().parent
TARGET = HERE / "督查发现问题清单.xlsx"

HEAD = [
    "序号",
    "单位名称",
    "问题来源",
    "问题类别",
    "问题描述",
    "关联指标",
    "扣分",
    "责任单位",
    "整改时限",
]
D = dt.date

FINDINGS: list[tuple[str, str, str, str, str, float | None, str, dt.date | str | None]] = [
    (
        "浏阳市",
        "督查暗访",
        "防返贫监测",
        "某镇 2 户因病支出骤增农户未及时纳入监测,识别纳入超过 15 天时限",
        "1.4 监测对象识别纳入平均时限",
        0.5,
        "县乡村振兴局",
        "立行立改",
    ),
    (
        "浏阳市",
        "审计",
        "资金管理",
        "2023 年度衔接资金项目形成的 3 处经营性资产未及时确权登记,资产台账不完整",
        "1.9 扶贫项目资产确权登记完成",
        None,
        "县财政局、县农业农村局",
        D(2025, 6, 30),
    ),
    (
        "宁乡市",
        "第三方评估",
        "产业帮扶",
        "部分产业帮扶项目联农带农机制不健全,脱贫户分红协议未落实到户",
        "1.5 衔接资金用于产业发展比重",
        1.0,
        "县农业农村局",
        D(2025, 6, 30),
    ),
    (
        "宁乡市",
        "督查暗访",
        "就业帮扶",
        "个别村公益性岗位人员在岗履职不到位,考勤记录与实际不符",
        "",
        None,
        "县人力资源和社会保障局",
        D(2025, 4, 30),
    ),
    (
        "韶山市",
        "考核评估",
        "基础设施",
        "部分较大人口规模自然村通硬化路养护不到位,路面破损未及时修复",
        "3.6 较大人口规模自然村(组)通硬化路比例",
        0.5,
        "县交通运输局",
        D(2025, 9, 30),
    ),
    (
        "醴陵市",
        "审计",
        "资金管理",
        "衔接资金支付进度滞后,截至 11 月底支付率 58.3%,低于全省平均 9 个百分点",
        "1.6 衔接资金支付率",
        1.0,
        "县财政局",
        D(2025, 3, 31),
    ),
    (
        "醴陵市",
        "督查暗访",
        "作风建设",
        "个别帮扶干部入户走访流于形式,对帮扶对象家庭情况不熟悉",
        "",
        None,
        "县委组织部",
        "长期坚持",
    ),
    (
        "泸溪县",
        "第三方评估",
        "防返贫监测",
        "监测对象风险消除程序不规范,部分户未经村民代表评议即标注风险消除",
        "1.1 监测对象风险消除率",
        1.0,
        "县乡村振兴局",
        "立行立改",
    ),
    (
        "泸溪县",
        "考核评估",
        "三保障和饮水安全",
        "2 个村集中供水工程水质检测不达标,季节性缺水问题未有效解决",
        "1.10 “三保障”和饮水安全问题",
        2.0,
        "县水利局",
        D(2025, 5, 31),
    ),
    (
        "凤凰县",
        "督查暗访",
        "易地搬迁后续扶持",
        "集中安置区配套产业园就业吸纳能力不足,部分搬迁劳动力未实现稳定就业",
        "",
        None,
        "县发展和改革局",
        D(2025, 8, 31),
    ),
    (
        "凤凰县",
        "审计",
        "小额信贷",
        "脱贫人口小额信贷逾期 27 笔、金额 96.5 万元,逾期率高于全省控制线",
        "1.7 脱贫人口小额信贷逾期率",
        0.5,
        "县金融办",
        D(2025, 6, 30),
    ),
    (
        "花垣县",
        "第三方评估",
        "产业帮扶",
        "村集体经济收入来源单一,依靠资产租赁收入占比超过 80%",
        "2.4 村集体经济收入 10 万元以上村占比",
        0.5,
        "县农业农村局",
        D(2025, 12, 31),
    ),
    (
        "花垣县",
        "督查暗访",
        "档案资料",
        "个别村扶贫项目档案资料不全,项目验收报告缺少签字",
        "",
        None,
        "县乡村振兴局",
        D(2025, 4, 15),
    ),
    (
        "保靖县",
        "考核评估",
        "就业帮扶",
        "脱贫劳动力务工规模较上年减少 1,236 人,未达到稳定就业任务",
        "1.8 脱贫劳动力务工规模稳定率",
        1.0,
        "县人力资源和社会保障局",
        D(2025, 6, 30),
    ),
    (
        "古丈县",
        "审计",
        "资金管理",
        "2 个衔接资金项目变更未按程序报批,涉及资金 180 万元",
        "",
        None,
        "县财政局",
        D(2025, 5, 31),
    ),
    (
        "古丈县",
        "督查暗访",
        "人居环境",
        "部分村农村户厕改造后使用率不高,存在建而不用现象",
        "3.2 农村卫生厕所普及率",
        0.5,
        "县农业农村局",
        D(2025, 9, 30),
    ),
    (
        "永顺县",
        "第三方评估",
        "防返贫监测",
        "部分农户对防止返贫监测帮扶政策知晓率不高,政策宣传不到位",
        "",
        None,
        "县乡村振兴局",
        "长期坚持",
    ),
    (
        "平江县",
        "考核评估",
        "产业帮扶",
        "衔接资金用于产业发展比重 52.6%,低于 55% 的要求",
        "1.5 衔接资金用于产业发展比重",
        1.5,
        "县财政局",
        D(2025, 6, 30),
    ),
    (
        "平江县",
        "督查暗访",
        "作风建设",
        "个别乡镇存在填表报数多、基层负担重问题",
        "",
        None,
        "县委办",
        "长期坚持",
    ),
    (
        "新化县",
        "审计",
        "项目管理",
        "3 个已完工项目未及时办理竣工决算,项目资产未移交",
        "",
        None,
        "县农业农村局",
        D(2025, 4, 30),
    ),
    (
        "安化县",
        "第三方评估",
        "三保障和饮水安全",
        "个别边缘易致贫户住房安全等级鉴定不及时",
        "1.10 “三保障”和饮水安全问题",
        1.0,
        "县住房和城乡建设局",
        "立行立改",
    ),
    (
        "城步县",
        "督查暗访",
        "防返贫监测",
        "监测预警部门数据比对推送后核查反馈不及时,超过规定时限",
        "",
        None,
        "县乡村振兴局",
        D(2025, 3, 31),
    ),
]


def build() -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "问题清单"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEAD))
    ws["A1"] = "2024 年度乡村振兴督查检查发现问题清单"
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append(HEAD)
    for c in range(1, len(HEAD) + 1):
        cell = ws.cell(2, c)
        cell.font = Font(name="宋体", size=11, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for i, (
        unit,
        source,
        category,
        text,
        indicator,
        points,
        dept,
        deadline,
    ) in enumerate(FINDINGS, start=1):
        ws.append([i, unit, source, category, text, indicator or None, points, dept, deadline])
        r = ws.max_row
        for c in range(1, len(HEAD) + 1):
            cell = ws.cell(r, c)
            cell.font = Font(name="宋体", size=11)
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.cell(r, 9).number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHI", (6, 10, 12, 16, 60, 28, 7, 22, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"
    return wb


def main() -> None:
    build().save(TARGET)
    print(f"已生成 {TARGET.name}:{len(FINDINGS)} 条问题")


if __name__ == "__main__":
    main()
