"""How tests/docs/doc_commands.py reads the commands of a document, and the commands the docs only mention.

The second part checks what does not run: each ``assess …`` written inline in the prose (``assess check
[--strict] 方案.yaml``) and each command of a block marked ``skip`` names a real command and real options,
so a renamed option cannot stay in the docs.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.docs.doc_commands import DocError, doc_name, documents, read_blocks


def blocks_of(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    doc = tmp_path / "doc.md"
    doc.write_text(text, encoding="utf-8")
    return read_blocks(doc)


def steps_of(tmp_path: Path, text: str) -> list[list[str]]:
    return [step.args for block in blocks_of(tmp_path, text) for _, step in block.assess_steps]


def test_languages_prompts_and_output(tmp_path: Path) -> None:
    text = (
        "```bash\nassess schemes\n# 注释\n已生成:x\n```\n"
        "```console\n$ assess check -s county-2024 examples/counties\nassess 的输出行\n```\n"
        "```text\n├── 模板/ assess template 生成\n$ assess schema\n```\n"
        "```yaml\nassess: 1\n```\n"
        "```\n生成这些来源的模板:assess template -s x\nassess rank -s county-2024 a  # 说明\n```\n"
    )
    assert steps_of(tmp_path, text) == [
        ["schemes"],
        ["check", "-s", "county-2024", "examples/counties"],
        ["schema"],
        ["rank", "-s", "county-2024", "a"],
    ]


def test_continuations_and_chains(tmp_path: Path) -> None:
    text = (
        "```sh\nassess rank -s county-2024 \\\n  examples/counties \\\n  -o 'out/排名 1.html'\n```\n"
        "```powershell\n.venv\\Scripts\\assess score -s county-2024 `\n  examples\\counties\n```\n"
        "```bat\nassess diff county-2023 ^\n  county-2024\n```\n"
        "```bash\npython3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/assess schemes ; "
        "python -m assess schema | head\n```\n"
    )
    assert steps_of(tmp_path, text) == [
        ["rank", "-s", "county-2024", "examples/counties", "-o", "out/排名 1.html"],
        ["score", "-s", "county-2024", "examples\\counties"],
        ["diff", "county-2023", "county-2024"],
        ["schemes"],
        ["schema"],
    ]


def test_cd_and_cp_are_steps(tmp_path: Path) -> None:
    (block,) = blocks_of(tmp_path, "```\ncp -r examples/整改 整改示例 && cd 整改示例\nassess schemes\n```\n")
    assert [s.kind for c in block.commands for s in c.steps] == ["cp", "cd", "assess"]
    assert block.commands[0].steps[0].args == ["examples/整改", "整改示例"]


def test_markers(tmp_path: Path) -> None:
    text = (
        "<!-- cmd: exit=1,0 cwd=examples/整改 copy=a.xlsx:b.xlsx remove=c.xlsx -->\n\n"
        "```bash\nassess rank x\nassess rectify y\n```\n"
        "<!-- cmd: skip 启动服务 -->\n```bash\nassess serve\n```\n"
        "<!-- cmd: skip 运行全部测试 -->\n```bash\npython -m pytest\n```\n"
    )
    first, second, third = blocks_of(tmp_path, text)
    assert first.marker is not None
    assert (first.marker.exits, first.marker.cwd, first.marker.copies, first.marker.removes) == (
        [1, 0],
        "examples/整改",
        [("a.xlsx", "b.xlsx")],
        ["c.xlsx"],
    )
    assert second.marker is not None and second.marker.skip == "启动服务"
    assert third.marker is not None and third.marker.skip == "运行全部测试" and not third.commands


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("<!-- cmd: skip -->\n```bash\nassess serve\n```\n", "须写明不运行的理由"),
        ("<!-- cmd: exit=1 -->\n正文\n```bash\nassess schemes\n```\n", "须紧接在代码块之前"),
        ("<!-- cmd: exit=1 -->\n", "标记之后没有代码块"),
        ("<!-- cmd: exit=x -->\n```bash\nassess schemes\n```\n", "exit= 须为退出码"),
        ("<!-- cmd: wait=3 -->\n```bash\nassess schemes\n```\n", "没有“wait”这一项"),
        ("<!-- cmd: exit=1,1 -->\n```bash\nassess schemes\n```\n", "给了 2 个退出码"),
        ("<!-- cmd: exit=1 -->\n```yaml\na: 1\n```\n", "不含命令"),
        ("<!-- cmd: exit=1 -->\n```bash\npython x.py\n```\n", "没有 assess 命令"),
    ],
)
def test_marker_mistakes_name_the_line(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(DocError, match=re.escape(says)) as caught:
        blocks_of(tmp_path, text)
    assert str(caught.value).startswith("doc.md:1: ")


# ---- commands that are not run: inline in the prose, or in a block marked skip ----------------------

INLINE = re.compile(r"`(assess [^`\n]+)`")


def _mentions() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for doc in documents():
        text = doc.read_text(encoding="utf-8")
        rel = doc_name(doc)
        for m in INLINE.finditer(text):
            found.append((f"{rel}:{text.count(chr(10), 0, m.start()) + 1}", m.group(1).replace("\\|", "|")))
        for block in read_blocks(doc):
            if block.marker and block.marker.skip:
                found += [(c.where, "assess " + shlex.join(s.args)) for c, s in block.assess_steps]
    return found


def test_commands_not_run_name_real_commands_and_options() -> None:
    from assess.cli import main

    wrong: list[str] = []
    for where, text in _mentions():
        try:
            words = shlex.split(text)
        except ValueError:
            words = text.split()
        if len(words) < 2 or words[1].startswith("-") or not words[1].isascii():
            continue  # `assess --help`, or a placeholder such as `assess 命令 --help`
        command = main.commands.get(words[1])
        if command is None:
            wrong.append(f"{where}: 没有命令 assess {words[1]}:{text}")
            continue
        options = {"-h", "--help"} | {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        for word in words[2:]:
            for option in re.findall(r"(?:^|[\[(|])(--?[A-Za-z][\w-]*)", word):
                if option not in options:
                    wrong.append(f"{where}: assess {words[1]} 没有选项 {option}:{text}")
    assert not wrong, "文档中的命令写了不存在的命令或选项:\n" + "\n".join(wrong)
