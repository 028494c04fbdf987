"""Scheme choice and check, collection states, receipts, versions, templates."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl

from assess.commands.common import sha256_file
from tests.serve.conftest import ROOT, Client, county


def broken(name: str, cell: str = "D12", value: str = "很多") -> bytes:
    """A county's workbook with words where a number belongs (made here, with openpyxl)."""
    wb = openpyxl.load_workbook(io.BytesIO(county(name)))
    wb["指标数据"][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_scheme_page_shows_the_summary(office: Client) -> None:
    page = office.get("/scheme")
    assert page.status_code == 200
    assert 'id="scheme-summary"' in page.text
    assert "巩固拓展脱贫攻坚成果" in page.text  # a category
    assert "重点帮扶县" in page.text  # a group
    assert "省财政厅《衔接资金支付进度表》" in page.text  # a source
    assert "参评单位 14 个" in page.text


def test_uploaded_scheme_is_checked_with_line_and_column(office: Client) -> None:
    text = (ROOT / "indicators" / "county-2024.yaml").read_text(encoding="utf-8")
    bad = text.replace("full_score: 100", "full_score: -5", 1)
    assert bad != text
    page = office.post("/scheme/upload", files=[("file", ("我的方案.yaml", bad.encode()))])
    assert page.status_code == 422
    assert "有错误,未启用" in page.text
    assert 'data-testid="scheme-upload-findings"' in page.text
    line = next(i for i, ln in enumerate(bad.splitlines(), 1) if ln.startswith("full_score"))
    assert f"第 {line} 行第 " in page.text
    assert office.server.store.scheme_ref() == "county-2024"  # not adopted
    good = office.post("/scheme/upload", files=[("file", ("我的方案.yaml", text.encode()))])
    assert good.status_code == 200
    assert "检查通过,已启用" in good.text
    assert office.server.store.scheme_ref() == str(office.folder / "方案.yaml")
    assert len(list((office.folder / "方案" / "上传").glob("*.yaml"))) == 2  # both kept


def test_receipts_and_states(office: Client) -> None:
    reply = office.upload(("浏阳市.xlsx", county("浏阳市")), ("永顺县.xlsx", county("永顺县")))
    assert reply.status_code == 200
    by_name = {r["name"]: r for r in reply.json()["receipts"]}
    assert by_name["浏阳市.xlsx"]["state"] == "已通过"
    assert by_name["浏阳市.xlsx"]["findings"] == []
    problem = by_name["永顺县.xlsx"]
    assert problem["state"] == "有问题"
    assert [(f["sheet"], f["cell"], f["message"]) for f in problem["findings"]] == [
        ("指标数据", "D14", "“监测对象识别纳入平均时限”未填写(不适用的请填“不适用”)")
    ]
    page = office.get("/collect")
    assert 'data-unit="浏阳市" data-state="已通过"' in page.text
    assert 'data-unit="永顺县" data-state="有问题"' in page.text
    assert 'data-unit="宁乡市" data-state="未提交"' in page.text
    assert (office.folder / "已通过" / "浏阳市.xlsx").is_file()
    assert not (office.folder / "已通过" / "永顺县.xlsx").exists()


def test_html_receipts_without_javascript(office: Client) -> None:
    page = office.post("/collect/upload", files=[("files", ("永顺县.xlsx", county("永顺县")))])
    assert page.status_code == 200
    assert 'data-testid="receipt" data-state="有问题"' in page.text
    assert "D14" in page.text


def test_a_broken_copy_names_sheet_and_cell(office: Client) -> None:
    reply = office.upload(("浏阳市(改).xlsx", broken("浏阳市")))
    receipt = reply.json()["receipts"][0]
    assert receipt["state"] == "有问题"
    assert any(f["sheet"] == "指标数据" and f["cell"] == "D12" for f in receipt["findings"])


def test_versions_are_kept_and_the_latest_accepted_counts(office: Client) -> None:
    first = office.upload(("浏阳市.xlsx", county("浏阳市"))).json()["receipts"][0]
    second = office.upload(("浏阳市.xlsx", broken("浏阳市"))).json()["receipts"][0]
    assert (first["state"], second["state"]) == ("已通过", "有问题")
    folder = office.folder / "提交" / "浏阳市"
    record = json.loads((folder / "提交记录.json").read_text(encoding="utf-8"))
    assert [v["id"] for v in record["versions"]] == [first["version"], second["version"]]
    assert record["accepted"] == first["version"]
    stored = sorted(p for p in folder.iterdir() if p.suffix == ".xlsx")
    assert len(stored) == 2  # never overwritten
    counted = office.folder / "已通过" / "浏阳市.xlsx"
    assert sha256_file(counted) == record["versions"][0]["sha256"]
    page = office.get("/collect/versions?unit=浏阳市")
    assert page.text.count('data-testid="version"') == 2
    assert 'id="counted"' in page.text
    assert 'data-state="有问题"' in office.get("/collect").text.split('data-unit="浏阳市"')[1][:40]
    download = office.get(f"/collect/file?unit=浏阳市&v={first['version']}")
    assert download.status_code == 200
    assert download.content == county("浏阳市")
    third = office.upload(("浏阳市-第三版.xlsx", county("浏阳市"))).json()["receipts"][0]
    record = json.loads((folder / "提交记录.json").read_text(encoding="utf-8"))
    assert record["accepted"] == third["version"]


def test_a_damaged_record_is_never_written_over(office: Client) -> None:
    office.upload(("浏阳市.xlsx", county("浏阳市")))
    record = office.folder / "提交" / "浏阳市" / "提交记录.json"
    record.write_text('{"versions": [', encoding="utf-8")  # cut short by hand or by a full disk
    (receipt,) = office.upload(("浏阳市.xlsx", county("浏阳市"))).json()["receipts"]
    assert receipt["state"] == "未接收"
    assert receipt["message"] == (
        f"提交记录“{record}”已损坏,无法读取;为免丢失其中的历次提交,本次上传未保存。"
        "请从备份恢复这个文件,或把它移到别处后重新上传(已保存的文件都还在同一文件夹中)"
    )
    assert record.read_text(encoding="utf-8") == '{"versions": ['
    assert len([p for p in record.parent.iterdir() if p.suffix == ".xlsx"]) == 1


def test_a_unit_not_in_the_scheme_is_filed_apart(office: Client) -> None:
    from tests.serve.conftest import make_client

    reply = office.upload(("汇总表.xlsx", (ROOT / "examples" / "汇总表.xlsx").read_bytes()))
    receipt = reply.json()["receipts"][0]
    assert receipt["state"] == "有问题"
    assert receipt["slot"] == "未识别"
    assert any(f["code"] == "serve-several-units" for f in receipt["findings"])
    assert make_client  # the fixture module is importable on its own


def test_template_download(office: Client) -> None:
    response = office.get("/collect/template?unit=浏阳市")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames
    assert office.get("/collect/template?unit=不存在县").status_code == 404


def test_source_upload_and_state(office: Client) -> None:
    data = (ROOT / "examples" / "财政" / "衔接资金支付进度表.xlsx").read_bytes()
    receipt = office.upload(("支付进度.xlsx", data), source="财政").json()["receipts"][0]
    assert receipt["state"] == "已通过"
    assert len(receipt["units"]) == 14
    assert (office.folder / "已通过" / "财政" / "财政.xlsx").is_file()
    page = office.get("/collect")
    assert 'data-source="财政" data-state="已通过"' in page.text
    assert 'data-source="统计" data-state="未提交"' in page.text
    unknown = office.upload(("x.xlsx", data), source="不存在")
    assert unknown.status_code == 400
    assert unknown.json() == {"error": "方案中没有数据来源“不存在”"}


def test_wrong_file_type_is_not_kept(office: Client) -> None:
    receipt = office.upload(("说明.docx", b"PK\x03\x04 not a workbook")).json()["receipts"][0]
    assert receipt["state"] == "未接收"
    assert receipt["message"] == "只接受 .xlsx .xls .xlsm .xlsb .ods .csv 格式的工作簿,未保存"
    assert not any(p.is_file() for p in (office.folder / "提交").rglob("*.docx"))


def test_a_damaged_workbook_gets_a_receipt(office: Client) -> None:
    receipt = office.upload(("坏文件.xlsx", b"PK\x03\x04" + b"\0" * 100)).json()["receipts"][0]
    assert receipt["state"] == "有问题"
    assert receipt["findings"]
    assert all(isinstance(Path(f["file"]).name, str) for f in receipt["findings"])
