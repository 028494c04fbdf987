"""The words each level of unit is called by: 县 or 乡镇 or 部门, in titles, headings and messages.

A scheme assesses one level of unit (``Scheme.level``), and a notice may rank several
kinds in separate groups (``Group.kind``: a province ranks its 市州 and its 省直部门).
Every document and message that names the units takes its words from here, so that a
township's notice says 乡镇 where a county's says 县市区, and no level is spelled out
elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assess.scheme.model import Scheme
    from assess.scheme.plan import Plan


@dataclass(frozen=True, slots=True)
class LevelWords:
    """What one kind of unit is called, each word where an official document puts it."""

    unit: str  # one unit, in counts and phrases: 3 个县, 一县一表
    header: str  # a table's column of unit names: 县(市、区)
    title: str  # the units together in a title or heading: 2024 年度县市区乡村振兴实绩考核结果排名
    role: str  # a unit's data file, in messages and on its template: 县级填报表


LEVELS: dict[str, LevelWords] = {
    "province": LevelWords("省", "省(区、市)", "省区市", "省级填报表"),
    "city": LevelWords("市州", "市(州)", "市州", "市级填报表"),
    "county": LevelWords("县", "县(市、区)", "县市区", "县级填报表"),
    "township": LevelWords("乡镇", "乡镇(街道)", "乡镇", "乡镇填报表"),
    "village": LevelWords("村", "行政村", "村", "村级填报表"),
    "department": LevelWords("部门", "部门", "市直部门", "部门填报表"),
}
# Where no level is known (a unit's data read without a scheme): neutral words.
UNKNOWN = LevelWords("单位", "单位", "", "填报数据文件")
# Departments are named after who assesses them, one level above the units ranked beside
# them: a province ranking its 市州 ranks 省直部门; a scheme of departments alone, 市直部门.
DEPARTMENTS = {"city": "省直部门", "county": "市直部门", "township": "县直部门"}


def words(level: str | None, beside: str | None = None) -> LevelWords:
    """The words of ``level``; ``beside`` is the scheme's level, which names its departments."""
    found = LEVELS.get(level or "", UNKNOWN)
    if level == "department" and beside in DEPARTMENTS:
        return LevelWords(found.unit, found.header, DEPARTMENTS[beside], found.role)
    return found


def _scheme(source: Plan | Scheme) -> Scheme:
    from assess.scheme.model import Scheme  # loaded already: ``source`` is one or holds one

    return source if isinstance(source, Scheme) else source.scheme


def group_words(source: Plan | Scheme, group: str | None) -> LevelWords:
    """The words of one group's units (by its id, name or alias): its ``kind``, or the scheme's level."""
    s = _scheme(source)
    found = next((g for g in s.groups if group is not None and group in (g.id, g.name, *g.aliases)), None)
    return words(found.kind if found is not None and found.kind else s.level, beside=s.level)


def kinds(source: Plan | Scheme) -> list[LevelWords]:
    """The kinds of unit a scheme ranks, in the order of its groups (one when none has a ``kind``)."""
    s = _scheme(source)
    out = [group_words(s, g.id) for g in s.groups] or [words(s.level)]
    return list(dict.fromkeys(out))


def mixed(source: Plan | Scheme) -> bool:
    """Whether the scheme's groups are of several kinds, each table then named by its own."""
    return len(kinds(source)) > 1


def units_title(source: Plan | Scheme) -> str:
    """The units of a scheme together, as a title says them: 县市区, or 市州和省直部门."""
    titles = [w.title for w in kinds(source) if w.title]
    if len(titles) < 2:
        return "".join(titles)
    return "、".join(titles[:-1]) + "和" + titles[-1]
