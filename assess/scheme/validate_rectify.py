"""Rectification settings: template placeholders the ledger fills in, braces in pairs; the
listing limits (min_lost, min_share, below_average) only where a lost point is screened."""

from __future__ import annotations

import string

from assess.scheme import model as m
from assess.scheme.checker import Checker
from assess.scheme.walk import walk_indicators
from assess.scheme.yamltree import Path_

PLACEHOLDERS = ("name", "value", "target", "unit", "lost", "points", "score")
LIMITS = ("min_lost", "min_share", "below_average")


def check_rectify(chk: Checker) -> None:
    s = chk.s
    texts: list[tuple[m.RectifyText | None, Path_]] = [
        (ind.rectify, (*key, "rectify")) for ind, _cat, key in walk_indicators(s)
    ]
    if s.penalties:
        texts += [(p.rectify, ("penalties", "items", i, "rectify")) for i, p in enumerate(s.penalties.items)]
    texts += [(v.rectify, ("vetoes", i, "rectify")) for i, v in enumerate(s.vetoes)]
    _always_listed(chk)
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


def _always_listed(chk: Checker) -> None:
    """Penalties and vetoes are always listed: a listing limit on one would be silently ignored."""
    s = chk.s
    items: list[tuple[m.RectifyText | None, Path_, str]] = []
    if s.penalties:
        items += [
            (p.rectify, ("penalties", "items", i, "rectify"), f"扣分项“{p.name}”")
            for i, p in enumerate(s.penalties.items)
        ]
    items += [
        (v.rectify, ("vetoes", i, "rectify"), f"一票否决事项“{v.name}”") for i, v in enumerate(s.vetoes)
    ]
    for rectify, key, what in items:
        if rectify is None:
            continue
        for name in LIMITS:
            if getattr(rectify, name) is not None:
                chk.add(
                    (*key, name),
                    "rectify-filter",
                    f"{what}总是列入整改清单,不能写 {name};列入标准只用于指标的失分",
                )
