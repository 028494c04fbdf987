"""Problems found while reading a scheme, worded in Chinese at their YAML positions.

YAML syntax errors come from PyYAML or libyaml in English and are matched to
a Chinese sentence; pydantic's validation errors are mapped back from the
model's location to the key path in the file, with a close key suggested for
a misspelt one.  No English original ever reaches the user.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from assess.errors import Finding
from assess.scheme.model import RULE_TYPES, Scheme
from assess.scheme.yamltree import Path_, locate


def count_text(findings: list[Finding]) -> str:
    """``方案有 3 处错误、1 处提醒``: the head line of a SchemeError listing findings."""
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    return f"方案有 {errors} 处错误" + (f"、{warnings} 处提醒" if warnings else "")


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """In file order, as the user reads the scheme."""
    return sorted(findings, key=lambda f: (f.location.line or 0, f.location.column or 0))


# ---- YAML syntax errors ------------------------------------------------------

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


def pydantic_message(err: Any, data: Any, key: Path_, root: type[BaseModel] = Scheme) -> str:
    """A pydantic error in Chinese; ``root`` is the model the location starts at."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    last = key[-1] if key else ""
    if kind == "missing":
        return f"缺少必填项“{err['loc'][-1]}”"
    if kind == "extra_forbidden" and last == "grade" and err["loc"][:1] == ("bars",):
        return (
            "等次限制的条件不能写 grade:等次限制决定等次,不能以等次为条件;"
            "条件可写 when、bottom、top、years、within、any、all"
        )
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
    if kind.startswith("date_"):
        return f"“{_short(got)}”不是有效的日期;应写成 2025-06-30 这样的日期"
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
    exc: ValidationError,
    data: Any,
    path: Path,
    positions: dict[Path_, tuple[int, int]],
    root: type[BaseModel] = Scheme,
) -> list[Finding]:
    """``exc`` as findings at their YAML positions; ``root`` is the model validated (the
    scheme, or another YAML format such as the 报送格式 of ``assess export``)."""
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        key = _real_path(tuple(err["loc"]), data)
        message = pydantic_message(err, data, key, root)
        loc = locate(path, positions, key)
        ident = (str(loc), message)
        if ident in seen:
            continue
        seen.add(ident)
        findings.append(Finding("scheme-" + err["type"].replace("_", "-"), message, loc))
    return sort_findings(findings)
