"""Generate the example round of the bundled scheme ``township-2024``: 青山市 assessing its
eight 农业乡镇 and four 城郊街道.

Written to ``examples/township/``:

- ``乡镇填报/``: each township's own workbook, its group's ``assess template`` filled in
  (a 城郊街道's template has no 粮食 rows and has 2.7 and B5; a 农业乡镇's has B4);
- ``乡村振兴/``, ``财政/``, ``农业农村/``, ``生态环境/``, ``统计/``: the five tables the
  city's departments send, one row per township, laid out the way ``make_sources.py``
  lays out the county round's (title, a line of remarks, 序号, 乡镇(街道), columns with
  their units, 备注, a note below);
- ``模板/``: the blank templates of every source, as ``assess template --source all`` writes them.

Two data problems are planted, the kind a real round has: 梅溪乡 left 4.2 矛盾纠纷调处化解率
blank, and 市农业农村局 filled in 2.2 高标准农田建设任务完成率 for 城南街道, which the
城郊街道 group is not assessed on.  A fixed seed makes every run identical.

    python examples/make_township.py
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from fill_templates import unit_book  # noqa: E402  (beside this script)
from make_sources import Layout, write_table  # noqa: E402

from assess.commands.common import load_plan  # noqa: E402
from assess.commands.template import run_template  # noqa: E402

SEED = 2034
SCHEME = HERE.parent / "indicators" / "township-2024.yaml"
OUT = HERE / "township"
UNITS = "乡镇填报"
BLANK = {"梅溪乡": ["4.2"]}  # a cell the township left empty
FOREIGN = {"城南街道": {"2.2": 100}}  # a value for an indicator the unit's group does not have

LAYOUTS: dict[str, Layout] = {
    "乡村振兴": Layout(
        "防返贫监测和帮扶工作情况表.xlsx",
        "监测帮扶",
        "青山市 2024 年度乡镇(街道)防返贫监测和帮扶工作情况表",
        "填报单位:市乡村振兴局(盖章)　　截至 2024 年 12 月 31 日,监测数据取自全国防返贫监测信息系统",
        below="注:扶贫项目资产后续管护由市乡村振兴局会同市财政局实地核查后核定;督查暗访问题为市级督查暗访发现的问题。",
        remarks=(("柳塘镇", "务工任务含 12 月调增 60 人"),),
    ),
    "财政": Layout(
        "衔接资金项目支出进度表.xlsx",
        "支出进度",
        "2024 年度衔接推进乡村振兴补助资金项目支出进度表(分乡镇)",
        "填报单位:市财政局农业农村股　　截至 2024 年 12 月 31 日　　支出进度 = 已支出资金 ÷ 已下达资金 × 100",
    ),
    "农业农村": Layout(
        "粮食生产和人居环境整治考核数据表.xlsx",
        "考核数据",
        "2024 年度乡镇(街道)粮食生产和农村人居环境整治考核数据表",
        "填报单位:市农业农村局　　面积单位:亩　　人居环境测评得分为四个季度测评的平均分(百分制)",
        below="注:城郊街道不承担粮食播种面积任务。",
        remarks=(("城南街道", "2023 年高标准农田项目 12 月完成验收"), ("柳塘镇", "7 月被省级媒体曝光")),
    ),
    "生态环境": Layout(
        "农村生态环境治理情况表.xlsx",
        "生态环境",
        "2024 年度乡镇(街道)农村生活污水治理和黑臭水体整治情况表",
        "填报单位:青山生态环境分局　　生活污水治理率按行政村(涉农社区)计",
    ),
    "统计": Layout(
        "群众满意度测评结果.xlsx",
        "测评结果",
        "2024 年度乡镇(街道)乡村振兴工作群众满意度测评结果",
        "测评单位:市统计局社情民意调查中心　　方式:电话随机抽样,每个乡镇(街道)不少于 200 个有效样本　　满分 100 分",
        below="注:测评时间为 2024 年 11 月 20 日至 12 月 10 日。",
    ),
}


def township_values(rng: random.Random, street: bool) -> dict[str, object]:
    """One township's figures, keyed by the scheme's input keys; a 街道 is smaller and more urban."""
    monitored = rng.randint(8, 40) if street else rng.randint(40, 160)
    task = rng.randint(300, 900) if street else rng.randint(1500, 4000)
    villages = rng.randint(4, 9) if street else rng.randint(12, 25)
    problems = rng.randint(12, 45)
    v: dict[str, object] = {
        # 市乡村振兴局
        "监测户数": monitored,
        "消除风险户数": round(monitored * rng.uniform(0.62, 0.9)),
        "务工任务": task,
        "务工人数": round(task * rng.uniform(0.93, 1.06)),
        "规模性返贫": "否",
        "1.5": rng.choice(["规范", "规范", "基本规范", "不规范"]),
        "1.6": rng.choice([0, 0, 0, 1, 2]),
        "5.2": rng.choice([0, 0, 1, 1, 2, 3]),
        "P1": 0,
        # 市财政局
        "1.4": round(rng.uniform(72, 96), 1),
        # 市农业农村局
        "2.3": rng.choice([0, 0, 1]) if street else rng.choice([0, 0, 1, 2, 3]),
        "3.1": round(rng.uniform(78, 95), 1),
        "人居环境曝光": "否",
        # 青山生态环境分局
        "3.3": round(rng.uniform(60, 92), 1) if street else round(rng.uniform(25, 60), 1),
        "3.6": rng.choice(["是", "是", "是", "否"]),
        # 市统计局
        "4.4": round(rng.uniform(84, 97), 1),
        # the township's own workbook
        "行政村数": villages,
        "达标村数": round(villages * rng.uniform(0.25, 0.8)),
        "问题总数": problems,
        "已整改数": problems - rng.choice([0, 0, 0, 1, 2, 3]),
        "1.2": round(rng.uniform(6, 22), 1),
        "2.5": rng.randint(0, 3) if street else rng.randint(0, 6),
        "2.6": "是",
        "3.2": round(rng.uniform(88, 99), 1) if street else round(rng.uniform(78, 96), 1),
        "3.4": rng.choice([100, 100, 99, 98]),
        "3.5": rng.choice([100, 100, 100, 80]),
        "4.1": round(rng.uniform(55, 96), 1),
        "4.2": round(rng.uniform(88, 99.5), 1),
        "4.3": rng.choice([100, 100, 100, 95]),
        "B1": rng.choice(["否", "否", "否", "是"]),
        "B2": rng.choice([0, 0, 1, 2]),
        "B3": rng.choice([0, 0, 1, 2, 3]),
    }
    if street:
        v["2.7"] = rng.randint(1, 4)
        v["B5"] = rng.choice(["否", "是"])
    else:
        sown = rng.randint(18000, 52000)
        v["播种任务"] = sown
        v["播种面积"] = round(sown * rng.uniform(0.97, 1.03))
        v["2.2"] = rng.choice([100, 100, 95.5, 88, 92.3])
        v["B4"] = rng.choice(["否", "否", "是"])
    return v


# What makes a township's figures differ from the draw: a fact of the year, not an error.
FACTS: dict[str, dict[str, object]] = {
    "柳塘镇": {"人居环境曝光": "是"},  # 3.1 scores 0 by the scheme's override
    "凤栖街道": {"3.5": "不适用"},  # no village planning task this year
}
NOTES = {
    "凤栖街道": {"3.5": "辖区内无村庄规划编制任务"},
    "石门镇": {"B1": "省农业农村厅 2024 年 10 月公布的省级乡村振兴示范乡镇名单"},
}


def main() -> None:
    rng = random.Random(SEED)
    plan = load_plan(str(SCHEME))
    names = plan.group_names
    if OUT.exists():
        shutil.rmtree(OUT)
    drawn: dict[str, dict[str, object]] = {}
    for entry in plan.scheme.units:
        group = names[plan.group_ids[entry.group or ""]]
        values = township_values(rng, street=group == "城郊街道")
        values.update(FACTS.get(entry.name, {}))
        drawn[entry.name] = values
        unit_book(
            plan,
            OUT / UNITS / f"{entry.name}.xlsx",
            entry.name,
            group,
            values,
            blank=BLANK.get(entry.name, ()),
            notes=NOTES.get(entry.name),
        )
    written = []
    for spec in plan.sources:
        if spec.kind != "table":
            continue
        layout = LAYOUTS[spec.id]
        rows = {}
        for unit, v in drawn.items():
            row = {k: v.get(k) for k in spec.keys}
            row.update({k: x for k, x in FOREIGN.get(unit, {}).items() if k in spec.keys})
            rows[unit] = row
        path = OUT / spec.id / layout.file
        write_table(path, spec, layout, rows, unit_header="乡镇(街道)")
        written.append(path)
    run_template(str(SCHEME), OUT / "模板", "county", None, None, force=True, source="all")
    print(f"已生成 {len(drawn)} 个乡镇(街道)的填报表:{OUT / UNITS}")
    print("部门报表:" + "、".join(str(p.relative_to(OUT)) for p in written))
    print(f"空白模板:{OUT / '模板'}")


if __name__ == "__main__":
    main()
