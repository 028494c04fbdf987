"""The ledger workbook: structure, drop-down, hidden metadata, refusals that leave the file alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from assess.errors import LedgerError
from assess.rectify.ledger import FORMAT, META_SHEET, LedgerInvalid
from assess.rectify.model import COLUMNS

from .conftest import Run, write_findings


def test_new_ledger_structure(run: Run, results_file: Path, findings_file: Path, tmp_path: Path) -> None:
    report = run([results_file], [findings_file])
    path = tmp_path / "out" / "整改台账.xlsx"
    assert report.ledger == path and report.ledger_written and path in report.written
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "整改台账", "整改措施", "进度", "变更记录", META_SHEET]
    assert wb[META_SHEET].sheet_state == "veryHidden"
    assert (
        wb[META_SHEET]["A1"].value == "format" and wb[META_SHEET]["B1"].value == FORMAT == "assess.ledger/2"
    )
    ws = wb["整改台账"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert COLUMNS[:15] == (
        "编号", "单位名称", "问题来源", "问题类别", "问题描述", "关联指标", "失分", "责任单位",
        "责任人", "整改措施", "整改时限", "整改状态", "完成日期", "佐证材料", "备注",
    )  # fmt: skip
    assert ws.max_row == 1 + 8
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1 and lists[0].formula1 == '"未开始,整改中,已完成（待认定）,已销号,长期坚持,不涉及"'
    assert str(lists[0].sqref) == "L2:L1048576"
    statuses = {ws.cell(r, 12).value for r in range(2, ws.max_row + 1)}
    assert statuses == {"未开始"}
    deadlines = [ws.cell(r, 11).value for r in range(2, ws.max_row + 1)]
    assert "立行立改" in deadlines and dt.datetime(2025, 4, 30) in deadlines
    history = wb["变更记录"]
    assert [c.value for c in history[1]] == ["时间", "编号", "字段", "原值", "新值"]
    assert history.max_row == 1 + 8 and history["C2"].value == "新增问题"
    assert history["A2"].value == dt.datetime(2025, 3, 31)


def test_per_unit_layout(run: Run, results_file: Path, findings_file: Path, tmp_path: Path) -> None:
    run([results_file], [findings_file], layout="per-unit")
    wb = openpyxl.load_workbook(tmp_path / "out" / "整改台账.xlsx")
    assert wb.sheetnames == [
        "汇总",
        "浏阳市",
        "凤凰县",
        "平江县",
        "整改措施",
        "进度",
        "变更记录",
        META_SHEET,
    ]
    assert wb["浏阳市"].max_row == 1 + 4 and wb["凤凰县"].max_row == 1 + 3 and wb["平江县"].max_row == 1 + 1
    assert all(wb[s].cell(r, 2).value == s for s in ("浏阳市", "凤凰县") for r in range(2, wb[s].max_row + 1))


def test_summary_sheet(run: Run, results_file: Path, findings_file: Path, tmp_path: Path) -> None:
    run([results_file], [findings_file])
    ws = openpyxl.load_workbook(tmp_path / "out" / "整改台账.xlsx")["汇总"]
    assert ws["A2"].value.startswith(
        "截至 2025年3月31日,共 8 条,完成 0 条,正在整改 0 条,尚未开始 8 条,完成率 0.0%,逾期未完成 1 条。"
    )
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=6, max_row=9)]
    assert rows[0] == [1, "浏阳市", 4, 0, 0, 4, 1, 0]
    assert rows[3] == [None, "合计", 8, 0, 0, 8, 1, 0]


def test_formula_injection_written_as_text(run: Run, tmp_path: Path) -> None:
    evil = ['=HYPERLINK("http://x","点击")', "+1+2", "-3+4", "@SUM(A1:A2)"]
    path = write_findings(
        tmp_path / "evil.xlsx",
        [[i, "浏阳市", "督查暗访", "作风", text, text, None] for i, text in enumerate(evil, start=1)],
    )
    run([], [path])
    ledger = tmp_path / "out" / "整改台账.xlsx"
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    for r, text in enumerate(evil, start=2):
        for c in (5, 8):  # 问题描述, 责任单位
            cell = ws.cell(r, c)
            assert cell.value == text and cell.data_type == "s", (r, c)
    import zipfile

    with zipfile.ZipFile(ledger) as z:
        xml = z.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in xml
    history = openpyxl.load_workbook(ledger)["变更记录"]
    assert {history.cell(r, 5).data_type for r in range(2, 6)} == {"s"}


def _broken(tmp_path: Path, run: Run, findings_file: Path, edit) -> tuple[Path, bytes]:  # type: ignore[no-untyped-def]
    run([], [findings_file])
    path = tmp_path / "out" / "整改台账.xlsx"
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    return path, path.read_bytes()


def _refused(run: Run, findings_file: Path, path: Path, before: bytes) -> LedgerError:
    with pytest.raises(LedgerError) as exc:
        run([], [findings_file], ledger=path, as_of=dt.date(2025, 4, 30))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "整改台账.xlsx",
        "整改台账.xlsx.lock",  # the lock file stays (kernel lock, released); no backup, no temp file
    ]
    return exc.value


def test_deleted_required_column_refused(run: Run, findings_file: Path, tmp_path: Path) -> None:
    path, before = _broken(tmp_path, run, findings_file, lambda wb: wb["整改台账"].delete_cols(12))
    err = _refused(run, findings_file, path, before)
    assert isinstance(err, LedgerInvalid)
    assert err.message == "台账 整改台账.xlsx 有 1 处问题,未作任何修改,请改正后重试:"
    (f,) = err.findings
    assert f.message == "缺少必需的列:整改状态(列名须与台账模板一致,可调整顺序和列宽,不可删除或改名)"
    assert str(f.location) == f"{path} 整改台账 第 1 行"


def test_renamed_required_column_is_said_at_its_cell(run: Run, findings_file: Path, tmp_path: Path) -> None:
    def rename(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["整改台账"]
        col = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "整改状态")
        ws.cell(1, col).value = "进展情况"

    path, before = _broken(tmp_path, run, findings_file, rename)
    err = _refused(run, findings_file, path, before)
    (f,) = err.findings
    assert f.message == (
        "缺少必需的列:整改状态(列名须与台账模板一致,可调整顺序和列宽,不可删除或改名);"
        "表头中的 “进展情况” 不是台账的列,如是由“整改状态”改名而来,请改回原名"
    )
    assert str(f.location) == f"{path} 整改台账!L1"


def test_duplicate_id_bad_status_and_dates_refused_all_at_once(
    run: Run, findings_file: Path, tmp_path: Path
) -> None:
    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["整改台账"]
        ws["A3"] = ws["A2"].value
        ws["L4"] = "已整改"
        ws["M2"] = "上周"
        ws["K4"] = "月底前"

    path, before = _broken(tmp_path, run, findings_file, edit)
    err = _refused(run, findings_file, path, before)
    assert isinstance(err, LedgerInvalid)
    assert [(f.location.cell, f.message) for f in err.findings] == [
        ("M2", "完成日期“上周”不是日期(应如 2025-06-30)"),
        (
            "A3",
            f"编号 {before and openpyxl.load_workbook(path)['整改台账']['A2'].value} 重复(另见 整改台账!A2);每个编号只能出现一次",
        ),
        ("L4", "整改状态“已整改”不在可选值中(未开始、整改中、已完成（待认定）、已销号、长期坚持、不涉及)"),
        ("K4", "整改时限“月底前”不是日期,也不是“立行立改”或“长期坚持”"),
    ]
    text = err.format_message()
    assert text.splitlines()[0].endswith("台账 整改台账.xlsx 有 4 处问题,未作任何修改,请改正后重试:")


def test_row_without_id_refused(run: Run, findings_file: Path, tmp_path: Path) -> None:
    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        wb["整改台账"]["E10"] = "自己加的问题"
        wb["整改台账"]["B10"] = "浏阳市"

    path, before = _broken(tmp_path, run, findings_file, edit)
    err = _refused(run, findings_file, path, before)
    assert [(f.location.cell, f.message) for f in err.findings] == [  # type: ignore[attr-defined]
        ("A10", "此行有内容但编号为空;手工添加的问题请填写一个不重复的编号")
    ]


def test_newer_format_refused(run: Run, findings_file: Path, tmp_path: Path) -> None:
    path, before = _broken(
        tmp_path,
        run,
        findings_file,
        lambda wb: wb[META_SHEET].cell(1, 2, "assess.ledger/3"),
    )
    err = _refused(run, findings_file, path, before)
    assert err.message == (
        "台账 整改台账.xlsx 由更新版本的 assess 生成(格式 assess.ledger/3),"
        "本版本只能读写 assess.ledger/2;请升级 assess 后再更新此台账"
    )


def test_not_an_assess_ledger_refused(run: Run, findings_file: Path, tmp_path: Path) -> None:
    path, before = _broken(tmp_path, run, findings_file, lambda wb: wb.remove(wb[META_SHEET]))
    err = _refused(run, findings_file, path, before)
    assert err.message == (
        "整改台账.xlsx 不是 assess 生成的整改台账(缺少隐藏的元数据工作表 _assess),"
        "无法更新;请去掉 --ledger 新建台账,再把人工填写的内容复制过去"
    )


def test_damaged_file_refused(run: Run, findings_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "out" / "整改台账.xlsx"
    path.parent.mkdir()
    path.write_bytes(b"PK\x03\x04 not really a zip")
    before = path.read_bytes()
    with pytest.raises(Exception) as exc:
        run([], [findings_file], ledger=path)
    assert path.read_bytes() == before
    assert "整改台账.xlsx" in str(exc.value.format_message())  # type: ignore[attr-defined]
