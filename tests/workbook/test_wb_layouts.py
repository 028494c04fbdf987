"""The three layouts, their findings, layout detection and reading many files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest
from wbfixtures import GOOD_ROWS, PLAN, VILLAGES, county_xlsx, summary_xlsx

from assess.errors import WorkbookError
from assess.workbook.county import read_county
from assess.workbook.data import ERROR, NOT_APPLICABLE, OK
from assess.workbook.details import read_details
from assess.workbook.detect import detect_layout
from assess.workbook.load import read_all
from assess.workbook.summary import read_summary


def _codes(findings: list) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity, str(f.location).split(" ", 1)[-1]) for f in findings]


def test_county_good(tmp_path: Path) -> None:
    p = county_xlsx(tmp_path / "甲县.xlsx", villages=[(1, "一村", 12.5, 80), (2, "二村", "不适用", "90%")])
    u = read_county(p, PLAN)
    assert (u.unit, u.group, u.year, u.where) == ("甲县", "一类县", 2024, "基本信息!B1")
    v = {k: (x.number, x.status) for k, x in u.values.items()}
    assert v == {
        "income": (18500.0, OK),
        "growth": (12.5, OK),
        "funds": (12000.0, OK),
        "monitored": (320.0, OK),
        "cleared": (300.0, OK),
        "mechanism": (1.0, OK),
        "toilet": (pytest.approx(82.3), OK),
        "plan_cov": (None, NOT_APPLICABLE),
        "water": (95.0, OK),
    }
    assert u.values["income"].where == "指标数据!D4" and u.values["income"].note == "统计局数据"
    assert u.values["toilet"].note == "单元格为百分比格式,按 82.3% 读取"
    assert u.findings == []
    t = u.tables["villages"]
    assert t.rows == [2, 3] and t.columns == {
        "village": ["一村", "二村"],
        "income": [12.5, None],
        "rate": [80.0, 90.0],
    }
    assert t.where("income", 1) == "村级明细!C3"


def test_county_findings(tmp_path: Path) -> None:
    rows = [
        ("A1", "农村居民人均可支配收入", "元", "#DIV/0!", ""),
        ("", "脱贫人口收入增速", "%", 150, ""),  # no code: matched by name
        ("A3", "衔接资金投入", "人", 12, ""),  # unit cannot convert
        ("A4", "监测对象人数", "人", 100, ""),
        ("A5", "消除风险人数", "人", 120, ""),
        ("A7", "农村卫生厕所普及率", "%", 0.825, ""),  # not percent formatted, 3 decimals: doubted
        ("A8", "村庄规划覆盖率", "%", "", ""),
        ("", "农村居民收入情况", "元", 1, ""),  # unknown field with suggestion
        ("", "一、产业振兴", "", "", ""),  # section heading: ignored
    ]
    p = county_xlsx(
        tmp_path / "乙县.xlsx", rows, unit="乙县", year="2023年", group="三类县", percent_cells=()
    )
    u = read_county(p, PLAN)
    got = [(f.code, f.severity, f.location.cell, f.message) for f in u.findings]
    assert got == [
        ("year-mismatch", "error", "B2", "填报年度为 2023 年,与考核方案年度 2024 年不一致"),
        ("unknown-group", "error", "B3", "分组“三类县”不是考核方案中的分组,是否为“二类县”?"),
        (
            "unit-mismatch",
            "error",
            "D6",
            "指标“衔接资金投入”的计量单位填为“人”,方案要求“万元”,无法换算,请核实",
        ),
        (
            "unknown-field",
            "warning",
            "D11",
            "方案中没有指标“农村居民收入情况”,是否为“农村居民人均可支配收入”?",
        ),
        ("missing-field", "error", None, "缺少指标“是否建立防返贫监测机制”(编码 A6)的填报行"),
        (
            "bad-value",
            "error",
            "D4",
            "“农村居民人均可支配收入”的值无效:单元格为错误值 #DIV/0!(除数为零)",
        ),
        ("out-of-range", "warning", "D5", "“脱贫人口收入增速”为 150%,不在 0~100% 之间,请核实"),
        (
            "suspect-percent",
            "warning",
            "D9",
            "“农村卫生厕所普及率”数值 0.825 小于 1,按 0.825% 读取;如本意为 82.5%,请填写 82.5",
        ),
        ("missing-value", "error", "D10", "“村庄规划覆盖率”未填写(不适用的请填“不适用”)"),
        (
            "part-exceeds-whole",
            "error",
            "D8",
            "“消除风险人数”(120)大于“监测对象人数”(100),部分不应超过总数",
        ),
    ]
    assert u.values["income"].status == ERROR
    assert u.year == 2023


def test_county_label_in_title_and_unknown_unit(tmp_path: Path) -> None:
    p = county_xlsx(tmp_path / "x.xlsx", unit="丁县", info_sheet=False)
    u = read_county(p, PLAN)
    assert u.unit == "丁县" and u.where == "指标数据!A2"
    assert [(f.code, f.message) for f in u.findings] == [
        ("unknown-unit", "单位“丁县”不在考核方案的单位名单中")
    ]


def test_county_without_unit_name_uses_file_name(tmp_path: Path) -> None:
    p = county_xlsx(tmp_path / "丙县.xlsx", unit=None)
    u = read_county(p, PLAN)
    assert u.unit == "丙县"
    assert u.findings[0].code == "missing-unit-name" and u.findings[0].severity == "warning"


def test_county_formula_without_cached_value(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS[:3], ("A4", "监测对象人数", "人", "=100+1", ""), *GOOD_ROWS[4:]]
    u = read_county(county_xlsx(tmp_path / "甲县.xlsx", rows), PLAN)
    assert u.values["monitored"].status == ERROR
    assert [f.message for f in u.findings if f.code == "bad-value"] == [
        "“监测对象人数”的值无效:公式没有保存计算结果(文件可能由程序生成),请在 Excel 或 WPS 中打开、保存后再提交"
    ]


def test_county_without_data_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "空白.xlsx")
    with pytest.raises(WorkbookError) as e:
        read_county(tmp_path / "空白.xlsx", PLAN)
    assert (
        e.value.message
        == "无法读取“空白.xlsx”:未找到指标数据表(需要有“指标编码”或“指标名称”以及“数值”等表头的工作表)"
    )


def test_summary(tmp_path: Path) -> None:
    p = summary_xlsx(
        tmp_path / "汇总.xlsx",
        [
            ("甲县", "一类县", 18000, "10%", 12000000, 100, 90),
            ("乙 县", "二类县", 17000, 8.5, "500万元", 50, 60),
            (None, None, None, None, None, None, None),
        ],
    )
    units = read_summary(p, PLAN)
    assert [u.unit for u in units] == ["甲县", "乙县"]
    assert units[0].values["funds"].number == pytest.approx(1200.0)  # header says 元, scheme wants 万元
    assert units[1].values["funds"].number == pytest.approx(500.0)
    assert units[0].values["growth"].number == 10.0
    assert units[0].values["income"].where == "汇总!C3"
    assert [f.code for f in units[1].findings] == ["part-exceeds-whole"]
    assert [f.message for f in units.findings] == [
        "汇总表缺少指标“是否建立防返贫监测机制”所在的列",
        "汇总表缺少指标“农村卫生厕所普及率”所在的列",
        "汇总表缺少指标“村庄规划覆盖率”所在的列",
    ]


def test_details_province_file(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "村级明细"
    ws.append(["全省村级明细"])
    ws.append(["所属县", "村名称", "村集体经济收入（万元）", "规划覆盖率(%)"])
    ws.append(["甲县", "一村", 12, 80])
    ws.append(["甲县", "二村", "5万元", "不适用"])
    ws.append(["乙县", "三村", "abc", 70])
    ws.append(["甲县", "四村", 3, 60])  # not next to the other 甲县 rows
    ws.append([None, "五村", 1, 1])
    ws.append(["合计", None, 20, None])
    wb.save(tmp_path / "明细.xlsx")
    tables = read_details(tmp_path / "明细.xlsx", VILLAGES)
    assert sorted(tables) == ["乙县", "甲县"]
    a = tables["甲县"]
    assert (
        a.rows == [3, 4, 6]
        and a.columns["income"] == [12.0, 5.0, 3.0]
        and a.columns["rate"] == [80.0, None, 60.0]
    )
    b = tables["乙县"]
    assert b.columns["income"] == [None]
    assert [(f.code, f.location.cell, f.message) for f in b.findings] == [
        ("bad-value", "C5", "“集体经济收入”应为数值,实际为文字“abc”")
    ]
    assert [(f.code, f.location.cell) for f in tables.findings] == [("missing-unit-name", "A7")]
    assert detect_layout(tmp_path / "明细.xlsx") == "details"
    assert detect_layout(tmp_path / "明细.xlsx", PLAN) == "details"


def test_detect_and_read_all(tmp_path: Path) -> None:
    a = county_xlsx(tmp_path / "甲县.xlsx")
    b = county_xlsx(tmp_path / "乙县.xlsx", unit="乙县", group="二类县")
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    s = summary_xlsx(tmp_path / "汇总.xlsx", [("丙县", "一类县", 1, 1, 1, 1, 1)])
    assert detect_layout(a) == "county" and detect_layout(s) == "summary"
    plan = dataclasses.replace(PLAN, tables=())
    units, findings = read_all([a, bad, b, s], plan, jobs=1)
    assert [u.unit for u in units] == ["甲县", "乙县", "丙县"]
    assert [(f.code, f.message) for f in findings if f.code == "unreadable"] == [
        (
            "unreadable",
            "无法读取“坏.xlsx”:文件已损坏或不完整(压缩包结构无法读取),请重新导出或重新上传",
        )
    ]


def test_read_all_attaches_details(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.workbook import load

    a = county_xlsx(tmp_path / "甲县.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "全省村级明细"
    ws.append(["县市区", "村名称", "集体经济收入", "规划覆盖率"])
    ws.append(["甲县", "一村", 12, 80])
    ws.append(["戊县", "二村", 1, 1])
    wb.save(tmp_path / "明细.xlsx")
    splits: list[bool] = []
    monkeypatch.setattr(load, "allow_split", splits.append)
    for big in (False, True):  # read in place, or (a large file) in a second process
        if big:
            monkeypatch.setattr(load, "BIG_DETAILS", 0)
        units, findings = read_all([a], PLAN, details=[tmp_path / "明细.xlsx"], jobs=0)
        # the second process takes the other core: big sheets here are then read in one piece
        assert splits.pop() is (not big)
        assert units[0].tables["villages"].columns["village"] == ["一村"]
        assert [(f.code, f.message) for f in findings] == [
            ("unknown-unit", "明细表“村级明细”中的单位“戊县”(1 行)没有对应的填报数据,未使用")
        ]
        assert findings[0].location.file == str(tmp_path / "明细.xlsx")


def test_summary_csv_gb18030(tmp_path: Path) -> None:
    p = tmp_path / "汇总.csv"
    text = '单位名称,A1,A2,A4,A5\n甲县,"18,500",82.3%,100,—\n'
    p.write_bytes(text.encode("gb18030"))
    (u,) = read_summary(p, PLAN)
    assert u.values["income"].number == 18500.0 and u.values["growth"].number == pytest.approx(82.3)
    assert u.values["cleared"].status == "missing" and u.values["cleared"].where == "汇总!E2"


def test_details_percent_formatted_column(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "村级明细"
    ws.append(["所属县", "村名称", "集体经济收入", "规划覆盖率"])
    for i in range(100):
        ws.append(["甲县", f"村{i}", i, 0.5 if i else "82%"])
        ws.cell(row=i + 2, column=4).number_format = "0%"
    wb.save(tmp_path / "明细.xlsx")
    t = read_details(tmp_path / "明细.xlsx", VILLAGES)["甲县"]
    assert t.columns["rate"][:3] == [82.0, 50.0, 50.0]
    assert t.findings == []


def test_many_county_files_are_fast(tmp_path: Path) -> None:
    import time

    p = county_xlsx(tmp_path / "甲县.xlsx", villages=[(1, "一村", 1, 1)])
    start = time.perf_counter()
    for _ in range(50):
        read_county(p, PLAN)
    assert (time.perf_counter() - start) / 50 < 0.05  # 3,000 workbooks well within minutes


def test_read_all_keeps_file_findings_and_reports_progress(tmp_path: Path) -> None:
    files = [
        county_xlsx(tmp_path / f"县{i:02d}.xlsx", unit=f"县{i:02d}", villages=[(1, "一村", 1, 1)])
        for i in range(17)
    ]
    files.append(summary_xlsx(tmp_path / "汇总.xlsx", [("丙县", "一类县", 1, 1, 1, 1, 1)]))
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"")
    seen: list[tuple[int, int]] = []
    plan = dataclasses.replace(PLAN, units=())
    for jobs in (2, 1):
        seen.clear()
        units, findings = read_all([*files, bad], plan, progress=lambda d, t: seen.append((d, t)), jobs=jobs)
        assert len(units) == 18 and seen[-1] == (19, 19)
        codes = [(f.code, f.location.file and Path(f.location.file).name) for f in findings]
        assert ("missing-field", "汇总.xlsx") in codes  # the summary table's own findings
        assert ("unreadable", "坏.xlsx") in codes
        assert [f for f in codes if f[0] == "missing-table"] == [("missing-table", "汇总.xlsx")]


def test_details_matched_by_normalised_name(tmp_path: Path) -> None:
    a = county_xlsx(tmp_path / "甲县.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "村级明细"
    ws.append(["所属县", "村名称", "集体经济收入", "规划覆盖率"])
    ws.append([" 甲 县", "一村", 12, 80])
    ws.append(["甲县", "二村", 1, "abc"])
    wb.save(tmp_path / "明细.xlsx")
    units, findings = read_all([a, tmp_path / "明细.xlsx"], PLAN)
    table = units[0].tables["villages"]
    assert table.columns["village"] == ["一村", "二村"]
    assert [f.code for f in units[0].findings] == ["bad-value"]
    assert findings == []


def test_extra_rows_are_one_warning_and_typos_get_a_hint(tmp_path: Path) -> None:
    extra = [(f"X{i}", f"补充统计指标{i}", "个", i, "") for i in range(5)]
    p = county_xlsx(tmp_path / "甲县.xlsx", [*GOOD_ROWS, ("", "农村居民收入情况", "元", 1, ""), *extra])
    u = read_county(p, PLAN)
    assert [(f.code, f.location.cell, f.message) for f in u.findings] == [
        ("unknown-field", "D13", "方案中没有指标“农村居民收入情况”,是否为“农村居民人均可支配收入”?"),
        (
            "unknown-field",
            None,
            "另有 5 项指标不在考核方案中,未读取(“补充统计指标0”“补充统计指标1”“补充统计指标2”等)",
        ),
    ]


def test_summary_values_are_lazy_but_behave_like_a_dict(tmp_path: Path) -> None:
    import pickle

    s = summary_xlsx(tmp_path / "汇总.xlsx", [("甲县", "一类县", 18500, 12.5, 1.2e8, 100, 120)])
    (u,) = read_summary(s, PLAN)
    assert list(u.values) == ["income", "growth", "funds", "monitored", "cleared"]
    assert u.values["funds"].number == pytest.approx(12000.0) and u.values["funds"].where == "汇总!E3"
    assert "toilet" not in u.values and u.values.get("toilet") is None
    assert [f.code for f in u.findings] == ["part-exceeds-whole"]
    copy = pickle.loads(pickle.dumps(u))
    assert dict(copy.values) == dict(u.values)
    u.values["income"] = dataclasses.replace(u.values["income"], number=1.0)
    assert u.values["income"].number == 1.0 and copy.values["income"].number == 18500.0


def test_percent_numbers_read_the_same_in_ods_and_xlsx(tmp_path: Path) -> None:
    from wbfixtures import ods

    header = ["单位名称", "A1", "A2", "A7", "A9"]
    rows = [["甲县", 18500, 0.35, 0.823, 95], ["乙县", 17000, 12.5, 80, 0.5]]
    o = ods(tmp_path / "汇总.ods", {"汇总": [header, *rows]})
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in [header, *rows]:
        ws.append(r)
    wb.save(tmp_path / "汇总.xlsx")
    read = [read_summary(p, PLAN) for p in (o, tmp_path / "汇总.xlsx")]
    for units in read:
        assert [u.values["growth"].number for u in units] == [0.35, 12.5]
        assert [u.values["toilet"].number for u in units] == [0.823, 80.0]
        assert [(f.code, f.location.cell) for u in units for f in u.findings] == [("suspect-percent", "D2")]


def test_county_negative_count_is_an_error_where_it_was_typed(tmp_path: Path) -> None:
    """A negative head count would make a rate negative: it is reported at its cell, as an error."""
    rows = [
        (code, name, unit, (-10 if code == "A4" else value), note)
        for code, name, unit, value, note in GOOD_ROWS
    ]
    u = read_county(county_xlsx(tmp_path / "丙县.xlsx", rows, unit="丙县"), PLAN)
    got = [(f.code, f.severity, f.location.cell, f.message) for f in u.findings if f.code == "out-of-range"]
    assert got == [("out-of-range", "error", "D7", "“监测对象人数”为 -10,低于下限 0")]


def test_without_detail_tables_a_repeated_name_is_a_duplicate_not_a_detail_table(tmp_path: Path) -> None:
    """A scheme with no detail tables reads only summary tables: the user hears which unit repeats."""
    rows = [("甲县", "一类县", 1, 1, 1, 1, 1), ("甲县", "一类县", 2, 2, 2, 2, 2)]
    s = summary_xlsx(tmp_path / "汇总.xlsx", rows)
    assert detect_layout(s, PLAN) == "details"  # the plan has a detail table: names may repeat there
    plan = dataclasses.replace(PLAN, tables=())
    assert detect_layout(s, plan) == "summary"
    units, _findings = read_all([s], plan, jobs=1)
    assert [u.unit for u in units] == ["甲县", "甲县"]  # read_inputs refuses the second, naming both cells


def test_villages_grouped_by_their_county_column(tmp_path: Path) -> None:
    """所属县 beside 村名称 is the group of each village when the scheme has no detail tables."""
    headers = ["村名称", "所属县", "农村居民人均可支配收入(元)", "脱贫人口收入增速(%)"]
    s = summary_xlsx(tmp_path / "村.xlsx", [("甲村", "甲县", 1, 1), ("乙村", "乙县", 2, 2)], headers)
    plan = dataclasses.replace(PLAN, tables=(), groups=())
    units = read_summary(s, plan)
    assert [(u.unit, u.group) for u in units] == [("甲村", "甲县"), ("乙村", "乙县")]


def test_a_county_column_is_not_the_group_when_the_scheme_has_groups(tmp_path: Path) -> None:
    headers = ["村名称", "所属县", "农村居民人均可支配收入(元)"]
    s = summary_xlsx(tmp_path / "村.xlsx", [("甲村", "甲县", 1)], headers)
    plan = dataclasses.replace(PLAN, tables=(), units=())  # groups 一类县, 二类县 stay
    assert [(u.unit, u.group, u.findings) for u in read_summary(s, plan)] == [("甲村", None, [])]


def test_average_and_total_rows_are_not_units(tmp_path: Path) -> None:
    rows = [
        ("甲县", "一类县", 1, 1, 1, 1, 1),
        ("全省平均", None, 1, 1, 1, 1, 1),
        ("全市合计", None, 2, 2, 2, 2, 2),
        ("全州", "一类县", 3, 3, 3, 3, 3),  # 全州(县) is a county, not a total
    ]
    units = read_summary(summary_xlsx(tmp_path / "汇总.xlsx", rows), PLAN)
    assert [u.unit for u in units] == ["甲县", "全州"]
    listed = dataclasses.replace(PLAN, units=("甲县", "平均"))
    rows = [("甲县", "一类县", 1, 1, 1, 1, 1), ("平均", "一类县", 1, 1, 1, 1, 1)]
    units = read_summary(summary_xlsx(tmp_path / "名单.xlsx", rows), listed)
    assert [u.unit for u in units] == ["甲县", "平均"]  # a unit the scheme lists is never a total row


def test_numbers_stored_as_text_take_the_header_unit(tmp_path: Path) -> None:
    """WPS 文本型数字 and every CSV value: a bare number is in the header's unit like a typed one."""
    headers = ["县(市、区)", "分组", "衔接资金投入(亿元)"]
    rows = [("甲县", "一类县", 3.12), ("乙县", "一类县", "3.12"), ("丙县", "一类县", "500万元")]
    units = read_summary(summary_xlsx(tmp_path / "亿元.xlsx", rows, headers), PLAN)
    assert [u.values["funds"].number for u in units] == [31200.0, 31200.0, 500.0]
    csv = tmp_path / "亿元.csv"
    csv.write_text(
        "县(市、区),分组,衔接资金投入(亿元)\n甲县,一类县,3.12\n乙县,一类县,500万元\n", encoding="utf-8"
    )
    assert [u.values["funds"].number for u in read_summary(csv, PLAN)] == [31200.0, 500.0]


def test_a_conversion_past_the_float_range_is_an_error_at_its_cell(tmp_path: Path) -> None:
    rows = [("甲县", "一类县", 1, 1, "1e305亿元", 1, 1), ("乙县", "一类县", 1, 1, 1e306, 1, 1)]
    units = read_summary(summary_xlsx(tmp_path / "汇总.xlsx", rows), PLAN)
    first, second = (u.values["funds"] for u in units)
    assert (first.number, first.status, first.note) == (None, ERROR, "数值无效或超出范围“1e305亿元”")
    assert (second.number, second.status) == (1e302, OK)  # 1e306 元 is 1e302 万元
    headers = ["县(市、区)", "分组", "衔接资金投入(亿元)"]  # the whole column × 10,000
    units = read_summary(
        summary_xlsx(tmp_path / "亿元.xlsx", [("甲县", "一类县", 1e306), ("乙县", "一类县", 2)], headers),
        PLAN,
    )
    first, second = (u.values["funds"] for u in units)
    assert (first.number, first.status, first.note) == (
        None,
        ERROR,
        "数值无效或超出范围“1e+306”(换算后超出范围)",
    )
    assert (second.number, second.status) == (20000.0, OK)
