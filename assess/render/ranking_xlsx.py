"""The ranking as a workbook (one sheet per group plus statistics), and reading it back
as an earlier year's results for ``rank`` / ``score --previous``.

With earlier years given, each sheet has a column per earlier year's place (“2023 年名次”,
oldest first), then the change against the latest of them (排名变化, 分数变化)."""

from __future__ import annotations

import math
from collections.abc import Container
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

from assess.render.xlsx_print import fit_print
from assess.render.xlsx_style import BOLD, FONT, header, number_format, put, title, to_bytes
from assess.scoring.numbers import fmt
from assess.scoring.ranking import UNRANKED
from assess.scoring.results_file import Made, year_in_title
from assess.scoring.statistics import BASIS_WORDS, average_text
from assess.workbook.marker import RANKING

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.result import UnitResult

MARKER = "assess.rank/1"


def ranking_xlsx(plan: Plan, results: list[UnitResult], doc: dict[str, Any]) -> bytes:
    from assess.render.atomic import safe_filename
    from assess.render.ranking import _blocks, category_scores, own_words, part_headers, part_points

    wb = Workbook()
    wb.remove(wb.active)
    cats = plan.scheme.categories
    numfmt = number_format(plan.scheme.rounding.decimals)
    has_prev = doc.get("previous") is not None
    parts = part_headers(plan)
    cols = [
        "排名",
        "单位",
        "分组",
        *[c.name for c in cats],
        *parts,
        plan.bonus_word,
        "扣分",
        "总分",
        "等次",
        "标记",
    ]
    earlier = [h["year"] for h in doc.get("history") or []]  # the earlier years given, oldest first
    prev_cols = [f"{y} 年名次" for y in earlier] or ["上年排名"]
    if has_prev:
        cols += [*prev_cols, "排名变化", "分数变化"]
    taken: set[str] = set()
    for name, members in _blocks(plan, results, bool(doc.get("overall"))):
        ws = wb.create_sheet(safe_filename(name, taken)[:31])
        title(ws, f"{doc['title']}({name})", len(cols))
        own = own_words(plan, members, bool(doc.get("overall")))  # 部门 beside 市州 where a notice ranks both
        widths = [6, 14, 12, *([12] * len(cats)), *([16] * len(parts)), 8, 8, 9, 7, 16]
        widths += [9] * (len(prev_cols) + 2) if has_prev else []
        header(ws, 2, [own.header if own is not None and c == "单位" else c for c in cols], widths)
        for row, r in enumerate(members, start=3):
            scores = category_scores(plan, r)
            values: list[Any] = [
                (r.overall_rank if doc.get("overall") else r.rank) or UNRANKED,
                r.unit,
                r.group_name or "",
                *[scores[c.id] for c in cats],
                *part_points(plan, r),
                r.bonus_total,
                r.penalty_total,
                r.total,
                r.grade or "",
                "、".join([*(r.awards or ()), *r.flags]),
            ]
            if has_prev:
                prev = r.previous or {}
                if earlier:
                    places = {h["year"]: h.get("place") for h in prev.get("history") or []}
                    values += [places.get(y) for y in earlier]
                else:
                    values.append(prev.get("previous_rank"))
                values += [prev.get("rank_change"), prev.get("total_change")]
            for col, value in enumerate(values, start=1):
                put(
                    ws,
                    row,
                    col,
                    value,
                    number_format=_number_format(value, numfmt),
                    font=BOLD if col == len(cats) + len(parts) + 6 else FONT,
                )
        ws.freeze_panes = "C3"
        ws.auto_filter.ref = f"A2:{ws.cell(row=2, column=len(cols)).column_letter}{max(2, len(members) + 2)}"
        fit_print(ws, header_row=2, widths=widths)
    _data_sheet(wb, plan, results, doc["title"])
    st = wb.create_sheet("指标统计")
    scols = ["编码", "指标", "单位", "参评数", "平均", "平均口径", "最好", "最差", "越低越好"]
    title(st, "主要指标完成情况统计", len(scols))
    swidths = [8, 36, 8, 8, 16, 24, 12, 12, 9]
    header(st, 2, scols, swidths)
    for row, s in enumerate((s for s in doc.get("statistics", []) if s.get("count")), start=3):
        yes_no = s.get("yes") is not None
        basis = "是否项:“是”的个数和占比" if yes_no else BASIS_WORDS.get(s.get("average_basis") or "", "")
        for col, value in enumerate(
            [
                s["id"],
                s["name"],
                s.get("unit") or "",
                s["count"],
                average_text(s) if yes_no else s.get("average"),
                basis,
                s.get("best"),
                s.get("worst"),
                "是" if s["direction"] == "lower" and not yes_no else "",
            ],
            start=1,
        ):
            put(st, row, col, value, number_format=_number_format(value, "0.00"))
    st.freeze_panes = "C3"
    fit_print(st, header_row=2, widths=swidths)
    meta = wb.create_sheet("说明")
    meta["A1"], meta["B1"] = "format", MARKER
    meta["A2"], meta["B2"] = "scheme", plan.scheme.id
    meta["A3"], meta["B3"] = "sha256", plan.sha256
    meta["A4"], meta["B4"] = "说明", f"由 assess 生成;满分 {fmt(plan.scheme.full_score)} 分"
    meta["A5"], meta["B5"] = "year", plan.scheme.year  # read back by ``--previous``
    meta.sheet_state = "hidden"
    return to_bytes(wb, RANKING)


DATA_SHEET = "指标数据"


def scheme_order(plan: Plan, results: list[UnitResult]) -> list[UnitResult]:
    """The units in the scheme's order (its ``units:`` list), then those it does not list in
    the order given: the order of a workbook's data sheets, where a ranking sheet has places."""
    listed = {u.name: i for i, u in enumerate(plan.scheme.units)}
    return sorted(results, key=lambda r: listed.get(r.unit, len(listed)))  # stable: the rest as given


DATA_SHEET_LIMIT = 5_000  # units: more make a workbook slow to write and to open; the JSON has the values


def _data_sheet(wb: Workbook, plan: Plan, results: list[UnitResult], doc_title: str) -> None:
    """Each unit's value of each indicator (实际值), one row per unit in the scheme's order: a number
    with its unit in the number format (``64.30%``, ``27.3 天``), 是/否, or a rating's word.  The
    same from the full results and from the brief table (``rank --brief`` makes the same
    workbook); left out above :data:`DATA_SHEET_LIMIT` units."""
    if len(results) > DATA_SHEET_LIMIT:
        return
    shown = list(plan.indicators)
    ws = wb.create_sheet(DATA_SHEET)
    cols = ["单位", "分组", *[f"{i.id} {i.name}" + (f"({i.unit})" if i.unit else "") for i in shown]]
    title(ws, f"{doc_title}(各单位指标实际值)", len(cols))
    widths = [14, 12, *([14] * len(shown))]
    header(ws, 2, cols, widths)
    for row, r in enumerate(scheme_order(plan, results), start=3):
        put(ws, row, 1, r.unit)
        put(ws, row, 2, r.group_name or "")
        got = {i.id: i.value for i in r.indicators}
        for col, ind in enumerate(shown, start=3):
            value, shown_as = _value_cell(ind, got.get(ind.id))
            put(ws, row, col, value, number_format=shown_as)
    ws.freeze_panes = "C3"
    fit_print(ws, header_row=2, widths=widths)


def _value_cell(ind: Any, value: float | None) -> tuple[Any, str | None]:
    """An indicator's value as the score sheet's 实际值 cell writes a number, 是/否 or a rating."""
    if value is None or (isinstance(value, bool) and ind.kind != "bool") or not math.isfinite(float(value)):
        return "—", None
    if ind.kind == "bool":
        return ("是" if value else "否"), None
    for word, share in ind.levels:  # a rating: the word reported
        if share == value:
            return word, None
    if ind.unit == "%":
        return value, '0.00"%"'
    digits = "#,##0" if float(value).is_integer() else "#,##0.00"
    unit = (ind.unit or "").replace('"', "")
    return value, f'{digits}" {unit}"' if unit else digits


def _number_format(value: Any, decimals: str) -> str | None:
    """Scores with the scheme's decimals, places and counts as whole numbers; text none."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return decimals if isinstance(value, float) else "0"


OVERALL_SHEET = "全体参评单位"


def _derive_places(units: dict[str, dict[str, Any]], unranked: Container[str] = ()) -> None:
    """A workbook holds group places or overall places; the other kind follows from the totals
    (of the units that have places: a unit “不排名” has neither)."""
    totals = {
        name: u["total"]
        for name, u in units.items()
        if isinstance(u.get("total"), float) and name not in unranked
    }
    for name, u in units.items():
        if name not in totals:
            continue
        if u.get("overall_rank") is None:
            u["overall_rank"] = 1 + sum(t > totals[name] for t in totals.values())
        if u.get("rank") is None:
            same = [totals[o] for o, v in units.items() if o in totals and v.get("group") == u.get("group")]
            u["rank"] = 1 + sum(t > totals[name] for t in same)


def read_ranking_xlsx(path: Path) -> dict[str, dict[str, Any]]:
    """Units' rank, total and grade from a workbook written by ``rank --format xlsx``."""
    return read_ranking_book(path)[0]


def read_ranking_book(
    path: Path, book: Any = None, *, required: bool = True
) -> tuple[dict[str, dict[str, Any]], Made]:
    """Units' rank, total and grade from a workbook written by ``rank --format xlsx`` (``book``:
    the workbook already open), and how it was made: the year and the scheme from the hidden
    sheet “说明”, else the year in the title of the first ranking sheet.  A workbook without a
    ranking table is an error, or (``required`` False) nothing."""
    from assess.errors import DataError, Location
    from assess.scoring.results_file import previous_entry
    from assess.workbook.names import clean
    from assess.workbook.read import open_book

    book = book or open_book(path)
    out: dict[str, dict[str, Any]] = {}
    titled: int | None = None
    unranked: set[str] = set()
    for sheet in book.sheet_names:
        if sheet in ("指标统计", DATA_SHEET, "说明"):
            continue
        rows = book.rows(sheet)
        if len(rows) < 2:
            continue
        head = [str(c).strip() if c is not None else "" for c in rows[1]]
        try:
            i_rank, i_unit, i_total, i_grade = (head.index(k) for k in ("排名", "单位", "总分", "等次"))
        except ValueError:
            continue
        i_group = head.index("分组") if "分组" in head else None
        if titled is None and rows[0]:
            titled = year_in_title(rows[0][0])
        basis = "overall_rank" if sheet == OVERALL_SHEET else "rank"
        for n, row in enumerate(rows[2:], start=3):
            name = clean(row[i_unit]) if i_unit < len(row) and isinstance(row[i_unit], str) else ""
            if not name:
                continue

            def at(i: int | None, row: list[Any] = row) -> Any:
                return row[i] if i is not None and i < len(row) and row[i] != "" else None

            # every value checked as a JSON file's are: a hand-edited cell gives a message, not a crash
            place = at(i_rank)
            if place == UNRANKED:  # graded, not ranked: no place, none derived for it either
                unranked.add(name)
                place = None
            out[name] = previous_entry(
                path,
                f"工作表“{sheet}”第 {n} 行",
                {basis: place, "total": at(i_total), "grade": at(i_grade), "group": at(i_group)},
            )
    _derive_places(out, unranked)
    if not out and not required:
        return out, Made()
    if not out:
        raise DataError(
            "上年结果工作簿中找不到排名表(应为 assess rank --format xlsx 的输出)", Location(file=str(path))
        )
    made = _made(path, book)
    return out, Made(made.year or titled, made.scheme, made.format)


def _made(path: Path, book: Any) -> Made:
    """The year, scheme and format the hidden sheet “说明” records (rows of key and value)."""
    from assess.errors import DataError, Location
    from assess.scoring.results_file import MAX_YEAR, MIN_YEAR, XLSX_FIX
    from assess.workbook.names import clean, shown

    if "说明" not in book.sheet_names:
        return Made()
    said: dict[str, tuple[int, Any]] = {}
    for n, row in enumerate(book.rows("说明"), start=1):
        if len(row) >= 2 and isinstance(row[0], str) and row[0].strip() and row[1] != "":
            said.setdefault(row[0].strip(), (n, row[1]))
    year: Any = None
    if "year" in said:
        n, year = said["year"]
        if isinstance(year, float) and year.is_integer():
            year = int(year)
        if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
            raise DataError(
                f"上年结果工作簿中的年份“{shown(year)}”应为 {MIN_YEAR} 到 {MAX_YEAR} 之间的年份;{XLSX_FIX}",
                Location(file=str(path), sheet="说明", cell=f"B{n}"),
            )
    scheme = said.get("scheme", (0, None))[1]
    fmt_ = said.get("format", (0, None))[1]
    return Made(
        year,
        clean(scheme) or None if isinstance(scheme, str) else None,
        fmt_ if isinstance(fmt_, str) else None,
    )
