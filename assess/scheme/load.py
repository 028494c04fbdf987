"""Load a YAML scheme, keeping every node's line and column.

PyYAML's composer gives nodes with marks; we build plain Python data from
them ourselves so that each key path maps to its position, duplicate keys are
caught (PyYAML silently keeps the last), tags other than the core ones are
refused, and alias expansion is bounded (billion laughs).  Pydantic errors are
then mapped back to those positions and worded in Chinese.

libyaml (``CSafeLoader``) is used when PyYAML was built with it: it is about
ten times faster on a 10,000-indicator scheme.  Its composer recurses in C, so
the nesting depth is first measured on the (iterative) event stream; a deeply
nested file is refused before it could overflow the C stack.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from assess.errors import Finding, Location, SchemeError
from assess.scheme.model import RULE_TYPES, Scheme

Path_ = tuple[str | int, ...]

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 1_000_000  # distinct nodes; a 5 MB file cannot legitimately hold more
MAX_ALIAS_NODES = 50_000  # nodes produced by expanding aliases (billion laughs)
MAX_DEPTH = 60

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE = "tag:yaml.org,2002:"
_CORE_TAGS = {
    _CORE + "map",
    _CORE + "seq",
    _CORE + "str",
    _CORE + "int",
    _CORE + "float",
    _CORE + "bool",
    _CORE + "null",
}
_AS_TEXT_TAGS = {_CORE + "timestamp"}  # 2024-12-31 is kept as the text the user wrote


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


def _tag_text(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


class _Builder:
    """Nodes → plain data plus positions; YAML-level problems are collected."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.nodes = 0
        self.alias_nodes = 0
        self.built: set[int] = set()
        self.findings: list[Finding] = []
        self.fatal = False  # a finding that makes the data meaningless (unsafe tag)
        self.scalar = yaml.SafeLoader("")

    def _loc(self, node: yaml.Node, key: Path_) -> Location:
        return Location(
            file=str(self.path),
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
            key=key_path(key) or None,
        )

    def _add(self, node: yaml.Node, key: Path_, code: str, message: str, fatal: bool) -> None:
        self.findings.append(Finding(code, message, self._loc(node, key)))
        self.fatal = self.fatal or fatal

    def build(self, node: yaml.Node, key: Path_, depth: int = 0, aliased: bool = False) -> Any:
        self.nodes += 1
        if not aliased and isinstance(node, yaml.CollectionNode):
            if id(node) in self.built:
                aliased = True  # a second visit: this subtree is an alias expansion
            else:
                self.built.add(id(node))
        if aliased:
            self.alias_nodes += 1
            if self.alias_nodes > MAX_ALIAS_NODES:
                raise SchemeError(
                    f"锚点/别名(& 与 *)展开后的内容超过 {MAX_ALIAS_NODES} 项,"
                    "可能是恶意的指数展开(“十亿笑声”),拒绝读取",
                    self._loc(node, key),
                )
        if self.nodes > MAX_NODES:
            raise SchemeError(f"方案的内容超过 {MAX_NODES} 项,拒绝读取", self._loc(node, key))
        if depth > MAX_DEPTH:
            raise SchemeError(f"嵌套超过 {MAX_DEPTH} 层,拒绝读取", self._loc(node, key))
        self.positions.setdefault(key, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag in _AS_TEXT_TAGS and isinstance(node, yaml.ScalarNode):
            return str(node.value)
        if node.tag not in _CORE_TAGS:
            self._add(
                node,
                key,
                "scheme-yaml-tag",
                f"不允许的 YAML 标签“{_tag_text(node.tag)}”;方案只能使用普通的映射、列表和文字、数字",
                fatal=True,
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, key, depth, aliased)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*key, i), depth + 1, aliased) for i, item in enumerate(node.value)]
        try:
            return self.scalar.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError):
            self._add(
                node,
                key,
                "scheme-yaml-value",
                f"无法识别的取值“{_clip(node.value)}”",
                True,
            )
            return None

    def _mapping(self, node: yaml.MappingNode, key: Path_, depth: int, aliased: bool) -> Any:
        out: dict[str, Any] = {}
        first: dict[str, int] = {}
        for k_node, v_node in node.value:
            if k_node.tag == _CORE + "merge":
                self._add(
                    k_node,
                    key,
                    "scheme-yaml-merge",
                    "不支持 YAML 合并键“<<”;请把内容直接写出",
                    True,
                )
                continue
            if not isinstance(k_node, yaml.ScalarNode):
                self._add(
                    k_node,
                    key,
                    "scheme-yaml-key",
                    "键必须是简单的文字,不能是列表或映射",
                    True,
                )
                continue
            if k_node.tag not in _CORE_TAGS and k_node.tag not in _AS_TEXT_TAGS:
                self._add(
                    k_node,
                    key,
                    "scheme-yaml-tag",
                    f"不允许的 YAML 标签“{_tag_text(k_node.tag)}”",
                    True,
                )
                continue
            name = str(k_node.value)  # the key as written: "1.10" stays "1.10"
            sub = (*key, name)
            if name in out:
                self._add(
                    k_node,
                    sub,
                    "scheme-duplicate-key",
                    f"键“{name}”重复出现(第 {first[name]} 行已有);只保留第一次的取值",
                    False,
                )
                continue
            first[name] = k_node.start_mark.line + 1
            self.positions[sub] = (
                k_node.start_mark.line + 1,
                k_node.start_mark.column + 1,
            )
            out[name] = self.build(v_node, sub, depth + 1, aliased)
        return out


def _clip(text: Any, limit: int = 40) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_text(path: Path) -> tuple[str, bytes]:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SchemeError(f"找不到方案文件“{path}”") from None
    except OSError as exc:
        raise SchemeError(f"无法读取方案文件“{path}”:{exc.strerror or exc}") from None
    if path.is_dir():
        raise SchemeError(f"“{path}”是文件夹,不是方案文件")
    if size > MAX_BYTES:
        raise SchemeError(f"方案文件“{path}”大于 {MAX_BYTES // 1024 // 1024} MB,拒绝读取")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SchemeError(f"无法读取方案文件“{path}”:{exc.strerror or exc}") from None
    if data[:4] == b"PK\x03\x04":
        raise SchemeError(f"“{path}”是 Excel 工作簿或压缩包,不是 YAML 方案文件")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SchemeError(f"方案文件“{path}”是 UTF-16 编码;请用编辑器另存为 UTF-8 后重试")
    if b"\x00" in data:
        raise SchemeError(f"“{path}”是二进制文件,不是 YAML 方案文件")
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
        raise SchemeError(f"方案文件“{path}”不是 UTF-8 文本(第 {exc.start + 1} 个字节无法解码)") from None


def _check_depth(text: str, path: Path) -> None:
    """Refuse deep nesting using the event stream, which needs no recursion."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise SchemeError(
                    f"嵌套超过 {MAX_DEPTH} 层,拒绝读取",
                    Location(
                        file=str(path),
                        line=mark.line + 1 if mark else None,
                        column=mark.column + 1 if mark else None,
                    ),
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def parse_yaml(
    path: Path,
) -> tuple[Any, dict[Path_, tuple[int, int]], bytes, list[Finding]]:
    """Parse ``path`` into plain data, a map of key paths to (line, column), the
    raw bytes, and the YAML-level findings (such as duplicate keys) that do not
    stop validation.  Unsafe or unreadable input raises SchemeError."""
    text, raw = _read_text(path)
    builder = _Builder(path)
    try:
        _check_depth(text, path)
        node = yaml.compose(text, Loader=_Loader)
        if node is None:
            raise SchemeError("方案文件是空的", Location(file=str(path)))
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
        raise SchemeError("方案嵌套过深,拒绝读取", Location(file=str(path))) from None
    if builder.fatal:
        raise SchemeError(_count_text(builder.findings), findings=builder.findings)
    return data, builder.positions, raw, builder.findings


# (pattern on the problem, Chinese) for PyYAML and libyaml wordings alike.
_YAML_PROBLEMS: list[tuple[str, str]] = [
    (
        r"mapping values are not allowed",
        "此处不能出现“键: 值”(上一行可能缺少冒号,或缩进不对)",
    ),
    (r"block sequence entries are not allowed", "此处不能出现列表项“-”(缩进不对)"),
    (r"could not find expected ':'", "缺少冒号“:”"),
    (
        r"found character '\\t' that cannot start any token",
        "含有制表符 Tab;YAML 只能用空格缩进",
    ),
    (r"found a tab character", "含有制表符 Tab;YAML 只能用空格缩进"),
    (
        r"found character .*that cannot start any token",
        "“{char}”不能出现在开头;如是文字,请加引号",
    ),
    (r"found undefined alias", "引用了未定义的别名(*)"),
    (r"found duplicate anchor", "锚点(&)名称重复"),
    (r"found unexpected end of stream", "引号未闭合"),
    (
        r"found unknown escape character",
        "双引号中的反斜杠“\\”转义无效;如需反斜杠请用单引号",
    ),
    (r"found undefined tag handle", "不允许的 YAML 标签"),
    (
        r"(expected|did not find expected) alphabetic or numeric character",
        "锚点(&)或别名(*)后须写名称,名称只能用英文字母、数字、“-”和“_”",
    ),
    (
        r"(expected|did not find expected) ',' or '\]'",
        "列表的方括号“[”未闭合,或缺少逗号",
    ),
    (
        r"(expected|did not find expected) ',' or '\}'",
        "映射的花括号“{{”未闭合,或缺少逗号",
    ),
    (r"expected <block end>, but found '-'", "列表项“-”的缩进不对"),
    (
        r"did not find expected '-' indicator",
        "列表项“-”的缩进不一致,或列表后混入了“键: 值”",
    ),
    (
        r"expected <block end>, but found '\?'",
        "列表项“-”的缩进不一致,或列表后混入了“键: 值”",
    ),
    (
        r"(expected <block end>|did not find expected key)",
        "缩进不一致,或一行中有多余的内容",
    ),
    (r"(expected the node content|did not find expected node content)", "缺少内容"),
    (r"found unexpected ':'", "意外的冒号“:”;如是文字,请加引号"),
    (r"but found another document", "文件中有多个 YAML 文档(“---”);方案只能有一个"),
    (
        r"(expected '<document start>'|did not find expected <document start>)",
        "文件中有多个 YAML 文档;方案只能有一个",
    ),
    (
        r"(expected chomping|did not find expected comment or line break)",
        "“|”或“>”之后的写法不对",
    ),
]


def yaml_problem(exc: yaml.MarkedYAMLError, text: str = "") -> str:
    """A PyYAML/libyaml problem in Chinese; never the English original."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    char = ""
    mark = exc.problem_mark
    if mark is not None and text:
        lines = text.split("\n")
        if mark.line < len(lines) and mark.column < len(lines[mark.line]):
            char = lines[mark.line][mark.column]
    if char == "\t" and "cannot start any token" in problem:
        return "含有制表符 Tab;YAML 只能用空格缩进"
    for pattern, zh in _YAML_PROBLEMS:
        if re.search(pattern, problem) or re.search(pattern, context):
            message = zh.format(char=char or "该字符")
            ctx = exc.context_mark
            if (
                ctx is not None
                and mark is not None
                and (ctx.line, ctx.column) != (mark.line, mark.column)
                and ("flow" in context or "quoted" in context)
            ):
                message += f"(始于第 {ctx.line + 1} 行第 {ctx.column + 1} 列)"
            return message
    return "格式有误,请检查此处的缩进、冒号和引号"


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _count_text(findings: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    return f"方案有 {errors} 处错误" + (f"、{warnings} 处提醒" if warnings else "")


def load_scheme(path: Path) -> LoadedScheme:
    """Parse and validate; raise one SchemeError listing every problem."""
    from assess.scheme.validate import validate_scheme

    data, positions, raw, early = parse_yaml(path)
    if not isinstance(data, dict):
        raise SchemeError("方案的顶层应为映射(键: 值)", Location(file=str(path), line=1, column=1))
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        findings = _sorted(early + pydantic_findings(exc, data, path, positions))
        raise SchemeError(_count_text(findings), findings=findings) from None
    loaded = LoadedScheme(scheme, path, sha256_of(raw), positions)
    findings = _sorted(early + validate_scheme(loaded))
    if any(f.severity == "error" for f in findings):
        raise SchemeError(_count_text(findings), findings=findings)
    loaded.warnings = findings
    return loaded


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.location.line or 0, f.location.column or 0))


# ---- pydantic errors in Chinese, at their YAML positions -------------------

_TYPE_NAMES = {
    "float_type": "数字",
    "float_parsing": "数字",
    "int_type": "整数",
    "int_parsing": "整数",
    "int_parsing_size": "整数",
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
    tagged: Any = None
    for part in loc:
        if isinstance(node, dict) and node is not tagged and part in RULE_TYPES and node.get("type") == part:
            tagged = node  # the tag of a discriminated union, once (Step has a key "step")
            continue
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        ):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and not isinstance(part, int) and part not in RULE_TYPES:
            out.append(part)  # a missing key: point at its parent
            node = None
    return tuple(out)


def _unwrap(tp: Any) -> list[Any]:
    """The classes inside ``list[X]``, ``X | None``, ``Annotated[X, ...]``."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [c for arg in typing.get_args(tp) for c in _unwrap(arg)]
    if origin in (list, tuple):
        return [c for arg in typing.get_args(tp) for c in _unwrap(arg)]
    if isinstance(tp, type):
        return [tp]
    return []


def model_at(loc: tuple[Any, ...], root: type[BaseModel] = Scheme) -> type[BaseModel] | None:
    """The model class whose field ``loc[-1]`` is, following a pydantic location."""
    current: list[type[BaseModel]] = [root]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        models = [c for c in current if issubclass(c, BaseModel)]
        if len(models) > 1:  # a union: the location names the tag
            tagged = [c for c in models if _type_tag(c) == part]
            if tagged:
                current = tagged
                continue
        nxt: list[type[BaseModel]] = []
        for c in models:
            info = c.model_fields.get(str(part))
            if info is not None:
                nxt += [t for t in _unwrap(info.annotation) if issubclass(t, BaseModel)]
        if not nxt:
            return None
        current = nxt
    models = [c for c in current if issubclass(c, BaseModel)]
    return models[0] if len(models) == 1 else None


def _type_tag(cls: type[BaseModel]) -> str | None:
    info = cls.model_fields.get("type")
    if info is None:
        return None
    args = typing.get_args(info.annotation)
    return str(args[0]) if args else None


def _fmt_bound(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _message(err: Any, data: Any, key: Path_, root: type[BaseModel] = Scheme) -> str:
    """A pydantic error in Chinese; ``root`` is the model the location starts at."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    last = key[-1] if key else ""
    if kind == "missing":
        return f"缺少必填项“{err['loc'][-1]}”"
    if kind == "extra_forbidden":
        return f"未知的键“{last}”" + _suggest(str(last), tuple(err["loc"]), root)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        expected = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", "")))
        expected = expected or _union_tags(tuple(err["loc"]), root) or list(RULE_TYPES)
        allowed = "、".join(expected)
        if kind == "union_tag_not_found":
            return f"缺少“type”;计分规则须写明类型,可用的类型:{allowed}"
        return f"未知的计分规则类型“{_short(ctx.get('tag'))}”;此处可用的类型:{allowed}"
    if got is None and kind in _TYPE_NAMES:
        return f"不能为空;应为{_TYPE_NAMES[kind]}"
    if kind == "string_type" and isinstance(got, (int, float)) and not isinstance(got, bool):
        return f'应为文字,实际为数字“{_short(got)}”;编码等请加引号,如 "{_short(got)}"'
    if kind in _TYPE_NAMES:
        return f"应为{_TYPE_NAMES[kind]},实际为“{_short(got)}”"
    if kind == "finite_number":
        return f"应为有限的数字,实际为“{_short(got)}”"
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", str(ctx.get("expected", ""))) or [str(ctx.get("expected", ""))]
        return f"取值“{_short(got)}”无效;应为 {'、'.join(expected)} 之一"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sign = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<"}.get(kind, "≤")
        bound = _fmt_bound(next(iter(ctx.values()), ""))
        return f"取值 {_short(got)} 超出范围;应 {sign} {bound}"
    if kind == "too_short":
        return "不能为空,至少要有一项"
    if kind == "value_error":
        error = ctx.get("error")
        return str(error) if error is not None else "取值无效"
    return f"取值“{_short(got)}”无效"


_KNOWN_KEYS: dict[str, list[str]] = {}


def _union_tags(loc: tuple[Any, ...], root: type[BaseModel]) -> list[str]:
    """The ``type`` values a discriminated union at ``loc`` accepts."""
    parent = model_at(loc, root)
    info = parent.model_fields.get(str(loc[-1])) if parent is not None and loc else None
    if info is None:
        return []
    tags = [_type_tag(c) for c in _unwrap(info.annotation) if issubclass(c, BaseModel)]
    return [t for t in tags if t]


def _suggest(name: str, loc: tuple[Any, ...], root: type[BaseModel] = Scheme) -> str:
    """A close key of the model at ``loc`` (or of any model if it is unknown)."""
    from assess.scheme import model

    cls = model_at(loc, root)
    if cls is not None:
        keys = sorted(cls.model_fields)
    else:
        if not _KNOWN_KEYS:
            for obj in vars(model).values():
                if isinstance(obj, type) and issubclass(obj, model._Model):
                    _KNOWN_KEYS[obj.__name__] = list(obj.model_fields)
        keys = sorted({k for ks in _KNOWN_KEYS.values() for k in ks})
    close = difflib.get_close_matches(name, keys, n=1, cutoff=0.6)
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
    return _sorted(findings)
