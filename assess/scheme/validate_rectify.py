"""Rectification text templates: only the placeholders the ledger fills in, braces in pairs."""

from __future__ import annotations

import string

from assess.scheme import model as m
from assess.scheme.checker import Checker
from assess.scheme.walk import walk_indicators
from assess.scheme.yamltree import Path_

PLACEHOLDERS = ("name", "value", "target", "unit", "lost", "points", "score")


def check_rectify(chk: Checker) -> None:
    s = chk.s
    texts: list[tuple[m.RectifyText | None, Path_]] = [
        (ind.rectify, (*key, "rectify")) for ind, _cat, key in walk_indicators(s)
    ]
    if s.penalties:
        texts += [(p.rectify, ("penalties", "items", i, "rectify")) for i, p in enumerate(s.penalties.items)]
    texts += [(v.rectify, ("vetoes", i, "rectify")) for i, v in enumerate(s.vetoes)]
    for rectify, key in texts:
        if rectify is None:
            continue
        for name in ("problem", "measure"):
            text = getattr(rectify, name)
            if text:
                _placeholders(chk, text, (*key, name))


def _placeholders(chk: Checker, text: str, key: Path_) -> None:
    allowed = " ".join("{" + p + "}" for p in PLACEHOLDERS)
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        chk.add(
            key,
            "rectify-template",
            f"整改模板“{text}”中的花括号不成对;如需花括号本身请写 {{{{ 或 }}}}",
        )
        return
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            chk.add(
                key,
                "rectify-template",
                f"整改模板中的占位符“{shown}”无效;可用的占位符:{allowed}",
            )
