"""Files refused or recognised before calamine sees them, with the exact Chinese messages."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from wbfixtures import county_xlsx, encrypted_ole, patch_xlsx

from assess.errors import EncryptedFileError, UnsafeFileError, WorkbookError
from assess.workbook.read import open_book
from assess.workbook.safety import Limits, inspect_file, ole_stream_names


def _msg(exc: pytest.ExceptionInfo[WorkbookError]) -> str:
    return exc.value.message


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "空.xlsx"
    p.write_bytes(b"")
    with pytest.raises(WorkbookError) as e:
        open_book(p)
    assert _msg(e) == "无法读取“空.xlsx”:文件为空(0 字节),请重新导出或重新上传"
    assert e.value.location.file == str(p)


def test_random_bytes(tmp_path: Path) -> None:
    p = tmp_path / "乱码.xlsx"
    p.write_bytes(os.urandom(3000).replace(b"PK", b"pk"))
    with pytest.raises(WorkbookError) as e:
        open_book(p)
    assert _msg(e) == "无法读取“乱码.xlsx”:无法识别的文件格式(不是 Excel、WPS 或 CSV 文件),文件可能已损坏"


def test_truncated_zip(tmp_path: Path) -> None:
    good = county_xlsx(tmp_path / "好.xlsx")
    p = tmp_path / "半截.xlsx"
    p.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(WorkbookError) as e:
        open_book(p)
    assert _msg(e) == "无法读取“半截.xlsx”:文件已损坏或不完整(压缩包结构无法读取),请重新导出或重新上传"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError) as e:
        open_book(tmp_path / "无.xlsx")
    assert _msg(e) == "无法读取“无.xlsx”:文件不存在"


def test_encrypted_ole(tmp_path: Path) -> None:
    p = encrypted_ole(tmp_path / "加密.xlsx")
    assert {"EncryptionInfo", "EncryptedPackage"} <= ole_stream_names(p.open("rb"))
    with pytest.raises(EncryptedFileError) as e:
        open_book(p)
    assert _msg(e) == "无法读取“加密.xlsx”:文件已加密(设有打开密码),请在 Excel 或 WPS 中取消密码后另存再提交"
    assert e.value.code == "encrypted"


def test_zip_bomb_ratio(tmp_path: Path) -> None:
    p = county_xlsx(tmp_path / "炸弹.xlsx")
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(UnsafeFileError) as e:
        open_book(p)
    assert _msg(e).startswith("无法读取“炸弹.xlsx”:压缩比异常(")
    assert _msg(e).endswith(":1,xl/media/padding.bin),疑似压缩炸弹")


def test_zip_bomb_total(tmp_path: Path) -> None:
    p = county_xlsx(tmp_path / "大.xlsx")
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/a.bin", b"\0" * (3 * 1024 * 1024))
    limits = Limits(max_uncompressed_bytes=2 * 1024 * 1024)
    with pytest.raises(UnsafeFileError) as e:
        open_book(p, limits)
    assert _msg(e) == "无法读取“大.xlsx”:解压后总大小 3 MiB 超过上限 2 MiB,疑似压缩炸弹"


def test_file_size_limit(tmp_path: Path) -> None:
    p = county_xlsx(tmp_path / "县.xlsx")
    with pytest.raises(UnsafeFileError) as e:
        inspect_file(p, Limits(max_file_bytes=1024))
    assert "文件过大(" in _msg(e) and "上限 0 MiB" in _msg(e)


@pytest.mark.parametrize(
    "decl",
    [
        '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
        "<!--" + "填充" * 3000 + '--><!DOCTYPE x [<!ENTITY a "aaaa">]>',  # past the first look
    ],
)
def test_xxe_in_shared_strings(tmp_path: Path, decl: str) -> None:
    p = county_xlsx(tmp_path / "实体.xlsx")
    sst = f'<?xml version="1.0"?>{decl}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&a;</t></si></sst>'
    patch_xlsx(p, "", "", "", add={"xl/sharedStrings.xml": sst})
    with pytest.raises(UnsafeFileError) as e:
        open_book(p)
    assert (
        _msg(e)
        == "无法读取“实体.xlsx”:xl/sharedStrings.xml 含有 DTD/实体声明(可能是 XML 实体攻击),已拒绝读取"
    )


def test_html_saved_as_xls(tmp_path: Path) -> None:
    p = tmp_path / "导出.xls"
    p.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(WorkbookError) as e:
        open_book(p)
    assert (
        _msg(e)
        == "无法读取“导出.xls”:文件实际是网页(HTML)格式,不是真正的 Excel 工作簿,请在 Excel 或 WPS 中打开后另存为 .xlsx"
    )


def test_docx_renamed(tmp_path: Path) -> None:
    p = tmp_path / "文档.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    p.write_bytes(buf.getvalue())
    with pytest.raises(WorkbookError) as e:
        open_book(p)
    assert _msg(e) == "无法读取“文档.xlsx”:文件是 Word 文档,不是 Excel 工作簿"


def test_xlsx_renamed_xls_is_read(tmp_path: Path) -> None:
    p = county_xlsx(tmp_path / "县.xlsx")
    q = tmp_path / "改名.xls"
    shutil.copy(p, q)
    with open_book(q) as book:
        assert book.format == "xlsx"
        assert book.sheet_names == ["基本信息", "指标数据"]


def test_xls_renamed_xlsx_is_read(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("数据")
    ws.write(0, 0, "指标")
    ws.write(0, 1, 82.5)
    p = tmp_path / "旧.xlsx"
    wb.save(str(p))
    assert "Workbook" in ole_stream_names(p.open("rb"))
    with open_book(p) as book:
        assert book.format == "xls"
        assert book.rows("数据") == [["指标", 82.5]]
        assert not book.formats_known


def test_csv_with_nul_refused(tmp_path: Path) -> None:
    p = tmp_path / "坏.csv"
    p.write_bytes(b"a,b\x00\x01\x02")
    with pytest.raises(WorkbookError) as e:
        open_book(p)
    assert _msg(e) == "无法读取“坏.csv”:文件扩展名为 .csv,但内容不是文本"
