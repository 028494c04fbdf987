"""The annual ranking as a Word-ready document (通报附件) or a .doc package."""

from __future__ import annotations

from math import isfinite
from typing import TYPE_CHECKING, Any

from assess import __version__
from assess.levels import LevelWords, group_words, mixed, units_title
from assess.render.document import Document
from assess.scoring.numbers import Rounder, fmt
from assess.scoring.ranking import groups_of, place_text, table_key
from assess.scoring.statistics import average_text, basis_note, worse_units

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.result import UnitResult


# The units worse than the average named in the statistics attachment; more are counted (等 9 个).
STATS_NAMED = 5


def value_places(ind: Any, values: list[float | None]) -> int:
    """The decimals an indicator's figures have in the statistics attachment, as its values are
    written on the score sheets (``fmt_value``): a percentage 2 (64.30%), a count none, any other
    value the most decimals one unit's value shows there (at most 2: 27.3 天 gives 1)."""
    if ind.unit == "%":
        return 2
    if ind.kind == "count":
        return 0
    shown = (fmt(v, 2) for v in values if v is not None and isfinite(v))
    return max((len(t.partition(".")[2]) for t in shown), default=0)


def figure_text(value: float | None, unit: str | None, places: int) -> str:
    """A figure of the statistics attachment: ``places`` decimals, its unit, thousands grouped
    from 10,000 as on the score sheets (``30,398.28 万元``, ``64.30%``, ``27.3 天``)."""
    if value is None or not isfinite(value):
        return "—"
    text = Rounder(places).text(value)
    whole, dot, frac = text.partition(".")
    if abs(value) >= 10000 and whole.lstrip("-").isdigit():
        text = f"{int(whole):,}{dot}{frac}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if unit else text


def part_headers(plan: Plan) -> list[str]:
    """One column per ``composition`` part, before the total: the part's weighted points, headed
    by the most it can give, e.g. “日常考核(折算 30 分)” (30% of a full score of 100)."""
    full = plan.scheme.full_score
    return [f"{p.name}(折算 {fmt(p.weight * full)} 分)" for p in plan.scheme.composition]


def part_points(plan: Plan, r: Any) -> list[float | None]:
    """A unit's weighted points of each part (``UnitResult`` or ``BriefRow``), in the scheme's order."""
    got = {p["id"]: p.get("weighted") for p in r.parts}
    return [got.get(p.id) for p in plan.scheme.composition]


def part_note(plan: Plan) -> str:
    """What the part columns hold, under the ranking tables ("" without ``composition``)."""
    s = plan.scheme
    if not s.composition:
        return ""
    heads = "".join(f"“{h}”" for h in part_headers(plan))
    own = next((p.name for p in s.composition if p.source == "categories"), "")
    return (
        f"{heads}为各部分按权重折算的得分(部分得分 ÷ 该部分满分 × 权重 × 满分 {fmt(s.full_score)} 分),"
        "各部分相加为基本得分,再计加分、扣分得总分" + (f";各一级指标得分为“{own}”的组成。" if own else "。")
    )


def _blocks(plan: Plan, results: list[UnitResult], overall: bool) -> list[tuple[str, list[UnitResult]]]:
    if overall or not plan.scheme.groups:
        return [("全体参评单位", sorted(results, key=lambda r: table_key(r, overall=True)))]
    grouped = groups_of(results)
    order = list(plan.group_names) + [""]
    out = []
    for gid in sorted(grouped, key=lambda g: order.index(g) if g in order else len(order)):
        name = plan.group_names.get(gid, "未分组") if gid else "未分组"
        out.append((name, sorted(grouped[gid], key=table_key)))
    return out


def _absent_columns(plan: Plan, members: list[Any], overall: bool) -> set[int]:
    """Table columns (by index) of the categories a group's set leaves out entirely."""
    if not plan.sets or overall or not members:
        return set()
    points = plan.category_points(members[0].group)
    return {2 + i for i, p in enumerate(points) if not p}


def _without(items: list[Any], gone: set[int]) -> list[Any]:
    return [x for i, x in enumerate(items) if i not in gone]


def category_scores(plan: Plan, r: Any) -> dict[str, float | None]:
    """A unit's score per category; None for a category its group is not assessed on."""
    return {c.id: None if plan.sets and not c.points else c.score for c in r.categories}


def category_headers(plan: Plan) -> list[str]:
    """Each category headed with its points, unless the groups' own sets give it different
    points (分类考核): then by name, each unit's score sheet saying its own."""
    points = [plan.category_points(g) for g in plan.sets] or [plan.category_points(None)]
    out = []
    for ci, c in enumerate(plan.scheme.categories):
        seen = {p[ci] for p in points if p[ci]}
        out.append(f"{c.name}({fmt(seen.pop())})" if len(seen) == 1 else c.name)
    return out


def own_words(plan: Plan, members: list[UnitResult], overall: bool) -> LevelWords | None:
    """A group's own words where the notice ranks several kinds of unit (市州 and 省直部门),
    its table then headed 部门 rather than 单位; None where one word fits every table."""
    if overall or not members or not mixed(plan):
        return None
    return group_words(plan, members[0].group)


def ranking_context(plan: Plan, results: list[UnitResult], doc: dict[str, Any]) -> dict[str, Any]:
    rnd = plan.round
    cats = plan.scheme.categories
    has_prev = doc.get("previous") is not None
    parts = part_headers(plan)
    headers = [
        "排名",
        "单位",
        *category_headers(plan),
        *parts,
        plan.bonus_word,
        "扣分",
        "总分",
        "等次",
    ]
    if has_prev:
        headers.append("较上年")
    blocks = []
    for name, members in _blocks(plan, results, bool(doc.get("overall"))):
        rows = []
        for r in members:
            scores = category_scores(plan, r)
            row: list[Any] = [
                {"text": place_text(r.overall_rank if doc.get("overall") else r.rank)},
                {"text": r.unit, "align": "left"},
                *[
                    {"text": rnd.text(scores[c.id]) if scores[c.id] is not None else "—", "num": True}
                    for c in cats
                ],
                *[{"text": rnd.text(v), "num": True} for v in part_points(plan, r)],
                {"text": rnd.text(r.bonus_total), "num": True},
                {"text": rnd.text(r.penalty_total), "num": True},
                {"text": rnd.text(r.total), "num": True, "bold": True},
                r.grade or "—",
            ]
            if has_prev:
                row.append((r.previous or {}).get("rank_change", "—"))
            rows.append(row)
        own = own_words(plan, members, bool(doc.get("overall")))
        block_heads = [own.header if own and h == "单位" else h for h in headers]
        ncat = len(cats) + len(parts)
        widths = [5, 12, *([8] * ncat), 6, 6, 8, 6] + ([6] if has_prev else [])
        gone = _absent_columns(plan, members, bool(doc.get("overall")))
        if gone:  # categories this group is not assessed on (分类考核): no column of dashes
            block_heads, widths = _without(block_heads, gone), _without(widths, gone)
            rows = [_without(row, gone) for row in rows]
        blocks.append(
            {
                "title": f"{name}({len(members)} 个{own.unit if own else ''})",
                "headers": block_heads,
                "unit": own.header if own else "单位",
                "rows": rows,
                "members": members,
                "widths": widths,
                "num_cols": tuple(range(2, 2 + ncat - len(gone) + 3)),
            }
        )
    n = len(results)
    counts = {g: sum(1 for r in results if r.grade == g) for g in plan.grade_names}
    graded = ",".join(f"评为“{g}”的 {c} 个" for g, c in counts.items() if c)
    overview = f"按照《{plan.scheme.title}》,对 {n} 个{units_title(plan) or '单位'}进行了考核评分。" + (
        f"{graded}。" if graded else ""
    )
    grade_lines = []
    for g in plan.grade_names:
        names = [
            r.unit for r in sorted(results, key=lambda r: (r.group or "", *table_key(r))) if r.grade == g
        ]
        if names:
            grade_lines.append(f"“{g}”等次({len(names)} 个):{'、'.join(names)}。")
    award_lines = _award_lines(plan, results)
    flagged = []
    for flag in sorted({f for r in results for f in r.flags}):
        names = [r.unit for r in results if flag in r.flags]
        flagged.append(f"{flag}:{'、'.join(names)}。")
    vetoed_units = [f"{r.unit}({'、'.join(v.name for v in r.vetoes)})" for r in results if r.vetoes]
    vetoed = f"触发一票否决的单位:{'、'.join(vetoed_units)}。" if vetoed_units else ""
    stats_rows = []
    by_id = {i.id: i for i in plan.indicators}
    shown = [s for s in doc.get("statistics", []) if s.get("count")]
    # 参评数 only where some indicator had fewer units than the notice ranks (a column of 14s says nothing).
    counted = any(s["count"] != n for s in shown)
    for s in shown:
        ind = by_id[s["id"]]
        values = [(r.unit, next((i.value for i in r.indicators if i.id == s["id"]), None)) for r in results]
        places = value_places(ind, [v for _, v in values])

        def figure(v: float | None, places: int = places, unit: str | None = ind.unit) -> str:
            return figure_text(v, unit, places)

        worse = worse_units(s, values, gaps=False, text=figure)  # the gap to the average: the 平均 column
        name = s["name"] + ("(越低越好)" if s["direction"] == "lower" and s.get("yes") is None else "")
        cells: list[Any] = [s["id"], {"text": name, "align": "left"}]
        if counted:
            cells.append(str(s["count"]))
        # “是 11 个,占 78.57%” for a yes/no indicator: may wrap in its narrow column
        avg = (
            average_text(s)
            if s.get("yes") is not None
            else figure_text(s.get("average"), ind.unit, max(places, 1))
        )
        cells += [
            {"text": avg, "num": True, "wrap": True} if len(avg) > 9 else avg,
            figure(s.get("best")),
            figure(s.get("worst")),
            {
                "text": "、".join(worse[:STATS_NAMED])
                + (f"等 {len(worse)} 个" if len(worse) > STATS_NAMED else ""),
                "align": "left",
            },
        ]
        stats_rows.append(cells)
    stats_headers = [
        "编码",
        "指标",
        *(["参评数"] if counted else []),
        "平均",
        "最好",
        "最差",
        "差于平均的单位(由差到好)",
    ]
    ncat = len(cats) + len(parts)
    return {
        "overview": overview,
        "grade_lines": grade_lines,
        "award_lines": award_lines,  # 授予浏阳市、宁乡市“标兵县”称号
        "notes": list(doc.get("notes") or []),  # e.g. a quota exceeded by a tie at its line
        "headers": headers,
        "widths": [5, 12, *([8] * ncat), 6, 6, 8, 6] + ([6] if has_prev else []),
        "num_cols": tuple(range(2, 2 + ncat + 3)),
        "decimals": plan.scheme.rounding.decimals,
        "blocks": blocks,
        "part_note": part_note(plan),
        "flagged": flagged,
        "vetoed": vetoed,
        "stats": stats_rows,
        "stats_headers": stats_headers,
        "stats_num_cols": tuple(range(2, 6 if counted else 5)),
        "attachments": ["主要指标完成情况统计"] if stats_rows else [],
        "stats_notes": basis_note(doc.get("statistics", [])),
        "provenance": (
            f"由 assess {__version__} 依据方案 {plan.scheme.id}(SHA-256 {plan.sha256[:16]}…)"
            f"和 {len(doc['provenance']['inputs'])} 个数据文件生成;各文件的 SHA-256 见 JSON 输出。"
        ),
    }


def _award_lines(plan: Plan, results: list[UnitResult]) -> list[str]:
    """One sentence per award of the scheme that someone received, its units in table order:
    a list's title (授予…“标兵县”称号), or a prize for places (…获“一等奖”)."""
    lines = []
    order = sorted(results, key=lambda r: (r.group or "", *table_key(r)))
    for award in plan.scheme.awards:
        names = [r.unit for r in order if award.name in (r.awards or ())]
        if not names:
            continue
        if award.places is None:
            lines.append(f"授予{'、'.join(names)}“{award.name}”称号。")
        else:
            lines.append(f"{'、'.join(names)}获“{award.name}”。")
    return lines


def ranking_document(plan: Plan, results: list[UnitResult], doc: dict[str, Any]) -> Document:
    return Document(
        "ranking.html.j2",
        ranking_context(plan, results, doc),
        title=doc["title"],
        issuer=doc.get("issuer"),
        date=doc["provenance"].get("report_date"),
        landscape=True,
    )


def render_ranking(plan: Plan, results: list[UnitResult], doc: dict[str, Any], fmt_name: str) -> bytes | str:
    """The file's content for ``fmt_name`` (xlsx, or a document format: :mod:`assess.render.document`)."""
    if fmt_name == "xlsx":
        from assess.render.ranking_xlsx import ranking_xlsx

        return ranking_xlsx(plan, results, doc)
    return ranking_document(plan, results, doc).content(fmt_name)
