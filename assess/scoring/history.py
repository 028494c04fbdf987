"""Earlier years' results (``--previous``, given once or more, or as a folder): the rank change
against the latest of them, each unit's ``history`` and the conditions of ``years: N``.

A condition with ``years: N`` (“连续 N 年”) needs this year and the N − 1 years before it,
consecutive: ``years: 3`` in the 2024 scheme reads 2023 and 2022.  When one of those years'
results was not given, the condition cannot be decided for a unit that meets the rest of it:
the consequence (or bar) is not applied to it and a note names the missing years
(:func:`undecided_text`).  Deciding it is done twice where a year is missing (see
``conditions.flag_consequences``): with the missing years counted as not meeting the
condition, then as meeting it; the language has no negation, so a unit that meets the
condition the first way surely meets it, one that fails the second way surely fails it, and
only the units in between are undecided.

Units are matched by name from year to year: a unit renamed in between is a new unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assess.scheme.model import BarCondition, Condition

Entries = dict[str, dict[str, Any]]  # one year's results by unit name (``results_file``)

RUNNING = {2: "两", 3: "三", 4: "四", 5: "五"}  # ``years`` is 1 to 5 (scheme model)


@dataclass
class Earlier:
    """One earlier year's results, as read from one file."""

    year: int
    units: Entries
    file: str = ""  # the file's name, for notes
    scheme: str | None = None  # the id of the scheme the file was made with, when it says
    _places: dict[tuple[str, str], list[int]] | None = field(default=None, repr=False)

    @property
    def places(self) -> dict[tuple[str, str], list[int]]:
        """Sorted places per scope that year: ``("group", 组名)`` and ``("cohort", "")``."""
        if self._places is None:
            out: dict[tuple[str, str], list[int]] = {}
            for entry in self.units.values():
                for within, key, scope in (
                    ("group", "rank", entry.get("group") or ""),
                    ("cohort", "overall_rank", ""),
                ):
                    place = entry.get(key)
                    if isinstance(place, int):
                        out.setdefault((within, scope), []).append(place)
            for places in out.values():
                places.sort()
            self._places = out
        return self._places


@dataclass
class History:
    """This year (the scheme's) and the earlier years' results that were given.

    ``pending`` keeps the undecided notes when no earlier result was given at all: the
    command says them on the screen only (a ranking without ``--previous`` is written as
    before); with at least one earlier year they are notes of the ranking itself.
    """

    year: int
    earlier: dict[int, Earlier] = field(default_factory=dict)
    trend: bool = True  # units get ``history``; False for a bare dict given as last year
    pending: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, year: int, previous: Previous) -> History | None:
        """``previous`` as a History: a bare dict of units (one file of old, in tests) is the
        year before ``year``."""
        if previous is None or isinstance(previous, History):
            return previous
        return cls(year, {year - 1: Earlier(year - 1, previous)}, trend=False)

    @property
    def latest(self) -> Earlier | None:
        """The latest earlier year given: what “较上年” compares with."""
        return self.earlier[max(self.earlier)] if self.earlier else None

    @property
    def years(self) -> list[int]:
        return sorted(self.earlier)

    def needed(self, years: int) -> list[int]:
        """The earlier years “连续 ``years`` 年” needs, oldest first."""
        return list(range(self.year - years + 1, self.year))

    def missing(self, years: int) -> list[int]:
        return [y for y in self.needed(years) if y not in self.earlier]

    def say(self, notes: list[str], text: str) -> None:
        """An undecided condition: a note of the ranking, or a screen note without any year."""
        (notes if self.earlier else self.pending).append(text)

    def trend_of(
        self, unit: str, current: int | None, total: float, grade: str | None, *, overall: bool
    ) -> list[dict[str, Any]]:
        """``history`` of one unit: every earlier year given (nulls where the unit is not in
        that year's results), then this year; places on the same basis as this year's table."""
        key = "overall_rank" if overall else "rank"
        out: list[dict[str, Any]] = []
        for year in self.years:
            entry = self.earlier[year].units.get(unit) or {}
            out.append(
                {
                    "year": year,
                    "score": entry.get("total"),
                    "place": entry.get(key),
                    "grade": entry.get("grade"),
                }
            )
        out.append({"year": self.year, "score": total, "place": current, "grade": grade})
        return out


Previous = History | Entries | None  # what the ranking functions accept as earlier results


def longest(c: Condition | BarCondition) -> int:
    """The largest ``years`` in a condition and its ``any`` / ``all``."""
    return max([c.years, *(longest(sub) for sub in (*(c.any or ()), *(c.all or ())))])


def undecided_text(what: str, years: int, history: History, units: list[str]) -> str:
    """结果运用“通报批评”的“连续三年”须有 2022、2023 年结果,缺 2022 年,未判定(…)。"""
    needed = "、".join(map(str, history.needed(years)))
    missing = "、".join(map(str, history.missing(years)))
    return (
        f"{what}的“连续{RUNNING.get(years, str(years))}年”须有 {needed} 年结果,缺 {missing} 年,"
        f"未判定(本年符合条件的单位:{'、'.join(units)})。"
    )


def trend_line(plan: Any, history: list[dict[str, Any]] | None) -> str:
    """历年得分:2022 年 85.20(第 5 名,较好)、2023 年 88.10(第 3 名,较好)、2024 年 90.30."""
    if not history or len(history) < 2:
        return ""
    parts: list[str] = []
    for k, h in enumerate(history):
        if h.get("score") is None:
            parts.append(f"{h['year']} 年 无结果")
            continue
        text = f"{h['year']} 年 {plan.round.text(h['score'])}"
        if k < len(history) - 1:  # this year's place and grade are on the sheet itself
            said = [f"第 {h['place']} 名"] if h.get("place") is not None else []
            said += [h["grade"]] if h.get("grade") else []
            text += f"({','.join(said)})" if said else ""
        parts.append(text)
    return "历年得分:" + "、".join(parts)


__all__ = ["RUNNING", "Earlier", "Entries", "History", "Previous", "longest", "trend_line", "undecided_text"]
