"""Turning a cell as people type it into a number, a status and a note.

This is the hot path of every reader (ten million calls for a large detail
table), so the common case — a float from calamine — returns after one type
check, and text goes through ``float()`` before any slower handling.  The
rules are documented for users in docs/workbooks.md; keep the two in step.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from typing import Any

from assess.scheme.inputs import (
    KIND_AMOUNT,
    KIND_BOOL,
    KIND_COUNT,
    KIND_NUMBER,
    KIND_PERCENT,
    KIND_TEXT,
)
from assess.workbook.data import ERROR, MISSING, NOT_APPLICABLE, OK
from assess.workbook.names import shown, visible

Parsed = tuple[float | None, str, str]

# Notes that start with this prefix are doubts worth a warning finding.
SUSPECT = "请核实:"


class PercentCell(float):
    """A number whose cell is formatted as a percentage in Excel (0.823 shown as 82.3%).

    The xlsx reader wraps such cells so that :func:`parse_value` can multiply
    by 100 exactly when the user saw a percentage, instead of guessing.
    """

    __slots__ = ()


class _NoCachedValue:
    """Marker for a formula cell saved without its result (files written by programs)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<公式无计算结果>"


NO_CACHED_VALUE = _NoCachedValue()

EXCEL_ERRORS = {
    "#DIV/0!": "除数为零",
    "#N/A": "查找不到数据",
    "#VALUE!": "参与计算的数据类型不对",
    "#REF!": "引用的单元格已被删除",
    "#NAME?": "公式中有无法识别的名称",
    "#NUM!": "数值无效或超出范围",
    "#NULL!": "引用的区域没有交集",
    "#SPILL!": "动态数组溢出",
    "#CALC!": "计算错误",
    "#GETTING_DATA": "数据尚未取回",
}

MISSING_MARKS = frozenset(
    [
        "",
        "-",
        "--",
        "---",
        "—",
        "——",
        "–",
        "/",
        "\\",
        "无",
        "空",
        "null",
        "none",
        "nil",
        "…",
        "...",
    ]
)
NA_MARKS = frozenset(["不适用", "不涉及", "n/a", "na", "无此项", "不考核", "不适合"])
TRUE_MARKS = frozenset(["是", "√", "✓", "✔", "有", "y", "yes", "true", "t", "1", "对", "已完成", "达标"])
FALSE_MARKS = frozenset(
    [
        "否",
        "×",
        "✗",
        "✘",
        "x",
        "无",
        "n",
        "no",
        "false",
        "f",
        "0",
        "错",
        "未完成",
        "未达标",
    ]
)

# Unit families: a value in one unit of a family converts to another.
_FAMILIES: tuple[dict[str, float], ...] = (
    {
        "元": 1.0,
        "千元": 1e3,
        "万元": 1e4,
        "百万元": 1e6,
        "亿元": 1e8,
        "万": 1e4,
        "亿": 1e8,
    },
    {"人": 1.0, "万人": 1e4, "名": 1.0},
    {"户": 1.0, "万户": 1e4},
    {"亩": 1.0, "万亩": 1e4},
    {"米": 1.0, "m": 1.0, "公里": 1e3, "千米": 1e3, "km": 1e3},
    {"公斤": 1.0, "千克": 1.0, "kg": 1.0, "吨": 1e3, "万吨": 1e7},
    {"%": 1.0, "‰": 0.1, "百分比": 1.0},
)
_FACTOR: dict[str, tuple[int, float]] = {u: (i, f) for i, fam in enumerate(_FAMILIES) for u, f in fam.items()}
# Longest first so that 万元 wins over 元 when stripping a suffix.
_SUFFIXES = sorted(_FACTOR, key=len, reverse=True)
_NUM_RE = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_STRIP = " \t\r\n\u3000\xa0"


def unit_factor(source: str | None, target: str | None) -> float | None:
    """Factor turning a value in ``source`` into ``target`` (1.0 when equal); None if impossible."""
    if not source or not target or source == target:
        return 1.0 if source == target or not source or not target else None
    s = _FACTOR.get(source.casefold())
    t = _FACTOR.get(target.casefold())
    if s is None or t is None or s[0] != t[0]:
        return None
    return s[1] / t[1]


def fmt_number(v: float) -> str:
    """A number as shown in messages: up to 10 significant digits, no trailing zeros."""
    return f"{v:.10g}"


def looks_like_fraction(v: float) -> bool:
    """A percent value that was probably meant as a fraction: 0 < |v| < 1 with > 2 decimals.

    0.823 or 0.8235 is what a ratio formula or a percent-formatted cell holds
    (82.3%); a clerk writing a small percentage writes 0.35 or 0.5, which is
    taken as written without a warning (a 逾期率 of 0.35% is normal).
    """
    return 0.0 < abs(v) < 1.0 and abs(v - round(v, 2)) > 1e-9


def _number(v: float, kind: str, unit: str | None) -> Parsed:
    """Finish a finite number: booleans and the percent rule (a number is taken as written)."""
    if kind == KIND_BOOL:
        if v == 1.0 or v == 0.0:
            return v, OK, ""
        return None, ERROR, f"应填“是”或“否”,实际为 {fmt_number(v)}"
    if (kind == KIND_PERCENT or unit == "%") and looks_like_fraction(v):
        return v, OK, suspect_note(v)
    return v, OK, ""


def suspect_note(v: float) -> str:
    """The note (and warning) for a percent value that looks like a fraction."""
    shown, hundred = fmt_number(v), fmt_number(v * 100)
    return f"{SUSPECT}数值 {shown} 小于 1,按 {shown}% 读取;如本意为 {hundred}%,请填写 {hundred}"


def parse_value(raw: object, kind: str, unit: str | None) -> Parsed:
    """Parse one cell for a field of ``kind`` declared in ``unit``; never raises.

    Returns ``(number, status, note)``.  The same number reads the same in
    every file format: a percent field's 0.35 is 0.35%, whatever the file.
    Only a :class:`PercentCell` (an .xlsx cell formatted as a percentage,
    0.823 shown as 82.3%) is multiplied by 100.
    """
    t = type(raw)
    if t is float or t is int:
        v = float(raw)  # type: ignore[arg-type]
        if v - v != 0.0:  # NaN or infinity
            return None, ERROR, "数值无效(非有限数)"
        if kind == KIND_TEXT:
            return None, OK, ""
        return _number(v, kind, unit)
    if t is str:
        return _parse_text(raw, kind, unit)  # type: ignore[arg-type]
    if raw is None:
        return None, MISSING, ""
    if t is PercentCell:
        v = float(raw)  # type: ignore[arg-type]
        if not math.isfinite(v):
            return None, ERROR, "数值无效(非有限数)"
        if kind == KIND_PERCENT or unit == "%":
            return v * 100.0, OK, f"单元格为百分比格式,按 {fmt_number(v * 100)}% 读取"
        return _number(v, kind, unit)
    if t is bool:
        if kind in (KIND_BOOL, KIND_TEXT):
            return (1.0 if raw else 0.0), OK, ""
        return None, ERROR, "应为数值,实际为逻辑值 TRUE/FALSE"
    if raw is NO_CACHED_VALUE:
        return (
            None,
            ERROR,
            "公式没有保存计算结果(文件可能由程序生成),请在 Excel 或 WPS 中打开、保存后再提交",
        )
    if isinstance(raw, (_dt.date, _dt.time, _dt.timedelta)):
        if kind == KIND_TEXT:
            return None, OK, ""
        return None, ERROR, "应为数值,实际为日期"
    if isinstance(raw, (int, float)):  # numpy scalars and other number subclasses
        return parse_value(float(raw), kind, unit)
    return _parse_text(str(raw), kind, unit)


def rating_words(levels: tuple[tuple[str, float], ...]) -> str:
    """The words a rating may take, as said in messages: “好”“较好”“一般”“较差”."""
    return "".join(f"“{word}”" for word, _points in levels)


_levels_memo: dict[int, tuple[tuple[tuple[str, float], ...], dict[str, tuple[str, float]]]] = {}


def parse_rating(raw: object, levels: tuple[tuple[str, float], ...]) -> Parsed:
    """A rating word (好 / 较好 / 一般 / 较差…) as its points in ``levels``; never raises.

    Words compare as names do (full-width folded, spaces dropped).  A blank is
    missing, 不适用 not applicable; a number or another word is an error that
    lists the words allowed.  The note of a word read says what it became.
    """
    from assess.scheme.model import level_key

    memo = _levels_memo.get(id(levels))
    if memo is None or memo[0] is not levels:
        memo = _levels_memo[id(levels)] = (levels, {level_key(w): (w, p) for w, p in levels})
    by_key = memo[1]
    if raw is None or raw is NO_CACHED_VALUE:
        return parse_value(raw, KIND_NUMBER, None)  # missing; a formula without its result
    text = raw.strip(_STRIP) if isinstance(raw, str) else cell_text(raw)
    key = level_key(text)
    hit = by_key.get(key)
    if hit is not None:
        return hit[1], OK, f"评价为“{hit[0]}”,按方案折合 {fmt_number(hit[1])}"
    if key in MISSING_MARKS:
        return None, MISSING, ""
    if key in NA_MARKS:
        return None, NOT_APPLICABLE, ""
    if text.startswith("#") and text.upper() in EXCEL_ERRORS:
        return None, ERROR, f"单元格为错误值 {text.upper()}({EXCEL_ERRORS[text.upper()]})"
    cut = visible(text if len(text) <= 20 else text[:20] + "…")
    return None, ERROR, f"应填{rating_words(levels)}之一,实际为“{cut}”"


def _parse_text(raw: str, kind: str, unit: str | None) -> Parsed:
    """Text cells: numbers typed as text, marks such as 不适用, suffixes, booleans."""
    s = raw.strip(_STRIP)
    if kind == KIND_TEXT:
        return None, (OK if s else MISSING), ""
    if kind == KIND_BOOL:  # 是/否 first: the usual content, and float() would fail slowly
        low = s.casefold()
        if low in TRUE_MARKS:
            return 1.0, OK, ""
        if low in FALSE_MARKS:
            return 0.0, OK, ""
    try:
        v = float(s)
    except ValueError:
        pass
    else:
        if v - v != 0.0:
            return None, ERROR, f"数值无效或超出范围“{shown(s)}”"
        return _number(v, kind, unit)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).strip(_STRIP)
    low = s.casefold()
    if kind == KIND_BOOL:
        if low in TRUE_MARKS:
            return 1.0, OK, ""
        if low in FALSE_MARKS:
            return 0.0, OK, ""
    if low in MISSING_MARKS:
        return None, MISSING, ""
    if low in NA_MARKS:
        return None, NOT_APPLICABLE, ""
    if s.startswith("#"):
        err = EXCEL_ERRORS.get(s.upper())
        if err:
            return None, ERROR, f"单元格为错误值 {s.upper()}({err})"
    return _parse_number_text(s, kind, unit)


def _parse_number_text(s: str, kind: str, unit: str | None) -> Parsed:
    """Numbers with separators, a percent sign or a unit suffix; anything else is an error."""
    body = s.replace(" ", "").replace("\u2212", "-")
    suffix = ""
    if body.endswith(("%", "‰")):
        suffix, body = body[-1], body[:-1]
    else:
        for u in _SUFFIXES:
            if body.endswith(u) and len(body) > len(u):
                suffix, body = u, body[: -len(u)]
                break
        else:
            if unit and body.endswith(unit) and len(body) > len(unit):
                suffix, body = unit, body[: -len(unit)]
    v = _to_float(body)
    if v is None:
        if _looks_like_date(s):
            return None, ERROR, "应为数值,实际为日期"
        cut = visible(s if len(s) <= 20 else s[:20] + "…")
        return None, ERROR, f"应为数值,实际为文字“{cut}”"
    if not suffix or suffix == unit:
        return _number(v, kind, unit)
    if suffix in ("%", "‰") and (kind == KIND_PERCENT or unit == "%"):
        return (
            (v / 10.0 if suffix == "‰" else v),
            OK,
            ("千分数已换算为百分数" if suffix == "‰" else ""),
        )
    if suffix in ("%", "‰") and unit is None and kind not in (KIND_COUNT, KIND_AMOUNT, KIND_BOOL):
        f = v / (1000.0 if suffix == "‰" else 100.0)
        return f, OK, f"{s} 按比例换算为 {fmt_number(f)}"
    factor = unit_factor(suffix, unit) if unit else None
    if factor is None:
        want = f"“{unit}”" if unit else "无单位的数值"
        return None, ERROR, f"单位“{suffix}”无法换算为{want}"
    out = v * factor
    if not math.isfinite(out):
        return None, ERROR, f"数值无效或超出范围“{shown(s)}”"
    return out, OK, f"{s} 已换算为 {fmt_number(out)}{unit}"


def _to_float(body: str) -> float | None:
    """``1,234.5`` → 1234.5; None when the text is not a plain decimal number."""
    try:
        v = float(body)
    except ValueError:
        m = _NUM_RE.match(body)
        if not m:
            return None
        v = float(m.group(1) + m.group(2).replace(",", "") + (m.group(3) or ""))
    return v if math.isfinite(v) else None


_DATE_RE = re.compile(r"^\d{2,4}[-/.年]\d{1,2}(月|[-/.月]\d{1,2}日?)?$|^\d{1,2}月\d{1,2}日$")


def _looks_like_date(s: str) -> bool:
    return bool(_DATE_RE.match(s))


def parse_year(raw: object) -> int | None:
    """A year as people write it: 2024, 2024.0, "2024", "2024年", "2024年度"."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)) and math.isfinite(raw) and float(raw).is_integer():
        y = int(raw)
    else:
        m = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", unicodedata.normalize("NFKC", str(raw)))
        if not m:
            return None
        y = int(m.group(1))
    return y if 1900 <= y <= 2100 else None


_INF = float("inf")


def cell_text(v: object) -> str:
    """A cell as text: strings stripped, whole floats without ``.0`` (codes typed as numbers)."""
    if v is None or v == "":
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


# A parsed column: the values, and (index, status, note) of each cell that was not plain.
ParsedColumn = tuple[list[Any], list[tuple[int, str, str]]]


def parse_column(
    raw: list[Any],
    kind: str,
    unit: str | None,
    factor: float = 1.0,
    *,
    percent_formatted: bool = False,
) -> ParsedColumn:
    """Parse a whole column; returns values and the (index, status, note) of cells that were not plain.

    A number that a unit conversion or a percentage format scales past the
    float range is an error at its cell, like ``1e309`` typed as it is.
    """
    values, bad = _parse_column(raw, kind, unit, factor, percent_formatted)
    if (factor != 1.0 or percent_formatted) and not all(
        map(math.isfinite, [v for v in values if v is not None])
    ):
        over = {i for i, v in enumerate(values) if v is not None and not math.isfinite(v)}
        for i in over:
            values[i] = None
        bad = [b for b in bad if b[0] not in over]
        bad += [(i, ERROR, f"数值无效或超出范围“{raw[i]}”(换算后超出范围)") for i in over]
        bad.sort(key=lambda b: b[0])
    return values, bad


def _text_in_column(v: str, kind: str, unit: str | None, by_header: float) -> Parsed:
    """A text cell: as written, and a bare number ("3.12", a number stored as text, every
    value of a CSV) also in the header's unit; "500万元" already says its own unit."""
    number, status, note = parse_value(v, kind, unit)
    if by_header != 1.0 and number is not None and status == OK and is_bare_number(v):
        number *= by_header
    return number, status, note


def typed_as_is(raw: object, number: float) -> bool:
    """Whether ``number`` is the bare number typed (0.85, "0.85"), not "0.85%" nor a cell
    formatted as a percentage: only a bare number can be a fraction typed for a percentage."""
    if type(raw) is PercentCell or not is_bare_number(raw):
        return False
    typed = _to_float(raw.replace(" ", "").replace("\u2212", "-")) if isinstance(raw, str) else float(raw)  # type: ignore[arg-type]
    return typed is not None and abs(typed - number) <= 1e-12


def is_bare_number(raw: object) -> bool:
    """A number, or text that is only a number ("3.12", "1,234"): what a unit given elsewhere
    (a header, the row's 单位 column) applies to; "500万元" and "82%" carry their own."""
    if type(raw) is str:
        return _to_float(raw.replace(" ", "").replace("\u2212", "-")) is not None
    return isinstance(raw, (int, float)) and not isinstance(raw, bool)


def _parse_column(
    raw: list[Any], kind: str, unit: str | None, factor: float, percent_formatted: bool
) -> ParsedColumn:
    """:func:`parse_column` before the range check.

    Plain finite floats in a number/count/amount/score column skip
    :func:`parse_value` entirely: that is most of a 10-million-cell table.
    """
    bad: list[tuple[int, str, str]] = []
    if kind == KIND_TEXT:
        return [(v.strip() or None) if type(v) is str else (cell_text(v) or None) for v in raw], bad
    percent = kind == KIND_PERCENT or unit == "%"
    scaled = percent and percent_formatted  # every number in the column is shown as a percentage
    by_header = factor  # the header's unit: text that is a bare number is converted too
    if scaled:
        factor *= 100.0  # numbers only: text such as "82%" is parsed as written
    types = set(map(type, raw))
    if raw and kind != KIND_BOOL and types <= {float, PercentCell} and all(map(math.isfinite, raw)):
        if types == {float} and (scaled or not percent):  # the usual column: nothing per cell
            return ([v * factor for v in raw] if factor != 1.0 else list(raw)), bad
        if types == {PercentCell} and percent:  # a column formatted as percentages
            return [v * 100.0 * factor for v in raw], bad
    if types == {str}:  # 是/否, 不适用…, or a CSV: each distinct text is parsed once
        by_text = {v: _text_in_column(v, kind, unit, by_header) for v in set(raw)}
        if any(status != OK or note for _n, status, note in by_text.values()):
            bad = [(i, p[1], p[2]) for i, v in enumerate(raw) if (p := by_text[v])[1] != OK or p[2]]
        return [by_text[v][0] for v in raw], bad
    out: list[Any] = []
    append = out.append
    fast = kind != KIND_BOOL and (scaled or not percent)
    texts: dict[str, Parsed] = {}  # the same text recurs down a column (是/否, 不适用)
    for i, v in enumerate(raw):
        t = type(v)
        if t is float and -_INF < v < _INF and (fast or (percent and not 0.0 < abs(v) < 1.0)):
            append(v * factor if factor != 1.0 else v)
            continue
        if t is PercentCell and percent and -_INF < v < _INF:
            append(v * 100.0 * factor)
            continue
        if t is str:
            parsed = texts.get(v)
            if parsed is None:
                parsed = texts[v] = _text_in_column(v, kind, unit, by_header)
            number, status, note = parsed
        else:
            number, status, note = parse_value(v, kind, unit)
        if number is not None and factor != 1.0 and t is not str:
            number *= factor
        append(number)
        if status != OK or note:
            bad.append((i, status, note))
    return out, bad
