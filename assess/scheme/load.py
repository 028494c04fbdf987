"""Load a YAML scheme, keeping every node's line and column.

PyYAML's composer gives nodes with marks; we build plain Python data from
them ourselves so that each key path maps to its position, duplicate keys are
caught (PyYAML silently keeps the last), tags other than the core ones are
refused, and alias expansion is bounded (billion laughs).  Pydantic errors are
then mapped back to those positions and worded in Chinese.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assess.errors import Finding, Location, SchemeError
from assess.scheme.model import RULE_TYPES, Scheme

Path_ = tuple[str | int, ...]

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 60

_CORE_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


@dataclass
class LoadedScheme:
    """A validated scheme with what is needed to point back into its file."""

    scheme: Scheme
    path: Path
    sha256: str
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def location(self, key: Path_) -> Location:
        return locate(self.path, self.positions, key)


def key_path(key: Path_) -> str:
    """``('categories', 0, 'rule')`` → ``categories[0].rule``."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def locate(path: Path, positions: dict[Path_, tuple[int, int]], key: Path_) -> Location:
    """The position of ``key`` or of its nearest ancestor present in the file."""
    probe = tuple(key)
    while probe and probe not in positions:
        probe = probe[:-1]
    line, col = positions.get(probe, (1, 1))
    return Location(file=str(path), line=line, column=col, key=key_path(key) or None)


class _Builder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.nodes = 0
        self.scalar = yaml.SafeLoader("")

    def _loc(self, node: yaml.Node, key: Path_) -> Location:
        return Location(
            file=str(self.path),
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
            key=key_path(key) or None,
        )

    def build(self, node: yaml.Node, key: Path_, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise SchemeError(
                f"方案展开后的节点超过 {MAX_NODES} 个(可能是锚点/别名的指数展开),拒绝读取",
                self._loc(node, key),
            )
        if depth > MAX_DEPTH:
            raise SchemeError(f"嵌套超过 {MAX_DEPTH} 层,拒绝读取", self._loc(node, key))
        if node.tag not in _CORE_TAGS:
            raise SchemeError(
                f"不允许的 YAML 标签“{node.tag}”;方案只能使用普通的映射、列表和标量",
                self._loc(node, key),
            )
        self.positions.setdefault(key, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for k_node, v_node in node.value:
                if not isinstance(k_node, yaml.ScalarNode):
                    raise SchemeError("键必须是简单的文字", self._loc(k_node, key))
                name = self.build(k_node, key, depth + 1)
                if k_node.tag == "tag:yaml.org,2002:merge":
                    raise SchemeError("不支持 YAML 合并键“<<”", self._loc(k_node, key))
                name = str(name)
                sub = (*key, name)
                if name in out:
                    raise SchemeError(f"键“{name}”重复出现", self._loc(k_node, sub))
                self.positions[sub] = (k_node.start_mark.line + 1, k_node.start_mark.column + 1)
                out[name] = self.build(v_node, sub, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*key, i), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar.construct_object(node)


def _read_text(path: Path) -> tuple[str, bytes]:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SchemeError(f"找不到方案文件“{path}”") from None
    except OSError as exc:
        raise SchemeError(f"无法读取方案文件“{path}”:{exc.strerror}") from None
    if size > MAX_BYTES:
        raise SchemeError(f"方案文件“{path}”大于 {MAX_BYTES // 1024 // 1024} MB,拒绝读取")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SchemeError(f"无法读取方案文件“{path}”:{exc.strerror}") from None
    try:
        return data.decode("utf-8-sig"), data
    except UnicodeDecodeError as exc:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            raise SchemeError(
                f"方案文件“{path}”是 GBK/GB18030 编码,不是 UTF-8;请用记事本或编辑器另存为 UTF-8 后重试"
            ) from None
        raise SchemeError(
            f"方案文件“{path}”不是 UTF-8 文本(第 {exc.start + 1} 个字节无法解码)"
        ) from None


def parse_yaml(path: Path) -> tuple[Any, dict[Path_, tuple[int, int]], bytes]:
    """Parse ``path`` into plain data and a map of key paths to (line, column)."""
    text, raw = _read_text(path)
    builder = _Builder(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is None:
            raise SchemeError("方案文件是空的", Location(file=str(path)))
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(
            file=str(path),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
        raise SchemeError(f"YAML 语法错误:{_yaml_problem(exc)}", loc) from None
    except yaml.YAMLError as exc:
        raise SchemeError(f"YAML 语法错误:{exc}", Location(file=str(path))) from None
    except RecursionError:
        raise SchemeError("方案嵌套过深,拒绝读取", Location(file=str(path))) from None
    return data, builder.positions, raw


_YAML_PROBLEMS = {
    "mapping values are not allowed here": "此处不能出现“键: 值”(冒号后缺空格,或缩进不对)",
    "could not find expected ':'": "缺少冒号“:”",
    "found character '\\t' that cannot start any token": "含有制表符 Tab;YAML 只能用空格缩进",
    "found undefined alias": "引用了未定义的别名",
    "did not find expected key": "缩进不一致,未找到预期的键",
    "found unexpected end of stream": "文件意外结束(引号或括号未闭合)",
    "did not find expected node content": "缺少内容",
    "expected <block end>, but found '-'": "列表项“-”的缩进不对",
    "found unexpected ':'": "意外的冒号“:”",
    "did not find expected '-' indicator": "列表项缩进不一致",
}


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or exc.context or "").strip()
    for en, zh in _YAML_PROBLEMS.items():
        if problem.startswith(en):
            return zh
    return problem


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def load_scheme(path: Path) -> LoadedScheme:
    """Parse and validate; raise one SchemeError listing every problem."""
    from assess.scheme.validate import validate_scheme

    data, positions, raw = parse_yaml(path)
    if not isinstance(data, dict):
        raise SchemeError("方案的顶层应为映射(键: 值)", Location(file=str(path), line=1, column=1))
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        findings = pydantic_findings(exc, data, path, positions)
        raise SchemeError(f"方案有 {len(findings)} 处问题", findings=findings) from None
    loaded = LoadedScheme(scheme, path, sha256_of(raw), positions)
    findings = validate_scheme(loaded)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise SchemeError(f"方案有 {len(errors)} 处问题", findings=findings)
    return loaded


# ---- pydantic errors in Chinese, at their YAML positions -------------------

_TYPE_NAMES = {
    "float_type": "数字",
    "float_parsing": "数字",
    "int_type": "整数",
    "int_parsing": "整数",
    "int_from_float": "整数",
    "string_type": "文字",
    "bool_type": "是否值(true 或 false)",
    "bool_parsing": "是否值(true 或 false)",
    "list_type": "列表",
    "dict_type": "映射(键: 值)",
    "model_type": "映射(键: 值)",
    "model_attributes_type": "映射(键: 值)",
}


def _real_path(loc: tuple[Any, ...], data: Any) -> Path_:
    """Drop the parts of a pydantic location that are not in the data (union tags)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and not isinstance(part, int) and part not in RULE_TYPES:
            out.append(part)  # a missing key: point at its parent
            node = None
    return tuple(out)


def _message(err: Any, data: Any, key: Path_) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    last = key[-1] if key else ""
    if kind == "missing":
        return f"缺少必填项“{err['loc'][-1]}”"
    if kind == "extra_forbidden":
        return f"未知的键“{last}”" + _suggest(str(last), err)
    if kind == "union_tag_invalid":
        return f"未知的计分规则类型“{ctx.get('tag')}”;可用的类型:{'、'.join(RULE_TYPES)}"
    if kind == "union_tag_not_found":
        return f"缺少“type”;计分规则须写明类型,可用的类型:{'、'.join(RULE_TYPES)}"
    if kind in _TYPE_NAMES:
        return f"应为{_TYPE_NAMES[kind]},实际为“{_short(got)}”"
    if kind == "literal_error":
        return f"取值“{_short(got)}”无效;应为 {ctx.get('expected', '')} 之一"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sign = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<"}.get(kind, "≤")
        bound = next(iter(ctx.values()), "")
        return f"取值 {_short(got)} 超出范围;应 {sign} {bound}"
    if kind == "too_short":
        return "不能为空,至少要有一项"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return f"{err['msg']}(输入:{_short(got)})"


_KNOWN_KEYS: dict[str, list[str]] = {}


def _suggest(name: str, err: Any) -> str:
    from assess.scheme import model

    if not _KNOWN_KEYS:
        for obj in vars(model).values():
            if isinstance(obj, type) and issubclass(obj, model._Model):
                _KNOWN_KEYS[obj.__name__] = list(obj.model_fields)
    every = sorted({k for keys in _KNOWN_KEYS.values() for k in keys})
    close = difflib.get_close_matches(name, every, n=1, cutoff=0.6)
    return f";是否应为“{close[0]}”?" if close else ""


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "…"


def pydantic_findings(
    exc: ValidationError, data: Any, path: Path, positions: dict[Path_, tuple[int, int]]
) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        key = _real_path(tuple(err["loc"]), data)
        message = _message(err, data, key)
        loc = locate(path, positions, key)
        ident = (str(loc), message)
        if ident in seen:
            continue
        seen.add(ident)
        findings.append(Finding("scheme-" + err["type"].replace("_", "-"), message, loc))
    findings.sort(key=lambda f: (f.location.line or 0, f.location.column or 0))
    return findings
