"""Reading results JSON files strictly: earlier years' rankings for ``rank`` and ``score --previous``.

A results file comes back months later, maybe edited by hand, maybe not from
assess at all.  Python's ``json`` module is lenient where it must not be: it
accepts ``NaN``, ``Infinity`` and ``-Infinity``, keeps the last of two equal
keys, converts ``1e999`` to infinity, raises ``ValueError`` for an integer of
5,000 digits and ``RecursionError`` for 100,000 nested brackets.  Here every
one of those is a :class:`~assess.errors.DataError` naming the file and the
key, with what to do; so is every value of the wrong type in what is used.
Values are cut short in messages (:func:`assess.workbook.names.shown`).
"""

from __future__ import annotations

import json
import math
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from assess.errors import DataError, Location
from assess.workbook.names import clean, shown

MiB = 1024 * 1024
MAX_BYTES = 256 * MiB  # a brief ranking of 500,000 villages is about 100 MiB
MAX_DIGITS = 30  # an integer in a results file: a rank, a count (Python refuses 4,300 digits)
MAX_NAME = 200  # characters of a unit, group or grade name
MAX_RANK = 100_000_000
MAX_TOTAL = 1e9  # far beyond any score, far below overflow

FIX = "请使用 assess score 或 assess rank 输出的 JSON 结果文件,不要手工修改"


class _Refused(ValueError):
    """Raised from inside the JSON parser's hooks; turned into a DataError with the file."""

    def __init__(self, message: str, token: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.token = token  # the text refused, to find where it is


def _constant(name: str) -> NoReturn:
    raise _Refused(f"的取值为 {name}(非数或无穷大),JSON 中不允许", name)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"的数值“{shown(text)}”超出范围", text)
    return value


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise _Refused(f"的整数“{shown(text)}”过长({digits:,} 位)", text)
    return int(text)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _Refused(f"中键“{shown(k)}”在同一个对象中出现了两次")
        out[k] = v
    return out


_DECODER = json.JSONDecoder(
    parse_float=_float, parse_int=_int, parse_constant=_constant, object_pairs_hook=_pairs
)
_STRING = r'"(?:[^"\\]|\\.)*"(\s*:)?'  # a string, and the colon after it when it is a key


def _where(text: str, token: str | None) -> str:
    """``第 3 行第 40 列键“total”``: where ``token`` first stands outside a string, and its key."""
    if not token:
        return ""
    scan = re.compile(f"{_STRING}|(?<![\\w.+-]){re.escape(token)}(?![\\w.])")
    key = None
    for m in scan.finditer(text):
        if not m.group(0).startswith('"'):
            at = m.start()
            line = text.count("\n", 0, at) + 1
            col = at - (text.rfind("\n", 0, at) + 1) + 1
            return f"第 {line:,} 行第 {col:,} 列" + (f"键“{shown(key)}”" if key is not None else "")
        if m.group(1):
            key = json.loads(m.group(0)[: -len(m.group(1))])
    return ""


def read_json(path: Path, what: str) -> Any:
    """The JSON document in ``path``, read strictly; ``what`` names the file in messages (上年结果)."""
    where = Location(file=str(path))
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise DataError(f"{what}“{path.name}”是一个文件夹,应为 JSON 文件", where)
        if not stat.S_ISREG(st.st_mode):  # a pipe or a device would block or never end
            raise DataError(f"{what}“{path.name}”不是普通文件(可能是管道或设备),应为 JSON 文件", where)
        if st.st_size > MAX_BYTES:
            raise DataError(
                f"{what}文件过大({st.st_size / MiB:.0f} MiB,上限 {MAX_BYTES // MiB} MiB);{FIX}", where
            )
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise DataError(f"{what}文件“{path.name}”不存在(可能已被移走或删除)", where) from None
    except PermissionError:
        raise DataError(f"没有读取{what}文件“{path.name}”的权限", where) from None
    except OSError as e:
        raise DataError(f"无法读取{what}文件“{path.name}”({e.strerror or e})", where) from None
    if not data.strip():
        raise DataError(f"{what}文件是空的;{FIX}", where)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(
            f"{what}文件不是 UTF-8 编码的文本(第 {e.start + 1:,} 个字节无法识别);{FIX}", where
        ) from None
    try:
        return _DECODER.decode(text)
    except _Refused as e:
        raise DataError(f"{what}文件{_where(text, e.token)}{e.message};{FIX}", where) from None
    except json.JSONDecodeError as e:
        raise DataError(
            f"{what}文件不是有效的 JSON(第 {e.lineno} 行第 {e.colno} 列:{_reason(e.msg)});{FIX}", where
        ) from None
    except RecursionError:
        raise DataError(f"{what}文件中的列表或对象嵌套过深;{FIX}", where) from None
    except (ValueError, MemoryError) as e:  # anything else the parser refuses
        raise DataError(f"{what}文件无法解析({shown(str(e), 80)});{FIX}", where) from None


_REASONS = {
    "Expecting value": "缺少取值",
    "Expecting property name enclosed in double quotes": "键应写在双引号中",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Extra data": "结尾有多余的内容",
    "Unterminated string starting at": "文字没有结束的引号",
    "Invalid control character at": "文字中有控制字符",
    "Invalid \\escape": "无效的转义",
}


def _reason(msg: str) -> str:
    return _REASONS.get(msg, shown(msg, 60))


def load_previous_json(path: Path) -> dict[str, dict[str, Any]]:
    """Last year's results by unit name from a ``rank`` (or ``score``) JSON file, every value checked.

    Each unit keeps ``rank``, ``overall_rank`` (positive integers or None), ``total`` (a finite
    number or None), ``grade``, ``group`` (short text or None) and ``flags`` (a list of text).
    """
    return results_of(read_json(path, "上年结果"), path)


def results_of(doc: Any, path: Path) -> dict[str, dict[str, Any]]:
    """The units of a results document already read (:func:`read_json`), as
    :func:`load_previous_json` gives them."""
    where = Location(file=str(path))
    units = doc.get("units") if isinstance(doc, dict) else doc
    if not isinstance(units, list):
        got = "缺少 units" if isinstance(doc, dict) and "units" not in doc else f"units 是{_kind(units)}"
        raise DataError(f"上年结果不是 assess rank 输出的 JSON({got},应为单位的列表);{FIX}", where)
    out: dict[str, dict[str, Any]] = {}
    for i, u in enumerate(units):
        check = _Check(path, lambda name, i=i: f"“units[{i}]{'.' + name if name else ''}”", FIX)
        if not isinstance(u, dict):
            check.bad("", f"应为一个单位的对象,实际为{_kind(u)}")
        name = check.text(u, "unit", required=True)
        assert name is not None
        if name in out:
            check.bad("unit", f"单位“{shown(name)}”在文件中出现了两次")
        out[name] = check.entry(u)
    return out


@dataclass(frozen=True)
class Made:
    """What a results file says of how it was made: the year assessed (from ``scheme.year``,
    else a year in the title), the scheme's id and the format (``assess.rank/1``)."""

    year: int | None = None
    scheme: str | None = None
    format: str | None = None


YEAR_IN_TITLE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
MIN_YEAR, MAX_YEAR = 2000, 2100  # as a scheme's year


def year_in_title(title: object) -> int | None:
    """2023 in “2023 年度县市区乡村振兴实绩考核结果排名”; None when the title names no year."""
    hit = YEAR_IN_TITLE.search(title) if isinstance(title, str) else None
    return int(hit.group(1)) if hit else None


def made_of(doc: Any, path: Path) -> Made:
    """How a results document was made (:class:`Made`), its ``scheme`` checked as its units are."""
    if not isinstance(doc, dict):
        return Made()
    fmt = doc.get("format") if isinstance(doc.get("format"), str) else None
    scheme = doc.get("scheme")
    check = _Check(path, lambda name: f"“scheme{'.' + name if name else ''}”", FIX)
    if scheme is None:
        return Made(year_in_title(doc.get("title")), None, fmt)
    if not isinstance(scheme, dict):
        check.bad("", f"应为方案的对象(id、year、title),实际为{_kind(scheme)}")
    year = scheme.get("year")
    if isinstance(year, float) and year.is_integer():
        year = int(year)
    if year is None:
        year = year_in_title(doc.get("title"))
    elif not isinstance(year, int) or isinstance(year, bool):
        check.bad("year", f"应为年份(如 2023),实际为{_kind(year)}")
    elif not MIN_YEAR <= year <= MAX_YEAR:
        check.bad("year", f"年份 {year} 不在 {MIN_YEAR} 到 {MAX_YEAR} 之间")
    return Made(year, check.text(scheme, "id"), fmt)


XLSX_FIX = "请使用 assess rank --format xlsx 输出的排名表,不要手工修改"
XLSX_COLUMNS = {"rank": "排名", "overall_rank": "排名", "total": "总分", "grade": "等次", "group": "分组"}


def previous_entry(path: Path, row: str, values: dict[str, Any]) -> dict[str, Any]:
    """One unit's values read from a row of a workbook (``rank --format xlsx``), checked like the
    JSON's; ``row`` names it in messages (``示范创建县 第 3 行``)."""
    check = _Check(path, lambda name: f"{row}的“{XLSX_COLUMNS.get(name, name)}”", XLSX_FIX)
    return check.entry(values, flags=False)


class _Check:
    """Checks a unit's values; ``place(key)`` names where a value is in messages."""

    def __init__(self, path: Path, place: Any, fix: str) -> None:
        self.path = path
        self.place = place
        self.fix = fix

    def bad(self, name: str, problem: str) -> NoReturn:
        raise DataError(f"上年结果中{self.place(name)}{problem};{self.fix}", Location(file=str(self.path)))

    def entry(self, u: dict[str, Any], *, flags: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rank": self.rank(u, "rank"),
            "overall_rank": self.rank(u, "overall_rank"),
            "total": self.total(u),
            "grade": self.text(u, "grade"),
            "group": self.text(u, "group"),
        }
        if flags:
            out["flags"] = self.flags(u)
        return out

    def text(self, u: dict[str, Any], name: str, *, required: bool = False) -> str | None:
        value = u.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            self.bad(name, f"应为文字,实际为{_kind(value)}")
        if len(value) > MAX_NAME:
            self.bad(name, f"过长({len(value):,} 个字符,上限 {MAX_NAME}):“{shown(value)}”")
        text = clean(value)  # as names read from workbooks: no spaces, no invisible characters
        if not text:
            if required:
                self.bad(name, f"为空或只有看不见的字符(“{shown(value)}”)")
            return None
        return text

    def rank(self, u: dict[str, Any], name: str) -> int | None:
        value = u.get(name)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            self.bad(name, f"应为名次(正整数),实际为{_kind(value)}")
        if not 1 <= value <= MAX_RANK:
            self.bad(name, f"名次 {shown(value)} 不在 1 到 {MAX_RANK:,} 之间")
        return value

    def total(self, u: dict[str, Any]) -> float | None:
        value = u.get("total")
        if value is None:
            return None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            self.bad("total", f"应为总分(数字),实际为{_kind(value)}")
        if not math.isfinite(value) or abs(value) > MAX_TOTAL:
            self.bad("total", f"总分 {shown(value)} 超出范围")
        return float(value)

    def flags(self, u: dict[str, Any]) -> list[str]:
        value = u.get("flags")
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            self.bad("flags", f"应为文字的列表,实际为{_kind(value)}")
        return [x for x in value if len(x) <= MAX_NAME]


def _kind(value: Any) -> str:
    if value is None:
        return "空值 null"
    if isinstance(value, bool):
        return f"是否值 {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"数字 {shown(value)}"
    if isinstance(value, str):
        return f"文字“{shown(value)}”"
    if isinstance(value, list):
        return f"列表(共 {len(value):,} 项)"
    if isinstance(value, dict):
        return "对象"
    return f"“{shown(str(value))}”"


__all__ = [
    "Made",
    "load_previous_json",
    "made_of",
    "previous_entry",
    "read_json",
    "results_of",
    "year_in_title",
]
