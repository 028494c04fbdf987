"""YAML text → plain Python data, keeping every node's line and column.

PyYAML's composer gives nodes with marks; we build plain Python data from
them ourselves so that each key path maps to its position, duplicate keys are
caught (PyYAML silently keeps the last), tags other than the core ones are
refused, and alias expansion is bounded (billion laughs).

libyaml (``CSafeLoader``) is used when PyYAML was built with it: it is about
ten times faster on a 10,000-indicator scheme.  Its composer recurses in C, so
the nesting depth is first measured on the (iterative) event stream; a deeply
nested file is refused before it could overflow the C stack.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import yaml

from assess.errors import Finding, Location, SchemeError

Path_ = tuple[str | int, ...]

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


class Builder:
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
            value = self.scalar.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError):
            self._add(
                node,
                key,
                "scheme-yaml-value",
                f"无法识别的取值“{_clip(node.value)}”",
                True,
            )
            return None
        if isinstance(value, str) and not value.isprintable():
            hidden = _hidden(value)
            if hidden:
                self._add(
                    node,
                    key,
                    "scheme-yaml-value",
                    f"文字“{_clip(_show(value))}”中有看不见的控制字符({'、'.join(hidden)}),"
                    "多是从别处复制时带入的;请删除后重新输入这段文字",
                    False,
                )
        return value

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


# Line breaks and tabs belong in long texts (``standard: |``); the other control and format
# characters (a bell, an escape, a zero-width space, a right-to-left override) never do.
_ALLOWED = frozenset("\n\r\t ")


def _hidden(text: str) -> list[str]:
    """The invisible characters of ``text`` that have no place in a scheme, as ``U+200B``."""
    seen: list[str] = []
    for c in text:
        if c not in _ALLOWED and not c.isprintable() and unicodedata.category(c) in ("Cc", "Cf"):
            name = f"U+{ord(c):04X}"
            if name not in seen:
                seen.append(name)
    return seen[:5]


def _show(text: str) -> str:
    return "".join(c if c.isprintable() or c in _ALLOWED else f"<U+{ord(c):04X}>" for c in text)


def _clip(text: Any, limit: int = 40) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_depth(text: str, path: Path) -> None:
    """Refuse deep nesting using the event stream, which needs no recursion.

    Newer libyaml (PyYAML 6.0.4) stops at a flow depth of 1,000 on its own,
    and its scanner reads that far ahead of the events: a line of 100,000
    brackets would be reported as a syntax error at the 1,000th.  Then the
    pure-Python parser (a state machine, no depth limit, no recursion) finds
    where the nesting passed ours, so the message and position do not depend
    on which libyaml is installed.
    """
    try:
        _depth_events(text, path, _Loader)
    except yaml.scanner.ScannerError as exc:
        if _Loader is yaml.SafeLoader or "nesting depth" not in str(exc.problem):
            raise
        _depth_events(text, path, yaml.SafeLoader)


def _depth_events(text: str, path: Path, loader: Any) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=loader):
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


def compose(text: str, path: Path) -> yaml.Node | None:
    """The node tree of ``text``, once its nesting depth is known to be safe."""
    _check_depth(text, path)
    node: yaml.Node | None = yaml.compose(text, Loader=_Loader)
    return node
