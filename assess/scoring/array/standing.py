"""Places and grades on arrays: the ranking half of the array core (``core.py``).

Ties by the scheme's tie-breaks, shared or dense places, vetoes and bars as a
floor under the grade, then quotas within groups before quotas over the
cohort, as ``ranking.rank_cohort`` applies them.  Units are grouped by
sorting, never with one mask per group: 3,000 groups of 500,000 villages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from assess.scoring.ranking import has_quota, quota_cut, quota_limit, quota_tie_note

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.array.core import Variation

EPS = 1e-9


class Standing:
    """Mixed into ``FastCohort``: what ranking needs from it is declared here."""

    plan: Plan
    n: int
    units: list[str]
    group_code: np.ndarray
    group_names: list[str]  # group id ("" for none) by group code
    floor_level: np.ndarray
    grade_min: np.ndarray
    tie_break: list[tuple[str, int]]  # ("category" | "indicator" | "parent", index)

    def indicator_scores(self, var: Variation | None = None) -> np.ndarray:
        raise NotImplementedError

    def _parent_score(self, scores: np.ndarray, k: int) -> np.ndarray:
        """A second-level indicator's score as a tie-break: its children's sum (0 when none scored)."""
        pid = list(self.plan.parents)[k]
        kids = [i for i, ind in enumerate(self.plan.indicators) if ind.parent == pid]
        cols = scores[:, kids]
        rounded = self.plan.round.sum_array(cols, ~np.isnan(cols))  # as total._parents: Rounder.sum
        return np.where(np.isnan(cols).all(axis=1), 0.0, rounded)

    def places(
        self, totals: np.ndarray, cats: np.ndarray, var: Variation | None = None, *, overall: bool = False
    ) -> np.ndarray:
        """Place within group (or, ``overall``, in the whole cohort): ties by the scheme's
        tie-break, then shared (or dense)."""
        keys: list[np.ndarray] = []
        scores = None
        for kind, idx in self.tie_break:
            if kind == "category" and idx >= 0:
                keys.append(-cats[:, idx])
            elif kind == "indicator":
                if scores is None:
                    scores = self.indicator_scores(var)
                keys.append(-np.nan_to_num(scores[:, idx], nan=0.0))
            elif kind == "parent":
                if scores is None:
                    scores = self.indicator_scores(var)
                keys.append(-self._parent_score(scores, idx))
        groups = np.zeros(self.n, dtype=int) if overall else self.group_code
        # np.lexsort sorts by the last key first.
        order = np.lexsort([*reversed(keys), -totals, groups])
        n = self.n
        if n == 0:
            return np.zeros(0, dtype=int)
        at = np.arange(n)
        g = groups[order]
        new_group = np.ones(n, dtype=bool)
        new_group[1:] = g[1:] != g[:-1]
        new_key = new_group.copy()
        for col in (totals, *keys):
            c = col[order]
            new_key[1:] |= c[1:] != c[:-1]
        group_start = np.maximum.accumulate(np.where(new_group, at, 0))
        if self.plan.scheme.ranking.ties == "dense":
            runs = np.cumsum(new_key)
            sorted_place = runs - runs[group_start] + 1
        else:
            run_start = np.maximum.accumulate(np.where(new_key, at, 0))
            sorted_place = run_start - group_start + 1
        place = np.empty(n, dtype=int)
        place[order] = sorted_place
        return place

    def standing(
        self, totals: np.ndarray, cats: np.ndarray, var: Variation | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(places within groups, grade indexes after quotas) for one run."""
        place = self.places(totals, cats, var)
        cohort_quota = any(has_quota(g) and g.quota_within == "cohort" for g in self.plan.scheme.grades)
        overall = self.places(totals, cats, var, overall=True) if cohort_quota else None
        return place, self.grades(totals, place, overall)

    def grades(
        self,
        totals: np.ndarray,
        place: np.ndarray,
        overall_place: np.ndarray | None = None,
        *,
        notes: list[str] | None = None,
        labels: Sequence[str | None] = (),
    ) -> np.ndarray:
        """Grade index per unit (0 = best): bands, vetoes and bars, then quotas in rank order.

        Quotas within groups are applied first, then quotas over the cohort
        (ranked by ``overall_place``), as ``ranking.rank_cohort`` does.  ``notes``, when
        given, receives ``ranking._apply_quotas``'s notes of quotas exceeded by a tie, in its
        order (groups as they first appear in the input, then the cohort); ``labels`` are the
        units' group names for them.
        """
        names = self.plan.grade_names
        if not names:
            return np.zeros(self.n, dtype=int)
        band = np.zeros(self.n, dtype=int)
        for gi in range(len(self.grade_min) - 1, -1, -1):
            band = np.where(totals >= self.grade_min[gi] - EPS, gi, band)
        band = np.where(totals < self.grade_min[-1] - EPS, len(names) - 1, band)
        level = np.maximum(band, self.floor_level)
        quotas = [
            (gi, g) for gi, g in enumerate(self.plan.scheme.grades) if has_quota(g) and gi + 1 < len(names)
        ]
        if not quotas:
            return level
        unit_names = np.array(self.units)
        for within in ("group", "cohort"):
            scoped = [(gi, g) for gi, g in quotas if g.quota_within == within]
            if not scoped:
                continue
            scopes = self.group_code if within == "group" else np.zeros(self.n, dtype=int)
            ranks = place if within == "group" or overall_place is None else overall_place
            order = np.lexsort((unit_names, ranks, scopes))  # by scope, then rank order
            bounds = np.flatnonzero(np.diff(scopes[order])) + 1
            said: list[tuple[int, str]] = []
            for members in np.split(order, bounds):
                if not len(members):
                    continue
                group = self.group_names[int(scopes[members[0]])] if within == "group" else None
                for gi, grade in scoped:
                    limit = quota_limit(self.plan, grade, within, group, len(members))
                    if limit is None:
                        continue
                    allowed, quota = limit
                    ranked = members[level[members] == gi]
                    if len(ranked) <= allowed:
                        continue
                    # tied at the cut-off: kept together, by the engine's own rule
                    cut = quota_cut(ranks[ranked].tolist(), allowed)
                    level[ranked[cut:]] = gi + 1
                    if notes is not None and cut > allowed:
                        tied = [self.units[u] for u in ranked[allowed - 1 : cut].tolist()]
                        label = labels[int(ranked[0])] if within == "group" and labels else None
                        said.append(
                            (int(members.min()), quota_tie_note(quota, grade.name, tied, label, allowed, cut))
                        )
            if notes is not None:
                notes += [text for _first, text in sorted(said, key=lambda x: x[0])]
        return level
