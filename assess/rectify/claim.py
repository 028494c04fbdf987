"""Claiming (认领): a problem addressed to several units becomes one row per unit.

Feedback from a provincial inspection often names no single county: 单位名称
is 全部, 各县市区 or 所有单位 (every unit of the scheme), or a list such as
``浏阳市、凤凰县``.  Each unit must answer for it on its own row — rectify it,
or set 不涉及 with a reason — so the problem is split here, before the merge.
A unit's row is keyed like a problem found in that unit alone (unit + source +
description), so the same problem later addressed to the unit by name is the
same row, and keeps the shared problem's key as its group (its 编号 derives
from the shared problem's number: ``2024-督查-共性-003-浏阳市``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from assess.errors import Finding, Location
from assess.rectify.model import Problem, finding_problem_id, shown

# 单位名称 values meaning every unit of the scheme (compared after NFKC, so 各县(市、区) is one).
ALL_UNITS = frozenset({"全部", "全部单位", "所有单位", "各单位", "各县市区", "各县(市、区)", "各县(市区)"})
_LIST_RE = re.compile(r"[、,，;；]+")


def is_shared(unit: str) -> bool:
    text = unicodedata.normalize("NFKC", unit).strip()
    return text in ALL_UNITS or len(_names(text)) > 1


def _names(text: str) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in _LIST_RE.split(text) if n.strip()))


def split_shared(problems: list[Problem], units: list[str], findings: list[Finding]) -> list[Problem]:
    """``problems`` with every shared problem replaced by one problem per unit, in place."""
    out: list[Problem] = []
    seen: set[str] = set()
    for p in problems:
        if not is_shared(p.unit):
            if p.id not in seen:
                seen.add(p.id)
                out.append(p)
            continue
        text = unicodedata.normalize("NFKC", p.unit).strip()
        if text in ALL_UNITS:
            targets = units
            if not targets:
                findings.append(
                    Finding(
                        "claim-no-units",
                        f"单位名称为“{shown(p.unit)}”,但方案中没有单位名单,评分结果和台账中也没有单位,"
                        "无法分解到各单位,本行未列入台账;请在方案的 units 中列出单位,或在单位名称中写明单位",
                        p.location or Location(),
                    )
                )
                continue
        else:
            targets = _names(p.unit)
        for unit in targets:
            key = finding_problem_id(unit, p.source, p.description)
            if key in seen:
                continue  # the unit's own row for the same problem already came
            seen.add(key)
            out.append(replace(p, id=key, unit=unit, group=p.id))
    return out


__all__ = ["ALL_UNITS", "is_shared", "split_shared"]
