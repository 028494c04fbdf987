"""Every ``assess`` command shown in README.md and docs/*.md runs, and ends with the exit code the docs imply.

Each document runs in its own copy of the repository's examples/ and indicators/, its commands in the
order they appear (later commands read what earlier ones wrote). A command ends with exit code 0, or
with the code its block's marker gives (``<!-- cmd: exit=1 -->`` where the example data has findings);
``<!-- cmd: skip 理由 -->`` leaves out a block that cannot run in a test. See tests/docs/doc_commands.py
for what counts as a command and the markers.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.docs.doc_commands import ROOT, Block, Command, DocError, Step, doc_name, documents, read_blocks

# what a document's commands may refer to, copied into each document's folder
COPIED = ("examples", "indicators")
# a server runs until stopped: such a block needs <!-- cmd: skip … -->
LONG_RUNNING = {"serve"}


def _doc_id(doc: Path) -> str:
    return doc_name(doc)


def _run(args: list[str]) -> tuple[int, str]:
    from assess.cli import main

    result = CliRunner().invoke(main, args, prog_name="assess")
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        output += "".join(traceback.format_exception(result.exception))
        return -1, output
    return result.exit_code, output


def _inside(root: Path, base: Path, rel: str, where: str) -> Path:
    """``rel`` from ``base``, which must stay in the document's folder ``root``."""
    if Path(rel).is_absolute() or rel.startswith("~"):
        raise DocError(f"{where}: 命令中的绝对路径“{rel}”:文档中的命令请写相对路径,以便在任何文件夹中照做")
    target = (base / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        raise DocError(f"{where}: 路径“{rel}”在示例的文件夹以外")
    return target


def _check_paths(step: Step, where: str) -> None:
    for arg in step.args:
        value = arg.partition("=")[2] if arg.startswith("--") else arg
        for part in (arg, value):
            if part.startswith(("/", "~")) or (len(part) > 2 and part[1] == ":" and part[2] in "\\/"):
                raise DocError(
                    f"{where}: 命令中的绝对路径“{part}”:文档中的命令请写相对路径,以便在任何文件夹中照做"
                )


def _prepare(block: Block, root: Path) -> Path:
    marker = block.marker
    where = f"{_doc_id(block.doc)}:{marker.line if marker else block.line}"
    cwd = _inside(root, root, marker.cwd, where) if marker and marker.cwd else root
    if not cwd.is_dir():
        raise DocError(f"{where}: cwd= 的文件夹“{marker.cwd if marker else ''}”不存在")
    if marker:
        for src, dst in marker.copies:
            shutil.copy2(_inside(root, cwd, src, where), _inside(root, cwd, dst, where))
        for name in marker.removes:
            _inside(root, cwd, name, where).unlink()
    return cwd


def _expected(block: Block, index: int) -> int:
    exits = block.marker.exits if block.marker else []
    if not exits:
        return 0
    return exits[0] if len(exits) == 1 else exits[index]


def run_document(doc: Path, root: Path) -> tuple[int, list[str], list[str]]:
    """Run one document's commands in ``root``: (commands run, failures, skipped blocks)."""
    for name in COPIED:
        shutil.copytree(ROOT / name, root / name)
    failures: list[str] = []
    skipped: list[str] = []
    ran = 0
    before = Path.cwd()
    try:
        for block in read_blocks(doc):
            if block.marker and block.marker.skip:
                skipped.append(f"{_doc_id(doc)}:{block.line}: {block.marker.skip}")
                continue
            try:
                ran += _run_block(block, root, failures)
            except DocError as exc:  # the rest of this block cannot run as shown; the next blocks still do
                failures.append(str(exc))
    finally:
        os.chdir(before)
    return ran, failures, skipped


def _run_block(block: Block, root: Path, failures: list[str]) -> int:
    cwd = _prepare(block, root)
    ran = 0
    for command in block.commands:
        for step in command.steps:
            os.chdir(cwd)
            if step.kind == "cd":
                cwd = _inside(root, cwd, step.args[0], command.where)
            elif step.kind == "cp":
                if len(step.args) != 2:
                    raise DocError(f"{command.where}: 看不懂复制命令:{step.text}")
                src, dst = (_inside(root, cwd, a, command.where) for a in step.args)
                if src.is_dir():
                    shutil.copytree(src, dst)
                else:
                    shutil.copy2(src, dst)
            elif step.kind == "assess":
                failure = _run_step(command, step, _expected(block, ran))
                ran += 1
                if failure:
                    failures.append(failure)
    return ran


def _run_step(command: Command, step: Step, expected: int) -> str | None:
    try:
        _check_paths(step, command.where)
    except DocError as exc:
        return str(exc)
    if step.args and step.args[0] in LONG_RUNNING and not {"-h", "--help"} & set(step.args):
        return (
            f"{command.where}: assess {step.args[0]} 启动后一直运行,不能在测试中运行;"
            f"请在代码块前加 <!-- cmd: skip 理由 -->\n  $ {step.text}"
        )
    started = time.perf_counter()
    code, output = _run(step.args)
    took = time.perf_counter() - started
    if code == expected:
        return None
    shown = output if len(output) < 6000 else output[:3000] + "\n……\n" + output[-3000:]
    return (
        f"{command.where}: 退出码 {code},文档所示应为 {expected}({took:.1f} 秒)\n"
        f"  $ {step.text}\n" + "\n".join("    " + line for line in shown.splitlines())
    )


@pytest.mark.parametrize("doc", documents(), ids=_doc_id)
def test_doc_commands(doc: Path, tmp_path: Path) -> None:
    ran, failures, skipped = run_document(doc, tmp_path)
    for line in skipped:
        print(f"未运行 {line}")
    print(f"{_doc_id(doc)}:运行 {ran} 条命令")
    assert not failures, f"{_doc_id(doc)} 中有 {len(failures)} 条命令不能照做:\n\n" + "\n\n".join(failures)


def test_every_block_is_understood() -> None:
    """Markers are well formed and sit before a block; skips give a reason (read_blocks raises otherwise)."""
    total = sum(len(b.assess_steps) for doc in documents() for b in read_blocks(doc))
    assert total > 0
