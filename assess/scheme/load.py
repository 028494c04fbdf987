"""Load a YAML scheme: read the file safely, parse it with positions, validate it.

The file is refused early when it is too large, binary, a workbook, or not
UTF-8 (GBK and UTF-16 are named, so the user knows how to fix it).  Parsing
with positions is ``yamltree``; pydantic errors and YAML syntax errors are
worded in Chinese by ``messages``; the whole-scheme checks are ``validate``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assess.errors import Finding, Location, SchemeError
from assess.scheme.messages import count_text, pydantic_findings, sort_findings, yaml_problem
from assess.scheme.model import Scheme
from assess.scheme.yamltree import Builder, Path_, compose, locate

MAX_BYTES = 5 * 1024 * 1024


@dataclass
class LoadedScheme:
    """A validated scheme with what is needed to point back into its file."""

    scheme: Scheme
    path: Path
    sha256: str
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)

    def location(self, key: Path_) -> Location:
        return locate(self.path, self.positions, key)


def _read_text(path: Path, what: str = "方案文件") -> tuple[str, bytes]:
    """The file's text and bytes; ``what`` names the kind of file in the refusals."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SchemeError(f"找不到{what}“{path}”") from None
    except OSError as exc:
        raise SchemeError(f"无法读取{what}“{path}”:{exc.strerror or exc}") from None
    if path.is_dir():
        raise SchemeError(f"“{path}”是文件夹,不是{what}")
    if not path.is_file():
        raise SchemeError(f"“{path}”不是普通文件(可能是管道或设备),不是{what}")
    if size > MAX_BYTES:
        raise SchemeError(f"{what}“{path}”大于 {MAX_BYTES // 1024 // 1024} MB,拒绝读取")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SchemeError(f"无法读取{what}“{path}”:{exc.strerror or exc}") from None
    if data[:4] == b"PK\x03\x04":
        raise SchemeError(f"“{path}”是 Excel 工作簿或压缩包,不是 YAML {what}")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SchemeError(f"{what}“{path}”是 UTF-16 编码;请用编辑器另存为 UTF-8 后重试")
    if b"\x00" in data:
        raise SchemeError(f"“{path}”是二进制文件,不是 YAML {what}")
    try:
        return data.decode("utf-8-sig"), data
    except UnicodeDecodeError as exc:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            raise SchemeError(
                f"{what}“{path}”是 GBK/GB18030 编码,不是 UTF-8;请用记事本或编辑器另存为 UTF-8 后重试"
            ) from None
        raise SchemeError(f"{what}“{path}”不是 UTF-8 文本(第 {exc.start + 1} 个字节无法解码)") from None


def parse_yaml(
    path: Path,
    what: str = "方案文件",
) -> tuple[Any, dict[Path_, tuple[int, int]], bytes, list[Finding]]:
    """Parse ``path`` into plain data, a map of key paths to (line, column), the
    raw bytes, and the YAML-level findings (such as duplicate keys) that do not
    stop validation.  Unsafe or unreadable input raises SchemeError; ``what`` names the kind
    of file in its messages (the YAML of ``assess export`` is a 报送格式文件, not a scheme)."""
    text, raw = _read_text(path, what)
    builder = Builder(path)
    try:
        node = compose(text, path)
        if node is None:
            raise SchemeError(f"{what}是空的", Location(file=str(path)))
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "simple key" in (exc.context or "") and exc.context_mark is not None:
            mark = exc.context_mark  # where the key without its colon starts
        loc = Location(
            file=str(path),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
        raise SchemeError(f"YAML 语法错误:{yaml_problem(exc, text)}", loc) from None
    except yaml.reader.ReaderError as exc:
        # libyaml counts bytes, PyYAML characters: find the character itself
        found = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        pos = found if found >= 0 else min(exc.position, len(text))
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise SchemeError(
            f"YAML 语法错误:含有不允许的控制字符(#x{exc.character:04x})"
            if isinstance(exc.character, int)
            else "YAML 语法错误:含有不允许的控制字符",
            Location(file=str(path), line=line, column=column),
        ) from None
    except yaml.YAMLError:
        raise SchemeError("YAML 语法错误:无法解析", Location(file=str(path))) from None
    except RecursionError:
        raise SchemeError(f"{what.removesuffix('文件')}嵌套过深,拒绝读取", Location(file=str(path))) from None
    if builder.fatal:
        raise SchemeError(count_text(builder.findings), findings=builder.findings)
    return data, builder.positions, raw, builder.findings


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def load_scheme(path: Path) -> LoadedScheme:
    """Parse and validate; raise one SchemeError listing every problem."""
    from assess.scheme.validate import validate_scheme

    data, positions, raw, early = parse_yaml(path)
    if not isinstance(data, dict):
        raise SchemeError("方案的顶层应为映射(键: 值)", Location(file=str(path), line=1, column=1))
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        findings = sort_findings(early + pydantic_findings(exc, data, path, positions))
        raise SchemeError(count_text(findings), findings=findings) from None
    loaded = LoadedScheme(scheme, path, sha256_of(raw), positions)
    findings = sort_findings(early + validate_scheme(loaded))
    if any(f.severity == "error" for f in findings):
        raise SchemeError(count_text(findings), findings=findings)
    loaded.warnings = findings
    return loaded
