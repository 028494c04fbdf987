"""The ledger prints as an office's ledger, and its per-unit copies (--split-by-unit).

Print setup is checked in the written workbook with openpyxl; the page count of
14 counties × 10 problems with LibreOffice (skipped without it, outside CI).
Before this layout that ledger printed as 49 pages (its data sheet alone 24).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from assess.errors import LedgerError, UsageError
from assess.rectify.model import C_STATUS, C_UNIT, COLUMNS, STATUSES

from .conftest import AS_OF, SCHEME, Run, write_findings

UNITS = [
    "浏阳市",
    "宁乡市",
    "韶山市",
    "醴陵市",
    "泸溪县",
    "凤凰县",
    "花垣县",
    "保靖县",
    "古丈县",
    "永顺县",
    "平江县",
    "新化县",
    "安化县",
    "城步县",
]
TOWNS = ["城关镇新民村", "高坪镇联合村", "金塘镇大塘村", "白沙镇胜利村", "双江镇光明村", "枫林镇东风村"]
ISSUES = [
    ("考核评估", "饮水安全", "分散供水水源地周边有生猪养殖场,存在污染隐患", "县水利局", dt.date(2025, 6, 30)),
    ("考核评估", "三保障", "1 户脱贫户家庭适龄儿童辍学,控辍保学劝返工作未跟进", "县教育局", "立行立改"),
    (
        "第三方评估",
        "三保障",
        "1 名脱贫人口未参加城乡居民基本医疗保险,参保资助政策未落实到人",
        "县医疗保障局",
        "立行立改",
    ),
    ("督查暗访", "人居环境", "新改户厕使用率不高,存在建而不用现象", "县农业农村局", dt.date(2025, 9, 30)),
    (
        "督查暗访",
        "防返贫监测",
        "1 户因病支出骤增农户未及时纳入监测,识别纳入超过 15 天时限",
        "县乡村振兴局",
        "立行立改",
    ),
    (
        "审计",
        "资金管理",
        "扶贫项目资产收益 8.2 万元被截留,未按规定分配给脱贫户",
        "县乡村振兴局",
        dt.date(2025, 5, 31),
    ),
    ("审计", "资金管理", "挤占挪用衔接资金 36.5 万元用于村部办公楼维修", "县财政局", dt.date(2025, 6, 30)),
    (
        "审计",
        "项目管理",
        "衔接资金项目虚列支出、套取资金 12.8 万元",
        "县财政局、县纪委监委",
        dt.date(2025, 6, 30),
    ),
    (
        "督查暗访",
        "档案资料",
        "衔接资金项目档案资料不全,项目验收报告缺少签字",
        "县乡村振兴局",
        dt.date(2025, 4, 15),
    ),
    (
        "第三方评估",
        "乡风文明",
        "村规民约规定的红白理事会未运转,大操大办现象仍有发生",
        "县委宣传部(县文明办)",
        "长期坚持",
    ),
]


@pytest.fixture
def big_findings(tmp_path: Path) -> Path:
    """14 counties × 10 problems, worded like published feedback notices."""
    rows = []
    for i, unit in enumerate(UNITS):
        for k, (source, category, text, department, deadline) in enumerate(ISSUES):
            town = TOWNS[(i + k) % len(TOWNS)]
            rows.append([len(rows) + 1, unit, source, category, f"{town}{text}", department, deadline])
    return write_findings(tmp_path / "督查发现问题清单.xlsx", rows)


def _letters(ws: object) -> dict[str, str]:
    return {str(c.value): c.column_letter for c in ws[1] if c.value}  # type: ignore[index]


def _status_lists(ws: object, letter: str, first: int) -> list[str]:
    return [
        str(dv.formula1)
        for dv in ws.data_validations.dataValidation  # type: ignore[attr-defined]
        if dv.type == "list" and f"{letter}{first}:" in str(dv.sqref)
    ]


def test_ledger_print_setup(run: Run, big_findings: Path) -> None:
    report = run(findings=[big_findings])
    wb = openpyxl.load_workbook(report.ledger)
    ws = wb["整改台账"]
    setup = ws.page_setup
    assert setup.orientation == "landscape"
    assert setup.paperSize == 8  # A3: 16 and more columns: too small on A4
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    assert ws.freeze_panes == "C2"  # below the header, right of 编号 and 单位名称
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.oddHeader.center.text == "问题整改台账"
    col = _letters(ws)
    assert list(col)[: len(COLUMNS)] == list(COLUMNS)
    for dated in ("整改时限", "完成日期"):
        assert ws.column_dimensions[col[dated]].width >= 12
    assert ws.column_dimensions[col["问题描述"]].width > 2 * ws.column_dimensions[col["整改时限"]].width
    lists = _status_lists(ws, col[C_STATUS], 2)
    assert lists and all(s in lists[0] for s in STATUSES)
    assert ws["A1"].font.name == "黑体"
    assert ws[f"{col['问题描述']}2"].font.name == "仿宋_GB2312"
    # rows tall enough for their wrapped text (LibreOffice and Excel do not grow them on opening)
    assert all(ws.row_dimensions[r].height >= 18 for r in range(2, 142))
    for name in ("汇总", "变更记录"):
        other = wb[name].page_setup
        assert (other.orientation, other.paperSize, other.fitToWidth) == ("portrait", 9, 1)


def test_updates_keep_reading_and_a_persons_print_setup(run: Run, big_findings: Path, tmp_path: Path) -> None:
    ledger = run(findings=[big_findings]).ledger
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改台账"]
    ws.page_setup.orientation = "portrait"  # the clerk's own choice
    ws.page_setup.paperSize = 9  # A4
    ws[f"{_letters(ws)[C_STATUS]}2"] = "整改中"
    wb.save(ledger)
    more = write_findings(
        tmp_path / "4月暗访.xlsx",
        [[1, "浏阳市", "督查暗访", "产业帮扶", "产业项目联农带农机制不健全", "县农业农村局", "立行立改"]],
    )
    report = run(findings=[big_findings, more], ledger=ledger, as_of=AS_OF + dt.timedelta(days=30))
    assert report.stats.to_dict()["added"] == 1
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("portrait", 9)
    assert sum(1 for r in report.rows if r.status == "整改中") == 1


def test_a_ledger_made_before_gets_the_layout_once(
    run: Run, big_findings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assess.render.ledger_sheets as ledger_sheets

    with monkeypatch.context() as patch:  # a ledger written before printing was laid out
        patch.setattr(ledger_sheets, "print_layout", lambda book, heading: None)
        ledger = run(findings=[big_findings]).ledger
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改台账"]
    assert ws.page_setup.orientation is None and not ws.print_title_rows
    ws.freeze_panes = "B2"  # what ledgers had before
    last = ws.max_row
    for cell in ws[last]:
        cell.font = openpyxl.styles.Font(name="楷体", size=12)
    wb.save(ledger)
    extra = ledger.parent.parent / "5月.xlsx"
    write_findings(extra, [[1, "城步县", "督查暗访", "作风建设", "村级台账重复填报", "县委办", "立行立改"]])
    run(findings=[extra], ledger=ledger, as_of=AS_OF + dt.timedelta(days=31))
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    assert (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.print_title_rows) == (
        "landscape",
        1,
        "$1:$1",
    )
    assert ws.freeze_panes == "C2"
    assert ws.cell(last + 1, 1).font.name == "楷体"  # a new row looks like the row above it


def test_split_by_unit(run: Run, big_findings: Path, tmp_path: Path) -> None:
    from assess.commands.output import _xlsx_kind

    report = run(findings=[big_findings], split_by_unit=True)
    out = tmp_path / "out"
    books = sorted(out.glob("整改台账_*.xlsx"))
    assert sorted(p.name for p in books) == sorted(f"整改台账_{u}.xlsx" for u in UNITS)
    assert set(books) <= set(report.written)
    path = out / "整改台账_浏阳市.xlsx"
    assert _xlsx_kind(path) == "ledger-unit"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["问题整改台账"]
    ws = wb.active
    assert ws["A1"].value == "浏阳市问题整改台账"
    assert ws["A2"].value == "截至2025年3月31日,共 10 条,完成 0 条,正在整改 0 条,尚未开始 10 条,完成率 0.0%。"
    assert [c.value for c in ws[3]] == list(COLUMNS)
    units = [ws.cell(r, COLUMNS.index(C_UNIT) + 1).value for r in range(4, ws.max_row + 1)]
    assert units == ["浏阳市"] * 10
    setup = ws.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert ws.print_title_rows == "$3:$3" and ws.freeze_panes == "C4"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    letter = openpyxl.utils.get_column_letter(COLUMNS.index(C_STATUS) + 1)
    assert _status_lists(ws, letter, 4)
    deadline = ws.cell(4, COLUMNS.index("整改时限") + 1)
    assert deadline.value == dt.datetime(2025, 6, 30) and deadline.number_format == "yyyy-mm-dd"
    # never read back: not as a findings workbook, not as a ledger
    with pytest.raises(LedgerError) as caught:
        run(findings=[path], out_dir=tmp_path / "again")
    assert caught.value.message == (
        "“整改台账_浏阳市.xlsx”是 assess 生成的单位整改台账,不是督查发现问题清单,不作为问题清单读取;"
        "更新台账请用 --ledger 指定台账"
    )
    with pytest.raises(LedgerError, match="不是 assess 生成的整改台账"):
        run(findings=[big_findings], ledger=path, out_dir=tmp_path / "again")
    # a second run remakes them (assess's own files)
    run(findings=[big_findings], ledger=report.ledger, split_by_unit=True, as_of=AS_OF + dt.timedelta(days=1))


def test_titles_with_characters_a_sheet_name_or_page_header_cannot_hold(
    run: Run, findings_file: Path, tmp_path: Path
) -> None:
    title = "2024/2025年度考核&督查反馈问题"
    report = run(findings=[findings_file], split_by_unit=True, title=title)
    ws = openpyxl.load_workbook(report.ledger)["整改台账"]
    assert ws.oddHeader.center.text == "2024/2025年度考核&&督查反馈问题整改台账"  # & starts a code there
    wb = openpyxl.load_workbook(tmp_path / "out" / "整改台账_平江县.xlsx")
    assert wb.sheetnames == ["2024_2025年度考核&督查反馈问题整改台账"]
    assert wb.active["A1"].value == "平江县2024/2025年度考核&督查反馈问题整改台账"


def test_split_by_unit_stops_before_the_ledger_at_a_file_of_someone_else(
    run: Run, big_findings: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    theirs = out / "整改台账_韶山市.xlsx"
    openpyxl.Workbook().save(theirs)
    with pytest.raises(UsageError) as caught:
        run(findings=[big_findings], split_by_unit=True)
    assert caught.value.message == (
        f"“{theirs}”已存在,且不是 assess 生成的文件,assess 不会替换它;请用 -o 换一个输出位置,或先把它移走"
    )
    assert not (out / "整改台账.xlsx").exists()


def test_split_by_unit_never_lands_on_the_ledger(run: Run, findings_file: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "out" / "整改台账_浏阳市.xlsx"
    with pytest.raises(UsageError) as caught:
        run(findings=[findings_file], ledger=ledger, split_by_unit=True)
    assert caught.value.message == (
        f"输出文件“{ledger}”与输入的整改台账是同一个文件;"
        "assess 从不改写输入文件(--force 也不行),请用 -o 换一个输出位置"
    )
    assert not ledger.exists()


def test_cli_option(big_findings: Path, tmp_path: Path) -> None:
    from assess.cli import main

    out = tmp_path / "整改"
    args = ["rectify", "--scheme", str(SCHEME), "--findings", str(big_findings), "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--as-of", "2025-03-31", "--format", "xlsx", "--split-by-unit"])
    assert result.exit_code == 0, result.output
    assert f"已写入:{out / '整改台账_城步县.xlsx'}" in result.stderr.splitlines()
    assert "--split-by-unit" in CliRunner().invoke(main, ["rectify", "--help"]).output


@pytest.mark.office
def test_printed_pages(run: Run, big_findings: Path, tmp_path: Path) -> None:
    from assess.render.office import convert, pdf_page_count, pdf_text
    from tests.office_support import require_poppler, require_soffice

    require_soffice()
    require_poppler()
    report = run(findings=[big_findings], split_by_unit=True)
    pdf = convert(report.ledger, tmp_path / "pdf", "pdf")
    pages = pdf_page_count(pdf)
    assert pages <= 20  # 49 before, every sheet portrait at 100 %, columns cut across pages
    text = pdf_text(pdf)
    assert f"第 1 页 共 {pages} 页" in text and f"第 {pages} 页 共 {pages} 页" in text
    assert text.count("\f") == pages
    unit = convert(tmp_path / "out" / "整改台账_浏阳市.xlsx", tmp_path / "pdf", "pdf")
    assert pdf_page_count(unit) == 1
    assert "浏阳市问题整改台账" in "".join(pdf_text(unit).split())
