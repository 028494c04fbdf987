"""Which layout a file has: county workbook, summary table or detail table."""

from __future__ import annotations

from operator import itemgetter
from pathlib import Path

from assess.scheme.inputs import ReadPlan
from assess.workbook.details import table_header
from assess.workbook.headers import (
    OWNER_HEADERS,
    TOTAL_RE,
    TOTAL_ROWS,
    UNIT_HEADERS,
    book_county_header,
    cell_at,
    cell_text,
    find_header,
    is_blank,
    match_roles,
    spec_index,
)
from assess.workbook.names import clean_all, key_of
from assess.workbook.read import Book, Row, open_book
from assess.workbook.safety import fail
from assess.workbook.summary import summary_columns


def detect_layout(path: Path, plan: ReadPlan | None = None) -> str:
    """ "county", "summary" or "details" for a file, judged from its header rows."""
    with open_book(Path(path)) as book:
        return layout_of(book, plan)


def layout_of(book: Book, plan: ReadPlan | None = None) -> str:
    """:func:`detect_layout` on an open Book.

    A sheet with 指标名称/编码 and 数值 headers makes a county workbook; a
    sheet named like a plan's detail table, or whose unit column repeats
    names, is a detail table; one unit per row is a summary table.
    """
    sheets = [s.name for s in book.sheets if s.visible != "very-hidden"]
    for name in sheets:
        if book_county_header(book, name) is not None:
            return "county"
    if plan is not None and plan.tables:
        by_code, by_name = spec_index(plan.inputs)
        for spec in plan.tables:
            if book.find_sheet(spec.name, *spec.aliases)[0] is not None:
                return "details"
            for name in sheets:
                h, cols, unit_col = table_header(book, name, spec)
                if h >= 0 and unit_col is not None and len(cols) >= 2:
                    fields = summary_columns(book.rows(name)[h], by_code, by_name)
                    if len(cols) > len(fields):
                        return "details"
    heads = {"u": UNIT_HEADERS, "owner": OWNER_HEADERS}
    for name in sheets:
        rows = book.rows(name)
        h, _ = find_header(rows, lambda row: len(match_roles(row, heads)))
        roles = match_roles(rows[h], heads) if h >= 0 else {}
        if plan is not None and not plan.tables and "u" in roles:
            # A scheme without detail tables reads only summary tables: repeated names are
            # duplicates to report, and 所属县 beside 村名称 is the group of each village.
            return "summary"
        if "owner" in roles:  # 所属县 beside 村名称: one row per village
            return "details"
        if "u" not in roles:
            continue
        return "details" if _repeats(rows[h + 1 :], roles["u"]) else "summary"
    raise fail(
        book.path,
        "无法识别表格格式:既不是县级填报表(指标名称、数值等列),也不是汇总表或明细表(单位名称等列)",
    )


def _repeats(rows: list[Row], c: int) -> bool:
    """Whether a unit name occurs twice in column ``c`` (total rows aside): one row per unit or not.

    Compared as written first (a set in C for 500,000 rows); only the few
    distinct names are then cleaned, to catch “甲县” beside “甲 县”.
    """
    try:
        names = list(map(itemgetter(c), rows))  # in C: 500,000 rows in milliseconds
    except IndexError:  # a short row
        names = [cell_at(row, c) for row in rows]
    distinct = set(names)
    distinct.discard("")
    count = len(names) - names.count("")
    plain = set(map(type, distinct)) == {str}
    if plain and not TOTAL_RE.search("\n".join(distinct)):  # no total rows: only blanks to set aside
        odd = [v for v in distinct if not v.strip()] if "" in set(map(str.strip, distinct)) else []
    else:
        odd = [v for v in distinct if type(v) is not str or TOTAL_RE.search(v) or not v.strip()]
    for v in odd:
        if is_blank(v) or key_of(v) in TOTAL_ROWS:
            distinct.discard(v)
            count -= names.count(v)
    if len(distinct) < count:
        return True
    texts = list(map(str.strip, distinct)) if plain else [cell_text(v) for v in distinct]
    return len(set(clean_all(texts))) < len(distinct)
