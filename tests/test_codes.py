"""Every code used in assess/ is in assess/codes.py, and docs/messages.md is current.

The codes are found by reading the source (no import of assess/ beyond
assess.codes), so a new ``Finding("new-code", ...)`` anywhere fails here until
it has an entry.  What counts as a use of a code:

- ``Finding(code, ...)`` (first argument, or ``code=``) when ``code`` is a
  string literal or ``a if c else b`` of literals;
- a call to a helper that forwards its ``code`` parameter to ``Finding``
  (``Checker.add(key, code, message, severity)``, ``YamlTree._add(...)``; found
  by reading the helpers, not listed by hand);
- ``code = "..."`` in a class body (the error classes) or in a function (a
  local later passed to ``Finding``);
- the codes built from pydantic's error types in assess/scheme/messages.py
  (``"scheme-" + type``), listed in ``DYNAMIC`` below.

Codes compared against (``f.code == "unreadable"``, ``f.code in SKIPPED``)
must be registered and produced somewhere too.  A code passed to ``Finding``
in any other computed way fails the test: write it as a literal, or list the
site in ``DYNAMIC``.

Adding a code: one ``Code(...)`` entry in assess/codes.py, then
``python scripts/make_messages_doc.py``.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assess.codes import AREAS, CODES, KINDS, REGISTRY, SCHEME_FAMILY, lookup

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "assess"
DOC = ROOT / "docs" / "messages.md"
SCRIPT = ROOT / "scripts" / "make_messages_doc.py"
FIX_HINT = "add an entry to assess/codes.py, then run: python scripts/make_messages_doc.py"


def _literals(node: ast.AST | None) -> list[str] | None:
    """The strings an expression can be when it is made of literals only, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        a, b = _literals(node.body), _literals(node.orelse)
        return None if a is None or b is None else a + b
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        out: list[str] = []
        for elt in node.elts:
            got = _literals(elt)
            if got is None:
                return None
            out += got
        return out
    return None


def _pydantic_kinds() -> set[str]:
    """The pydantic error types assess/scheme/messages.py words itself."""
    tree = ast.parse((PACKAGE / "scheme" / "messages.py").read_text(encoding="utf-8"))
    kinds: set[str] = set()
    for node in ast.walk(tree):
        # _TYPE_NAMES = {"float_type": "数字", ...}
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if (
                isinstance(target, ast.Name)
                and target.id == "_TYPE_NAMES"
                and isinstance(node.value, ast.Dict)
            ):
                kinds |= {
                    k.value
                    for k in node.value.keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                }
        # kind == "missing", kind in ("greater_than", ...)
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == "kind":
            for comp in node.comparators:
                kinds |= set(_literals(comp) or ())
    return kinds


# Codes computed at a call site: (file, the code expression as ast.unparse writes it) →
# the codes it can produce.  A computed code not listed here fails the test.
DYNAMIC: dict[tuple[str, str], set[str]] = {
    ("assess/scheme/messages.py", "'scheme-' + err['type'].replace('_', '-')"): (
        {"scheme-" + k.replace("_", "-") for k in _pydantic_kinds()} | {SCHEME_FAMILY}
    ),
}


@dataclass
class Use:
    where: str
    severity: str | None  # "error", "warning", or None when computed


@dataclass
class Scan:
    produced: dict[str, list[Use]] = field(default_factory=dict)  # Finding codes
    classes: dict[str, list[str]] = field(default_factory=dict)  # error-class codes
    compared: dict[str, list[str]] = field(default_factory=dict)  # codes tested against
    unknown: list[str] = field(default_factory=list)  # computed codes not in DYNAMIC

    def add(self, code: str, where: str, severity: str | None) -> None:
        self.produced.setdefault(code, []).append(Use(where, severity))


@dataclass(frozen=True)
class Helper:
    """A function that passes its ``code`` parameter on to ``Finding``."""

    code_at: int  # position of ``code`` among the call's arguments
    severity_at: int | None  # position of ``severity``, if a parameter
    severity: str | None  # the default (or fixed) severity


def _finding_parts(call: ast.Call) -> tuple[ast.AST | None, ast.AST | None]:
    code = call.args[0] if call.args else None
    severity = call.args[3] if len(call.args) > 3 else None
    for kw in call.keywords:
        if kw.arg == "code":
            code = kw.value
        elif kw.arg == "severity":
            severity = kw.value
    return code, severity


def _severity(node: ast.AST | None, default: str | None = "error") -> str | None:
    if node is None:
        return default
    got = _literals(node)
    return got[0] if got is not None and len(got) == 1 else None


def _name_of(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _helpers(trees: dict[str, ast.Module]) -> dict[str, Helper]:
    out: dict[str, Helper] = {}
    for tree in trees.values():
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
            if "code" not in params:
                continue
            for call in ast.walk(fn):
                if not (isinstance(call, ast.Call) and _name_of(call.func) == "Finding"):
                    continue
                code, severity = _finding_parts(call)
                if not (isinstance(code, ast.Name) and code.id == "code"):
                    continue
                skip = 1 if params and params[0] in ("self", "cls") else 0
                defaults = dict(
                    zip(params[len(params) - len(fn.args.defaults) :], fn.args.defaults, strict=True)
                )
                if isinstance(severity, ast.Name) and severity.id in params:
                    sev_at: int | None = params.index(severity.id) - skip
                    sev = _severity(defaults.get(severity.id))
                else:
                    sev_at, sev = None, _severity(severity)
                out[fn.name] = Helper(params.index("code") - skip, sev_at, sev)
    return out


def _params(fn: ast.AST) -> set[str]:
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return set()
    a = fn.args
    return {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}


def _passes_code(fn: ast.AST) -> bool:
    """Whether a function passes a local or parameter named ``code`` to ``Finding``."""
    for call in ast.walk(fn):
        if isinstance(call, ast.Call) and _name_of(call.func) == "Finding":
            code, _severity = _finding_parts(call)
            if isinstance(code, ast.Name) and code.id == "code":
                return True
    return False


def _module_tuples(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level ``NAME = ("a", "b")`` constants (as ``SKIPPED`` in workbook/load.py)."""
    out: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            got = _literals(node.value)
            if got is not None and not isinstance(node.value, ast.Constant):
                out[node.targets[0].id] = got
    return out


def _is_code_attr(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "code") or (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and node.slice.value == "code"
    )


class _Scanner:
    def __init__(self, rel: str, helpers: dict[str, Helper], tuples: dict[str, list[str]], out: Scan) -> None:
        self.rel, self.helpers, self.tuples, self.out = rel, helpers, tuples, out

    def visit(self, node: ast.AST, scope: tuple[ast.AST, ...] = ()) -> None:
        where = f"{self.rel}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ClassDef):
            self._class(node)
        elif isinstance(node, ast.Assign) and scope and not isinstance(scope[-1], ast.ClassDef):
            if any(isinstance(t, ast.Name) and t.id == "code" for t in node.targets) and _passes_code(
                scope[-1]
            ):
                for code in _literals(node.value) or ():
                    self.out.add(code, where, None)  # its severity is given at the Finding
        elif isinstance(node, ast.Call):
            self._call(node, scope, where)
        elif isinstance(node, ast.Compare):
            self._compare(node, where)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope = (*scope, node)
        for child in ast.iter_child_nodes(node):
            self.visit(child, scope)

    def _class(self, node: ast.ClassDef) -> None:
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target: ast.AST = stmt.targets[0]
            elif isinstance(stmt, ast.AnnAssign):
                target = stmt.target
            else:
                continue
            if isinstance(target, ast.Name) and target.id == "code":
                for code in _literals(stmt.value) or ():
                    self.out.classes.setdefault(code, []).append(f"{self.rel}:{stmt.lineno}")

    def _call(self, node: ast.Call, scope: tuple[ast.AST, ...], where: str) -> None:
        name = _name_of(node.func)
        if name == "Finding":
            code, severity = _finding_parts(node)
            got = _literals(code)
            if got is not None:
                for c in got:
                    self.out.add(c, where, _severity(severity) if len(got) == 1 else None)
            elif code is not None:
                self._computed(code, scope, where)
        elif name in self.helpers:
            h = self.helpers[name]
            arg = node.args[h.code_at] if len(node.args) > h.code_at else None
            arg = next((k.value for k in node.keywords if k.arg == "code"), arg)
            got = _literals(arg) or []
            sev_node = (
                node.args[h.severity_at]
                if h.severity_at is not None and len(node.args) > h.severity_at
                else None
            )
            sev_node = next((k.value for k in node.keywords if k.arg == "severity"), sev_node)
            sev = _severity(sev_node, h.severity) if sev_node is not None else h.severity
            for c in got:
                self.out.add(c, where, sev if len(got) == 1 else None)

    def _computed(self, code: ast.AST, scope: tuple[ast.AST, ...], where: str) -> None:
        text = ast.unparse(code)
        if isinstance(code, ast.Name) and scope and code.id in _params(scope[-1]):
            return  # a helper forwarding its parameter: its callers are scanned
        if isinstance(code, ast.Name) and code.id == "code":
            return  # a local ``code = "..."``: the assignment is scanned
        if text == "self.code":
            return  # AssessError.to_finding: the class attributes are scanned
        if (self.rel, text) in DYNAMIC:
            for c in DYNAMIC[self.rel, text]:
                self.out.add(c, where, "error")
            return
        self.out.unknown.append(f"{where}: Finding({text}, ...)")

    def _compare(self, node: ast.Compare, where: str) -> None:
        sides = [node.left, *node.comparators]
        if not any(_is_code_attr(s) for s in sides):
            return
        for s in sides:
            got = _literals(s)
            if got is None and isinstance(s, ast.Name):
                got = self.tuples.get(s.id)
            for c in got or ():
                self.out.compared.setdefault(c, []).append(where)


def scan() -> Scan:
    trees = {
        p.relative_to(ROOT).as_posix(): ast.parse(p.read_text(encoding="utf-8"), filename=str(p))
        for p in sorted(PACKAGE.rglob("*.py"))
        if p.name != "codes.py"
    }
    helpers = _helpers(trees)
    tuples: dict[str, list[str]] = {}
    for tree in trees.values():
        tuples.update(_module_tuples(tree))
    out = Scan()
    for rel, tree in trees.items():
        _Scanner(rel, helpers, tuples, out).visit(tree)
    return out


@pytest.fixture(scope="module")
def found() -> Scan:
    return scan()


def _list(codes: dict[str, list[str]]) -> str:
    return "\n".join(f"  {c}  ({', '.join(sorted(set(w))[:3])})" for c, w in sorted(codes.items()))


def test_the_scan_finds_codes(found: Scan) -> None:
    # guards the scan itself: if these disappear, the scan is broken, not the code
    assert {"usage", "scheme", "ledger", "output"} <= set(found.classes)
    assert {"bad-value", "unknown-unit", "rule", "scheme-yaml-tag", "scheme-extra-forbidden"} <= set(
        found.produced
    )
    assert "suspect-percent" in found.produced and "unreadable" in found.compared


def test_no_computed_code_unaccounted_for(found: Scan) -> None:
    assert not found.unknown, (
        "codes computed at these sites cannot be checked; write the code as a string literal, "
        "or list the site in DYNAMIC in tests/test_codes.py:\n  " + "\n  ".join(found.unknown)
    )


def test_every_code_used_is_registered(found: Scan) -> None:
    used: dict[str, list[str]] = {}
    for code, uses in found.produced.items():
        used.setdefault(code, []).extend(u.where for u in uses)
    for source in (found.classes, found.compared):
        for code, wheres in source.items():
            used.setdefault(code, []).extend(wheres)
    missing = {c: w for c, w in used.items() if c not in CODES}
    assert not missing, f"codes used in assess/ without an entry in assess/codes.py ({FIX_HINT}):\n" + _list(
        missing
    )


def test_every_code_compared_is_produced(found: Scan) -> None:
    orphan = {c: w for c, w in found.compared.items() if c not in found.produced and c not in found.classes}
    assert not orphan, "codes tested against that nothing produces (a renamed code?):\n" + _list(orphan)


def test_no_stale_entry(found: Scan) -> None:
    stale = [c.code for c in REGISTRY if c.code not in found.produced and c.code not in found.classes]
    assert not stale, (
        "entries in assess/codes.py that no code in assess/ uses any more; remove them "
        f"(and run python scripts/make_messages_doc.py): {', '.join(stale)}"
    )


def test_kinds_match_the_code(found: Scan) -> None:
    """An error class's code is kind "error"; a finding only ever a warning is "warning"."""
    wrong: list[str] = []
    for entry in REGISTRY:
        code = entry.code
        if code in found.classes:
            expected = {"error"}
        elif code in found.produced:
            severities = {u.severity for u in found.produced[code]} - {None}
            if not severities:
                expected = {"finding", "warning"}
            elif severities == {"warning"}:
                expected = {"warning"}
            else:
                expected = {"finding"}
        else:
            continue
        if entry.kind not in expected:
            wrong.append(f"{code}: kind {entry.kind!r}, expected {' or '.join(sorted(expected))}")
    assert not wrong, "kinds in assess/codes.py that do not match how the code is used:\n  " + "\n  ".join(
        wrong
    )


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_entries_are_complete() -> None:
    assert len(CODES) == len(REGISTRY), "a code has two entries in assess/codes.py"
    for c in REGISTRY:
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*|scheme-\*", c.code), c.code
        assert c.kind in KINDS, c
        assert c.area in AREAS, c
        for text in (c.title, c.meaning, c.example, c.fix):
            assert text.strip() and CJK.search(text), f"{c.code}: every text is written in Chinese: {text!r}"
            assert "|" not in text and "\n" not in text, f"{c.code}: a table cell holds no | or line break"


def test_pydantic_kinds_have_entries() -> None:
    for kind in _pydantic_kinds():
        assert "scheme-" + kind.replace("_", "-") in CODES, kind
    assert lookup("scheme-string-too-long") is CODES[SCHEME_FAMILY]
    assert lookup("no-such-code") is None
    assert lookup("bad-value") is CODES["bad-value"]


def _render() -> str:
    spec = importlib.util.spec_from_file_location("make_messages_doc", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.render())


def test_messages_doc_is_current() -> None:
    expected = _render()
    actual = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    assert actual == expected, (
        "docs/messages.md is out of date with assess/codes.py; run: python scripts/make_messages_doc.py"
    )
    for c in REGISTRY:
        assert f"`{c.code}`" in actual


def test_codes_module_is_cheap_to_import() -> None:
    script = (
        "import sys, assess.codes; "
        "print(sorted(m.split('.')[0] for m in sys.modules if m.split('.')[0] in "
        "{'click', 'pydantic', 'yaml', 'numpy', 'openpyxl', 'jinja2', 'python_calamine'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]", done.stdout
