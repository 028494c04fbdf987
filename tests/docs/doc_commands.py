"""The ``assess …`` commands shown in README.md and docs/*.md, read from their fenced code blocks.

A command is a line (with its ``\\``, ``^`` or backtick continuations) in a ``bash``/``sh``/``shell``/
``console``/``powershell``/``cmd`` or unlabelled block that starts with ``assess`` (or a path ending in
``assess``, such as ``.venv/bin/assess``, or ``python -m assess``), optionally after a prompt (``$ ``,
``> ``, ``PS> ``). In ``console`` and ``text`` blocks only prompted lines are commands (the rest is
output). A line may chain several steps with ``&&``, ``||`` or ``;``: each ``assess`` step is a command;
``cd DIR`` and ``cp -r SRC DST`` steps are carried out (they set up the folder the next steps run in);
other programs (``python3 -m venv``, ``pip install``) are not run.

An HTML comment on the line before a block (blank lines between are allowed) tells the test how to run it:

- ``<!-- cmd: exit=1 -->``: every command of the block ends with exit code 1 (0 without a marker);
  ``exit=1,1,0`` gives each command's code in order;
- ``<!-- cmd: cwd=examples/整改 -->``: the block runs in that folder (relative to the copy of the repository);
- ``<!-- cmd: copy=SRC:DST -->`` (may repeat): copy a file in that folder before the block, e.g. to put back
  the ledger that the counties returned; ``remove=PATH`` deletes one;
- ``<!-- cmd: skip 理由 -->``: the block is not run (for what cannot run in a test, such as a server);
  the reason is required.

Keys combine: ``<!-- cmd: cwd=examples/整改 exit=1 -->``.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# languages whose blocks hold commands; the rest (yaml, json, css, jinja, …) never do
SHELL_LANGS = {
    "",
    "bash",
    "sh",
    "shell",
    "zsh",
    "console",
    "shell-session",
    "powershell",
    "ps",
    "ps1",
    "pwsh",
}
WINDOWS_LANGS = {"powershell", "ps", "ps1", "pwsh", "bat", "cmd", "batch", "doscon"}
PROMPT_ONLY_LANGS = {"console", "shell-session", "text", "doscon"}
COMMAND_LANGS = SHELL_LANGS | WINDOWS_LANGS | PROMPT_ONLY_LANGS

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[^\s`{]*)")
MARKER = re.compile(r"^\s*<!--\s*cmd:\s*(?P<body>.*?)\s*-->\s*$")
PROMPT = re.compile(r"^(?:\$|>|PS[^>]*>|C:\\[^>]*>)\s+")
SEPARATORS = {"&&", "||", ";", "|", "&"}


@dataclass
class Marker:
    """What the comment before a block says."""

    line: int
    skip: str | None = None
    exits: list[int] = field(default_factory=list)
    cwd: str = ""
    copies: list[tuple[str, str]] = field(default_factory=list)
    removes: list[str] = field(default_factory=list)


@dataclass
class Step:
    """One step of a command line: an assess command (``args`` without the program) or a shell step."""

    kind: str  # "assess", "cd", "cp" or "other"
    args: list[str]
    text: str


@dataclass
class Command:
    """One command line of a block, with the line it starts on."""

    doc: Path
    line: int
    text: str
    steps: list[Step]

    @property
    def where(self) -> str:
        return f"{doc_name(self.doc)}:{self.line}"


@dataclass
class Block:
    doc: Path
    line: int  # the opening fence
    lang: str
    marker: Marker | None
    commands: list[Command]

    @property
    def assess_steps(self) -> list[tuple[Command, Step]]:
        return [(c, s) for c in self.commands for s in c.steps if s.kind == "assess"]


class DocError(ValueError):
    """A marker or a command the test cannot understand (names the doc and line)."""


def parse_marker(body: str, line: int, where: str) -> Marker:
    marker = Marker(line=line)
    if body == "skip" or body.startswith("skip "):
        reason = body[4:].strip()
        if not reason:
            raise DocError(f"{where}: <!-- cmd: skip --> 须写明不运行的理由,如 <!-- cmd: skip 启动服务 -->")
        marker.skip = reason
        return marker
    for item in body.split():
        key, eq, value = item.partition("=")
        if not eq or not value:
            raise DocError(
                f"{where}: 看不懂标记中的“{item}”(可写 exit=N、cwd=文件夹、copy=源:目标、remove=文件、skip 理由)"
            )
        if key == "exit":
            try:
                marker.exits = [int(v) for v in value.split(",")]
            except ValueError:
                raise DocError(f"{where}: exit= 须为退出码,如 exit=1 或 exit=1,0") from None
        elif key == "cwd":
            marker.cwd = value
        elif key == "copy":
            src, colon, dst = value.partition(":")
            if not colon or not src or not dst:
                raise DocError(f"{where}: copy= 须写成 copy=源文件:目标文件")
            marker.copies.append((src, dst))
        elif key == "remove":
            marker.removes.append(value)
        else:
            raise DocError(f"{where}: 标记中没有“{key}”这一项(可写 exit、cwd、copy、remove、skip)")
    return marker


def _logical_lines(lines: list[tuple[int, str]], windows: bool) -> list[tuple[int, str]]:
    """Join continued lines (``\\`` for sh, ``^`` for cmd, a backtick for PowerShell)."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, raw in lines:
        text = raw.rstrip()
        start, sofar = pending if pending else (number, "")
        joined = f"{sofar} {text.strip()}" if pending else text
        cont = text.endswith(("^", "`")) if windows else text.endswith("\\")
        if cont:
            pending = (start, joined[:-1].rstrip())
        else:
            pending = None
            out.append((start, joined))
    if pending:
        out.append(pending)
    return out


def _is_assess(program: str) -> bool:
    name = re.split(r"[\\/]", program)[-1].lower()
    return name in {"assess", "assess.exe"}


def _split_steps(text: str, windows: bool, where: str) -> list[Step]:
    if windows:
        # cmd and PowerShell keep backslashes in paths; quotes are stripped by hand
        lexer = shlex.shlex(text, posix=False, punctuation_chars=";&|")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = [t[1:-1] if len(t) > 1 and t[0] == t[-1] and t[0] in "'\"" else t for t in lexer]
    else:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        try:
            tokens = list(lexer)
        except ValueError as exc:
            raise DocError(f"{where}: 命令无法按 shell 规则拆分({exc}):{text}") from None
    steps: list[Step] = []
    words: list[str] = []
    after_pipe = False

    def close() -> None:
        if words:
            steps.append(_step(words, after_pipe))

    for token in tokens + [";"]:
        if token in SEPARATORS:
            close()
            after_pipe = token == "|"
            words = []
        else:
            words.append(token)
    return steps


def _step(words: list[str], piped: bool) -> Step:
    text = shlex.join(words)
    if piped:  # `assess … | head`: the receiving program is not run
        return Step("other", words, text)
    if _is_assess(words[0]):
        return Step("assess", words[1:], text)
    if (
        len(words) >= 3
        and re.split(r"[\\/]", words[0])[-1].startswith("python")
        and words[1:3] == ["-m", "assess"]
    ):
        return Step("assess", words[3:], text)
    if words[0] == "cd" and len(words) == 2:
        return Step("cd", words[1:], text)
    if words[0] in {"cp", "copy", "Copy-Item"}:
        return Step("cp", [w for w in words[1:] if not w.startswith("-")], text)
    return Step("other", words, text)


def _command_line(text: str, lang: str) -> str | None:
    """The command on a line of a block, without its prompt; None for output, comments and prose."""
    stripped = text.strip()
    prompted = PROMPT.match(stripped)
    if prompted:
        stripped = stripped[prompted.end() :]
    elif lang in PROMPT_ONLY_LANGS:
        return None
    if not stripped or stripped.startswith("#"):
        return None
    if prompted or _runs_assess(stripped) or stripped.split(None, 1)[0] in {"cd", "cp"}:
        return stripped
    return None


def _runs_assess(line: str) -> bool:
    """A line of a shell block is a command if one of its steps starts with an assess program."""
    for part in re.split(r"&&|\|\||;", line):
        words = part.split()
        if not words:
            continue
        if _is_assess(words[0]):
            return True
        if re.split(r"[\\/]", words[0])[-1].startswith("python") and words[1:3] == ["-m", "assess"]:
            return True
    return False


def read_blocks(doc: Path) -> list[Block]:
    """The fenced blocks of one document that hold commands (in order), with their markers."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    rel = doc_name(doc)
    blocks: list[Block] = []
    i = 0
    last_marker: Marker | None = None
    while i < len(lines):
        line = lines[i]
        found = MARKER.match(line)
        if found:
            if last_marker is not None:
                raise DocError(f"{rel}:{last_marker.line}: 标记之后没有代码块")
            last_marker = parse_marker(found.group("body"), i + 1, f"{rel}:{i + 1}")
            i += 1
            continue
        opening = FENCE.match(line)
        if not opening:
            if line.strip() and last_marker is not None:
                raise DocError(f"{rel}:{last_marker.line}: 标记 <!-- cmd: … --> 须紧接在代码块之前")
            i += 1
            continue
        fence = opening.group("fence")
        lang = opening.group("lang").lower()
        start = i + 1
        body: list[tuple[int, str]] = []
        i += 1
        while i < len(lines) and not re.match(rf"^\s*{fence[0]}{{{len(fence)},}}\s*$", lines[i]):
            body.append((i + 1, lines[i]))
            i += 1
        i += 1  # the closing fence
        marker, last_marker = last_marker, None
        if lang not in COMMAND_LANGS:
            if marker is not None:
                raise DocError(f"{rel}:{marker.line}: 标记所在的代码块({lang})不含命令")
            continue
        windows = lang in WINDOWS_LANGS
        commands: list[Command] = []
        for number, text in _logical_lines(body, windows):
            where = f"{rel}:{number}"
            command = _command_line(text, lang)
            if command is None:
                continue
            steps = _split_steps(command, windows, where)
            if any(s.kind in {"assess", "cd", "cp"} for s in steps):
                commands.append(Command(doc, number, command, steps))
        if not any(s.kind == "assess" for c in commands for s in c.steps):
            if marker is not None and marker.skip is None:
                raise DocError(f"{rel}:{marker.line}: 标记所在的代码块中没有 assess 命令")
            if marker is None or marker.skip is None:
                continue
        block = Block(doc, start, lang, marker, commands)
        count = len(block.assess_steps)
        if marker and marker.exits and len(marker.exits) not in (1, count):
            raise DocError(
                f"{rel}:{marker.line}: exit= 给了 {len(marker.exits)} 个退出码,代码块中有 {count} 条 assess 命令"
            )
        blocks.append(block)
    if last_marker is not None:
        raise DocError(f"{rel}:{last_marker.line}: 标记之后没有代码块")
    return blocks


def doc_name(doc: Path) -> str:
    """README.md, docs/scheme.md: as the failures name a document."""
    return doc.relative_to(ROOT).as_posix() if doc.is_relative_to(ROOT) else doc.name


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
