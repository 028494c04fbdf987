"""Header vocabulary and the helpers every layout uses to find its header row.

Templates drift: title rows, merged cells, renamed headers, a unit in the
header, blank rows, notes below the table.  Each reader therefore finds its
header row itself (the row among the first ``HEADER_SCAN`` that matches most
known headers) and maps the needed columns to indices once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, cast

from assess.scheme.inputs import InputSpec
from assess.workbook.names import code_key, key_of, name_key
from assess.workbook.read import Book, Row
from assess.workbook.values import cell_text

HEADER_SCAN = 30  # rows searched for a header row


def keys(*names: str) -> frozenset[str]:
    """Comparison keys (:func:`name_key`) of header spellings."""
    return frozenset(name_key(n) for n in names)


# fmt: off
COUNTY_ROLES: dict[str, frozenset[str]] = {
    "code": keys("指标编码", "编码", "代码", "指标代码", "编号", "指标编号"),
    "name": keys("指标名称", "名称", "项目", "指标", "指标项", "考核指标", "指标内容", "项目名称"),
    "unit": keys("单位", "计量单位"),
    "value": keys(
        "数值", "填报值", "填报数值", "本年数值", "本年数", "完成值", "完成数", "实际值", "数据",
        "指标值", "本年度数值", "年度数值", "实际完成", "填报数据", "本年完成值", "值", "填报数",
    ),
    "note": keys("说明或佐证", "说明", "备注", "佐证", "佐证材料", "说明或佐证材料", "数据来源",
                 "备注说明"),
}
UNIT_HEADERS = keys(
    "单位名称", "县市区", "县(市、区)", "县(市、区)名称", "县市区名称", "县区", "区县", "县", "县名",
    "乡镇", "乡镇(街道)", "乡镇名称", "村", "村名称", "行政村", "地区", "填报单位", "被考核单位", "单位",
    "部门", "部门名称", "单位(部门)", "市州", "市(州)", "市州名称",
)
GROUP_HEADERS = keys("分组", "考核分组", "组别", "类别", "分类", "考核类别")
YEAR_HEADERS = keys("年度", "考核年度", "填报年度", "年份", "数据年度")
OWNER_HEADERS = keys("所属单位", "所属县", "所属县市区", "所属县(市、区)", "所属乡镇", "所属区县")
# 全州, 全县 alone are not here: 全州(县) is a county's name.
TOTAL_ROWS = keys(
    "合计", "总计", "小计", "汇总", "平均", "合计数", "平均值", "总体平均", "全省", "全市",
    "全省合计", "全市合计", "全州合计", "全县合计", "全区合计", "全省总计", "全市总计",
    "全省平均", "全市平均", "全州平均", "全县平均", "全区平均",
)
# Words one of which every total row above contains: a column without them has no total row.
TOTAL_RE = re.compile("合计|总计|小计|汇总|平均|全省|全市")
# fmt: on


def cell_at(row: Row, c: int | None) -> Any:
    """``row[c]``, or '' when the column is absent or the row is short."""
    return row[c] if c is not None and c < len(row) else ""


def is_blank(v: object) -> bool:
    return v is None or (type(v) is str and not v.strip())


def find_header(
    rows: list[Row], score: Callable[[Row], int], scan: int = HEADER_SCAN, *, full: int = 0
) -> tuple[int, int]:
    """(row index, score) of the best-scoring row among the first ``scan`` rows; (-1, 0) if none.

    ``full`` is the highest score possible: a row reaching it ends the search.
    """
    best, best_score = -1, 0
    for r, row in enumerate(rows[:scan]):
        s = score(row)
        if s > best_score:
            best, best_score = r, s
            if full and s >= full:
                break
    return best, best_score


RolesMemo = dict[tuple[Any, ...], dict[str, int]]


def match_roles(row: Row, roles: dict[str, frozenset[str]], memo: RolesMemo | None = None) -> dict[str, int]:
    """Role → column for the header cells of ``row`` (first match of each role wins).

    ``memo`` (for one ``roles`` only) remembers rows already matched: the
    same header rows recur in every file of a template.
    """
    if memo is not None:
        key = tuple(row)
        try:
            hit = memo.get(key)
        except TypeError:  # a cell that cannot be hashed
            return match_roles(row, roles)
        if hit is None:
            if len(memo) >= 4096:
                memo.clear()
            hit = memo[key] = match_roles(row, roles)
        return dict(hit)
    out: dict[str, int] = {}
    for c, v in enumerate(row):
        if type(v) is not str or not v:
            continue
        k = key_of(v)
        for role, wanted in roles.items():
            if k in wanted and role not in out:
                out[role] = c
                break
    return out


_county_memo: RolesMemo = {}  # match_roles(row, COUNTY_ROLES) by row


def county_header(rows: list[Row]) -> tuple[int, dict[str, int]] | None:
    """Header row and role → column of a field-per-row table (county data sheet), or None."""
    memo = _county_memo
    h, _ = find_header(rows, lambda row: len(match_roles(row, COUNTY_ROLES, memo)), full=len(COUNTY_ROLES))
    if h < 0:
        return None
    roles = match_roles(rows[h], COUNTY_ROLES, memo)
    if "value" in roles and ("code" in roles or "name" in roles):
        return h, roles
    return None


def book_county_header(book: Book, sheet: str) -> tuple[int, dict[str, int]] | None:
    """:func:`county_header` of a sheet of ``book``, worked out once per book."""
    key = ("county-header", sheet)
    if key not in book.memo:
        book.memo[key] = county_header(book.rows(sheet))
    return cast("tuple[int, dict[str, int]] | None", book.memo[key])


def spec_index(
    specs: Sequence[InputSpec],
) -> tuple[dict[str, InputSpec], dict[str, InputSpec]]:
    """Lookups by code key and by name/alias key."""
    by_code: dict[str, InputSpec] = {}
    by_name: dict[str, InputSpec] = {}
    for s in specs:
        if s.code:
            by_code.setdefault(code_key(s.code), s)
        by_code.setdefault(code_key(s.key), s)
        for n in (s.name, *s.aliases):
            by_name.setdefault(name_key(n), s)
    return by_code, by_name


__all__ = [
    "COUNTY_ROLES",
    "GROUP_HEADERS",
    "HEADER_SCAN",
    "OWNER_HEADERS",
    "TOTAL_RE",
    "TOTAL_ROWS",
    "UNIT_HEADERS",
    "YEAR_HEADERS",
    "book_county_header",
    "cell_at",
    "cell_text",
    "county_header",
    "find_header",
    "is_blank",
    "keys",
    "match_roles",
    "spec_index",
]
