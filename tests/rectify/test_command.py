"""run_rectify end to end: documents, JSON, backups, refusals."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from assess.errors import OutputError, UsageError
from assess.rectify.lock import LedgerLock, lock_path

from .conftest import AS_OF, Run


def test_outputs_html_and_json(run: Run, results_file: Path, findings_file: Path, tmp_path: Path) -> None:
    report = run(
        [results_file],
        [findings_file],
        formats={"xlsx", "html", "json"},
        issuer="县委农村工作领导小组办公室",
    )
    out = tmp_path / "out"
    names = sorted(p.name for p in report.written)
    assert names == sorted(
        [
            "整改台账.xlsx",
            "整改清单_浏阳市.html",
            "整改清单_凤凰县.html",
            "整改清单_平江县.html",
            "整改进展情况.html",
            "整改情况.json",
        ]
    )
    html = (out / "整改清单_浏阳市.html").read_text(encoding="utf-8")
    assert "浏阳市问题整改清单" in html and "mso-page-orientation:landscape" in html
    for head in ("序号", "问题", "责任单位", "责任人", "整改措施", "整改时限", "状态"):
        assert f">{head}</p>" in html
    # documents carry full-width punctuation in Chinese text
    assert "衔接资金支付率60.20%，低于全省平均，失分1.5分" in html  # 公文: no space by numbers
    assert "2025年4月30日" in html
    assert (
        "截至2025年3月31日，浏阳市共4条，完成0条，正在整改0条，尚未开始4条，完成率0.0%，逾期未完成1条。"
        in html
    )
    progress = (out / "整改进展情况.html").read_text(encoding="utf-8")
    assert "有逾期未完成整改问题的单位有：浏阳市（1条），共1条" in progress
    assert "县委农村工作领导小组办公室" in progress
    data = json.loads((out / "整改情况.json").read_text(encoding="utf-8"))
    assert data["format"] == "assess.rectify/1" and data["as_of"] == "2025-03-31"
    assert (
        data["progress"]["overall"]["sentence"]
        == "共 8 条,完成 0 条,正在整改 0 条,尚未开始 8 条,完成率 0.0%,逾期未完成 1 条"
    )
    assert data["changes"]["added"] == 8
    first = data["problems"][0]
    assert set(first) >= {
        "id",
        "unit",
        "source",
        "category",
        "description",
        "indicator",
        "lost",
        "department",
        "owner",
        "measure",
        "deadline",
        "status",
        "done_date",
        "evidence",
        "remark",
        "check",
        "overdue",
    }
    overdue = [p for p in data["problems"] if p["overdue"]]
    assert [(p["unit"], p["deadline"]) for p in overdue] == [("浏阳市", "2025-03-15")]


def test_doc_output_is_mht(run: Run, findings_file: Path, tmp_path: Path) -> None:
    report = run([], [findings_file], formats={"doc"})
    doc = tmp_path / "out" / "整改进展情况.doc"
    assert doc in report.written and doc.read_bytes().startswith(b"MIME-Version")


def test_title_is_used_in_documents(run: Run, findings_file: Path, tmp_path: Path) -> None:
    run([], [findings_file], formats={"html"}, title="2024年度考核反馈问题")
    assert "浏阳市2024年度考核反馈问题整改清单" in (tmp_path / "out" / "整改清单_浏阳市.html").read_text(
        encoding="utf-8"
    )
    assert "2024年度考核反馈问题整改进展情况" in (tmp_path / "out" / "整改进展情况.html").read_text(
        encoding="utf-8"
    )


def test_no_backup(run: Run, findings_file: Path, results_file: Path, tmp_path: Path) -> None:
    ledger = run([], [findings_file]).ledger
    report = run([results_file], [], ledger=ledger, as_of=dt.date(2025, 4, 30), backup=False)
    assert report.backup is None and report.ledger_written
    assert sorted(p.name for p in ledger.parent.iterdir()) == ["整改台账.xlsx", "整改台账.xlsx.lock"]


def test_ledger_path_that_does_not_exist_yet_is_created(
    run: Run, findings_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "台账" / "2025 整改台账.xlsx"
    report = run([], [findings_file], ledger=target)
    assert report.ledger == target and target.exists() and report.backup is None


def test_existing_ledger_in_out_folder_is_not_overwritten(
    run: Run, findings_file: Path, tmp_path: Path
) -> None:
    ledger = run([], [findings_file]).ledger
    before = ledger.read_bytes()
    with pytest.raises(UsageError) as exc:
        run([], [findings_file])
    assert exc.value.message == f"输出文件夹中已有整改台账“{ledger}”;如需在其基础上更新,请用 --ledger 指定它"
    assert ledger.read_bytes() == before


def test_nothing_to_do(run: Run) -> None:
    with pytest.raises(UsageError) as exc:
        run([], [])
    assert exc.value.message == "请至少提供评分结果、督查发现问题清单(--findings)或已有台账(--ledger)之一"


def test_workbook_results_need_a_scorer(run: Run, findings_file: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as exc:
        run([findings_file], [])
    assert exc.value.message == (
        f"“{findings_file}”不是评分结果 JSON;请先用 assess score --format json 评分,再把输出的 JSON 文件交给 assess rectify"
    )
    from .conftest import standard_results

    seen: list[list[Path]] = []

    def scorer(paths: list[Path]) -> list[dict[str, object]]:
        seen.append(paths)
        return [u.to_dict() for u in standard_results()]

    report = run([tmp_path / "浏阳市.xlsx"], [], scorer=scorer)
    assert seen == [[tmp_path / "浏阳市.xlsx"]] and len(report.stats.added) == 5


def test_ledger_open_in_excel_gives_output_error(
    run: Run, findings_file: Path, results_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = run([], [findings_file]).ledger
    before = ledger.read_bytes()
    real = os.replace

    def locked(src: object, dst: object) -> None:
        if Path(str(dst)) == ledger:
            raise PermissionError(13, "Permission denied")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", locked)
    monkeypatch.setattr("assess.render.atomic._REPLACE_WAIT", 0.0)
    with pytest.raises(OutputError) as exc:
        run(
            [results_file],
            [],
            ledger=ledger,
            as_of=AS_OF + dt.timedelta(days=1),
            backup=False,
        )
    assert exc.value.message == f"无法写入“{ledger}”:文件可能正在被 Excel 或 WPS 打开,请关闭后重试"
    assert ledger.read_bytes() == before
    with LedgerLock(ledger, timeout=0):  # released: the next run may go on at once
        pass
    # no temp file, no backup of the unchanged ledger; the lock file stays
    assert sorted(p.name for p in ledger.parent.iterdir()) == ["整改台账.xlsx", lock_path(ledger).name]


def test_bad_layout(run: Run, findings_file: Path) -> None:
    with pytest.raises(UsageError) as exc:
        run([], [findings_file], layout="wide")
    assert exc.value.message == "--layout 应为 single 或 per-unit,而不是“wide”"
