"""Rank all with progress and downloads; score sheets; explain; rectification."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from tests.serve.conftest import ROOT, Client

SOURCES = {"财政": "财政", "统计": "统计", "第三方": "第三方", "目标": "目标", "督查": "督查"}


@pytest.fixture
def ranked(office: Client) -> Client:
    """Every county and every source collected, then ranked."""
    names = sorted(p.name for p in (ROOT / "examples" / "counties").iterdir())
    office.upload(*[(n, (ROOT / "examples" / "counties" / n).read_bytes()) for n in names])
    for sid, folder in SOURCES.items():
        data = next((ROOT / "examples" / folder).glob("*.xlsx"))
        receipt = office.upload((data.name, data.read_bytes()), source=sid).json()["receipts"][0]
        assert receipt["state"] == "已通过", receipt
    start = office.post("/results/rank", headers={"accept": "application/json"})
    assert start.status_code == 202
    job = office.server.jobs.wait(office.server.jobs.get(start.json()["id"]), timeout=300)
    assert job.state == "已完成", job.error
    return office


def test_rank_all_with_progress_and_downloads(ranked: Client) -> None:
    job = ranked.server.jobs.latest("rank")
    status = ranked.get(f"/jobs/{job.id}").json()
    assert (status["state"], status["percent"]) == ("已完成", 100)
    page = ranked.get("/results")
    assert page.text.count('data-testid="ranking-row"') == 12  # 永顺县 and 泸溪县 have problems
    assert "浏阳市" in page.text
    for suffix in ("json", "html", "xlsx", "doc"):
        reply = ranked.get(f"/results/file?name=考核结果排名.{suffix}")
        assert reply.status_code == 200, suffix
    from assess.render.office import find_soffice

    if find_soffice():  # .docx and .pdf as the command line writes them where LibreOffice is installed
        assert ranked.get("/results/file?name=考核结果排名.pdf").content.startswith(b"%PDF")
        assert ranked.get("/results/file?name=考核结果排名.docx").content.startswith(b"PK")
    doc = json.loads(ranked.get("/results/file?name=考核结果排名.json").content)
    assert doc["format"].startswith("assess.rank")
    sheet = ranked.get("/results/sheet?unit=浏阳市&view=1")
    assert sheet.status_code == 200
    assert sheet.headers["content-disposition"].startswith("inline")
    assert "计分依据" in sheet.text or "得分" in sheet.text
    xlsx = ranked.get("/results/sheet?unit=浏阳市&format=xlsx")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames
    # what the page wrote, the command line reads as its own outputs
    assert (ranked.folder / "输出" / "排名" / "考核结果排名.html").is_file()
    lines = (ranked.folder / "审计日志.jsonl").read_text(encoding="utf-8")
    assert '"action":"排名"' in lines and '"sha256"' in lines


def test_explain_a_unit(ranked: Client) -> None:
    page = ranked.get("/results/explain?unit=韶山市")
    assert page.status_code == 200
    assert 'data-testid="explain-text"' in page.text
    assert "韶山市" in page.text
    assert ranked.get("/results/explain/file?unit=韶山市").status_code == 200
    assert ranked.get("/results/explain?unit=不存在").status_code == 404


def test_publish_needs_a_ranking(office: Client) -> None:
    reply = office.post("/results/publish", {"publish": "1"}, headers={"accept": "application/json"})
    assert (reply.status_code, reply.json()) == (409, {"error": "还没有排名结果,无法发布"})


def test_ranking_without_accepted_data_says_why(office: Client) -> None:
    start = office.post("/results/rank", headers={"accept": "application/json"})
    job = office.server.jobs.wait(office.server.jobs.get(start.json()["id"]))
    assert job.state == "出错"
    assert job.error == "还没有已通过的提交,无法评分;请先在“数据收集”页上传并通过检查"


def test_rectify_round(ranked: Client) -> None:
    findings = ROOT / "examples" / "督查" / "督查暗访和审计发现问题清单.xlsx"
    page = ranked.post("/rectify/findings", files=[("file", ("问题清单.xlsx", findings.read_bytes()))])
    assert page.status_code == 200, page.text[:2000]
    assert 'data-ok="1"' in page.text
    assert 'data-testid="rectify-progress"' in page.text
    ledger = ranked.get("/rectify/file?name=整改台账.xlsx")
    assert ledger.status_code == 200
    # a hand edit: the first problem row gets a 责任人
    wb = openpyxl.load_workbook(io.BytesIO(ledger.content))
    ws = wb["整改台账"]
    header_row, column = _find(ws, "责任人")
    ws.cell(header_row + 1, column).value = "张三"
    out = io.BytesIO()
    wb.save(out)
    page = ranked.post("/rectify/ledger", files=[("file", ("整改台账(已填).xlsx", out.getvalue()))])
    assert page.status_code == 200, page.text[:2000]
    assert "原台账已备份为" in page.text
    kept = openpyxl.load_workbook(ranked.folder / "整改" / "整改台账.xlsx")
    ws = kept["整改台账"]
    assert ws.cell(header_row + 1, column).value == "张三"
    assert 'data-testid="progress-units"' in page.text
    broken = ranked.post("/rectify/ledger", files=[("file", ("坏.xlsx", b"PK\x03\x04broken"))])
    assert broken.status_code == 422
    assert "未采用" in broken.text


def _find(ws: object, title: str) -> tuple[int, int]:
    for row in ws.iter_rows(min_row=1, max_row=10):  # type: ignore[attr-defined]
        for cell in row:
            if cell.value == title:
                return cell.row, cell.column
    raise AssertionError(title)


def test_the_cli_can_rank_the_accepted_folder(ranked: Client, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from assess.cli import main

    result = CliRunner().invoke(
        main,
        ["rank", "-s", "county-2024", str(ranked.folder / "已通过"), "-o", str(tmp_path / "r.json"), "-q"],
    )
    assert result.exit_code in (0, 1), result.output
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    ours = json.loads((ranked.folder / "输出" / "排名" / "考核结果排名.json").read_text(encoding="utf-8"))
    assert [(u["unit"], u["total"]) for u in doc["units"]] == [(u["unit"], u["total"]) for u in ours["units"]]


def test_one_ranking_reads_one_snapshot_of_the_accepted_files(ranked: Client) -> None:
    """Every format of the ranking and every score sheet come from one reading."""
    folder = ranked.folder / "输出" / "排名"
    doc = json.loads((folder / "考核结果排名.json").read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(folder / "考核结果排名.xlsx", read_only=True)
    shown = {str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}
    assert {u["unit"] for u in doc["units"]} <= shown
    assert not list(ranked.folder.glob(".排名快照-*"))  # removed after the job
    job = ranked.server.jobs.latest("rank")
    assert not any(str(ranked.folder) in m for m in job.messages)  # paths relative to the folder


def test_snapshot_keeps_the_files_as_they_were(tmp_path: Path) -> None:
    import os

    from assess.serve.work import snapshot

    accepted = tmp_path / "已通过"
    (accepted / "财政").mkdir(parents=True)
    (accepted / "浏阳市.xls").write_bytes(b"old xls")
    os.utime(accepted / "浏阳市.xls", (1, 1))
    (accepted / "浏阳市.xlsx").write_bytes(b"first")
    (accepted / "财政" / "财政.xlsx").write_bytes(b"source")
    with snapshot(accepted) as seen:
        assert seen.name == "已通过" and seen.parent.name.startswith(".排名快照-")
        (tmp_path / "new.xlsx").write_bytes(b"second")
        os.replace(tmp_path / "new.xlsx", accepted / "浏阳市.xlsx")  # a county's upload lands
        assert sorted(p.relative_to(seen).as_posix() for p in seen.rglob("*.xls*")) == [
            "浏阳市.xlsx",  # the newer of a unit's two files only
            "财政/财政.xlsx",
        ]
        assert (seen / "浏阳市.xlsx").read_bytes() == b"first"
    assert not seen.parent.exists()
    assert (accepted / "浏阳市.xlsx").read_bytes() == b"second"
