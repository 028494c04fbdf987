"""Atomic writes and safe file names."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Self

import pytest

from assess.errors import OutputError
from assess.render import atomic
from assess.render.atomic import atomic_path, safe_filename, write_atomic


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_write_text_and_bytes(tmp_path: Path) -> None:
    target = tmp_path / "排名.html"
    write_atomic(target, "考核")
    assert target.read_text(encoding="utf-8") == "考核"
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    write_atomic(target, "考核", encoding="gb18030")
    assert target.read_bytes() == "考核".encode("gb18030")
    assert _leftovers(tmp_path) == []


def test_failure_mid_write_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "通报.doc"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half of the new")
        raise RuntimeError("renderer crashed")
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_atomic_path_for_libraries(tmp_path: Path) -> None:
    target = tmp_path / "a.bin"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_bytes(b"new")
        assert not target.exists()
    assert target.read_bytes() == b"new"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_outputs_get_ordinary_permissions(tmp_path: Path) -> None:
    # mkstemp makes files readable by their owner only; a document or a ledger on a
    # shared folder must stay readable by colleagues, as with any other program.
    old = os.umask(0o022)
    try:
        target = write_atomic(tmp_path / "排名.html", "考核")
        assert target.stat().st_mode & 0o777 == 0o644
        target.chmod(0o664)
        write_atomic(target, "新")
        assert target.stat().st_mode & 0o777 == 0o664
    finally:
        os.umask(old)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="不存在") as info:
        write_atomic(tmp_path / "nope" / "a.html", "x")
    assert "nope" in str(info.value.message)


def test_folder_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="不是文件夹"):
        write_atomic(tmp_path / "f" / "a.html", "x")


def test_locked_file_windows_style(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.replace over a file open in Excel/WPS raises PermissionError on Windows."""
    target = tmp_path / "排名.xlsx"
    target.write_bytes(b"old")
    calls = []

    def locked(src: object, dst: object) -> None:
        calls.append(1)
        raise PermissionError(13, "being used by another process")

    monkeypatch.setattr(atomic.os, "replace", locked)
    monkeypatch.setattr(atomic, "_REPLACE_WAIT", 0.0)
    with pytest.raises(OutputError) as info:
        write_atomic(target, b"new")
    assert "可能正在被 Excel 或 WPS 打开,请关闭后重试" in info.value.message
    assert str(target) in info.value.message
    assert len(calls) == atomic._REPLACE_TRIES  # retried
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_lock_released_during_retries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.html"
    real = os.replace
    calls = []

    def flaky(src: str, dst: str) -> None:
        calls.append(1)
        if len(calls) < 3:
            raise PermissionError(13, "busy")
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky)
    monkeypatch.setattr(atomic, "_REPLACE_WAIT", 0.0)
    write_atomic(target, "ok")
    assert target.read_text(encoding="utf-8") == "ok"


def test_disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.html"
    target.write_text("old")
    real_open = open

    class Full:
        def __init__(self, *a: object, **k: object) -> None:
            self.fh = real_open(*a, **k)  # type: ignore[call-overload]

        def __enter__(self) -> Self:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "open", Full, raising=False)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unwritable_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="ro"):
            write_atomic(folder / "a.html", "x")
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("城关镇", "城关镇"),
        ("../../x", "x"),
        ("..", "未命名"),
        ("", "未命名"),
        ("   ", "未命名"),
        (None, "未命名"),
        ("CON", "CON_"),
        ("con.txt", "con.txt_"),
        ("LPT1", "LPT1_"),
        ("a/b", "a_b"),
        ("a\\b", "a_b"),
        ('x:*?"<>|y', "x_y"),
        ("name. ", "name"),
        ("tab\tname", "tab name"),
        ("C:\\Windows\\system32", "C_Windows_system32"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_long_and_unique(tmp_path: Path) -> None:
    long = "乡" * 200
    first = safe_filename(long)
    assert len(first) <= atomic.MAX_NAME_CHARS and len(first.encode()) <= atomic.MAX_NAME_BYTES
    taken: set[str] = set()
    names = [safe_filename(n, taken) for n in ("甲县", "甲县", "甲县", "ABC", "abc", long, long)]
    assert names[:5] == ["甲县", "甲县(2)", "甲县(3)", "ABC", "abc(2)"]
    assert names[5] != names[6] and names[6].endswith("(2)")
    assert len(taken) == 7
    for n in names:  # every one can be created, inside the folder
        path = tmp_path / f"{n}.html"
        path.write_text("x", encoding="utf-8")
        assert path.resolve().parent == tmp_path.resolve()


def test_safe_filename_never_escapes(tmp_path: Path) -> None:
    for evil in ("../../etc/passwd", "/abs/path", "..\\..\\win", "\x00nul", ".hidden", "a/../../b"):
        name = safe_filename(evil)
        assert "/" not in name and "\\" not in name and ".." not in name and "\x00" not in name
        assert (tmp_path / name).resolve().parent == tmp_path.resolve()


def test_copy_atomic_failure_names_what_it_protects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A backup that cannot be made stops the replacement, and leaves no temporary file."""
    import errno
    import shutil

    from assess.errors import OutputError
    from assess.render.atomic import copy_atomic

    source = tmp_path / "台账.xlsx"
    source.write_bytes(b"old")

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)
    with pytest.raises(OutputError) as caught:
        copy_atomic(source, tmp_path / "台账.备份.xlsx", "更新前无法备份台账({error}),台账未作任何修改")
    assert caught.value.message == "更新前无法备份台账(No space left on device),台账未作任何修改"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["台账.xlsx"]
