"""``assess serve`` on the command line: help, lazy imports, codes, addresses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from assess.errors import UsageError
from assess.serve.run import is_loopback, office_code

ROOT = Path(__file__).resolve().parents[2]


def test_serve_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assess", "serve", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0
    assert "--folder" in done.stdout and "--unit-codes" in done.stdout


def test_cli_does_not_import_the_web_stack() -> None:
    code = "import sys, assess.cli; print(sorted(m for m in ('starlette', 'uvicorn', 'multipart', 'assess.serve.app') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_office_code_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "code.txt"
    path.write_text("ABCD-EFGH-2345\n", encoding="utf-8")
    assert office_code(path) == ("ABCD-EFGH-2345", False)
    path.write_text("short\n", encoding="utf-8")
    with pytest.raises(UsageError, match="办公室的访问码至少要有 8 个字符"):
        office_code(path)
    generated, new = office_code(None)
    assert new and len(generated) == 14


def test_unit_codes_sheet_writes_text_never_formulas(tmp_path: Path) -> None:
    from assess.serve.auth import Codes
    from assess.serve.unit_codes import make_unit_codes

    sheet, codes = make_unit_codes(tmp_path, ['=HYPERLINK("x")', "浏阳市"], "http://192.0.2.1:8000/")
    ws = openpyxl.load_workbook(sheet).active
    assert ws["A3"].value == '=HYPERLINK("x")' and ws["A3"].data_type == "s"
    assert ws["B4"].value == codes["浏阳市"]
    known = Codes("OFFICE-CODE-99", tmp_path / "访问码.json")
    assert known.match(codes["浏阳市"].lower()) == ("unit", "浏阳市")
    assert known.match("OFFICE CODE 99") == ("office", None)
    assert known.match("nothing") is None
