"""Normalising headers, labels and field names so that people's spellings match.

Counties type headers by hand in Excel or WPS: full-width brackets, a line
break inside a cell, a unit in brackets (``衔接资金（万元）``), a leading
number (``1.农村居民人均可支配收入``).  Everything that compares a cell's text
with a scheme's name goes through :func:`name_key` so that these differences
never cause a false "unknown field".
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

# Units that may follow a name in brackets.  A bracket whose content is not a
# known unit is kept as part of the name (``县(市、区)`` stays whole).
KNOWN_UNITS = frozenset(
    {
        "%",
        "‰",
        "元",
        "千元",
        "万元",
        "百万元",
        "亿元",
        "人",
        "万人",
        "户",
        "万户",
        "个",
        "次",
        "人次",
        "户次",
        "亩",
        "万亩",
        "公顷",
        "平方米",
        "米",
        "公里",
        "千米",
        "km",
        "m",
        "吨",
        "万吨",
        "公斤",
        "千克",
        "kg",
        "项",
        "家",
        "所",
        "座",
        "处",
        "条",
        "天",
        "日",
        "年",
        "岁",
        "分",
        "小时",
        "辆",
        "套",
        "间",
        "台",
        "头",
        "只",
        "元/人",
        "元/户",
        "元/亩",
        "万元/人",
        "人/万人",
        "个/万人",
        "张",
        "册",
        "场",
        "期",
        "批",
        "篇",
        "件",
        "栋",
        "宗",
        "株",
        "棵",
        "名",
    }
)

_SPACE_RE = re.compile(r"\s+")
# Spaces and breaks, and what cannot be seen or printed: control characters (Cc: \x00-\x1f, DEL…),
# format characters (Cf: zero-width spaces and joiners, BOM, bidi overrides such as U+202E),
# surrogates, private-use and unassigned code points.  None of them belongs in a name or header.
_INVISIBLE_RE = re.compile(
    r"[\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]+"
)
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})
_UNIT_RE = re.compile(r"^(.*?)[(\[【]([^()\[\]【】]*)[)\]】]$")
_NUMBERING_RE = re.compile(
    r"^(?:[(]?[0-9]{1,3}[)]|[0-9]{1,3}(?:\.[0-9]{1,3})*[.、)](?![0-9])"
    r"|[(]?[一二三四五六七八九十]{1,3}[)、.]|[①-⑳])"
)


def clean(text: object) -> str:
    """NFKC-normalise a cell's text and drop every space and line break.

    NFKC turns full-width letters, digits and brackets into half-width ones;
    spaces (including U+3000 and no-break spaces) carry no meaning in a header.
    """
    if text is None:
        return ""
    s = text if isinstance(text, str) else _number_text(text)
    if not s.isascii() and not unicodedata.is_normalized("NFKC", s):
        s = unicodedata.normalize("NFKC", s)
    if " " in s or not s.isprintable():  # isprintable() is False for other spaces, breaks, controls
        s = _INVISIBLE_RE.sub("", s)
        if not s.isprintable():  # a rarer invisible code point (unassigned, private use…)
            s = "".join(c for c in s if unicodedata.category(c) not in _HIDDEN_CATEGORIES)
    return s


def shown(value: object, limit: int = 40) -> str:
    """``value`` as quoted in a message: invisible characters made visible, long text cut short.

    A cell may hold a bell, an escape sequence that recolours the terminal, a right-to-left
    override that reverses what follows, or a megabyte of text; a message shows ``\\x07``,
    ``<U+202E>`` and the first ``limit`` characters with how many more there were.
    """
    text = value if isinstance(value, str) else _number_text(value)
    total = len(text)
    if total > limit:
        text = text[:limit]
    if not text.isprintable():
        text = "".join(map(_visible, text))
    return f"{text}…(共 {total:,} 个字符)" if total > limit else text


def visible(text: str) -> str:
    """``text`` with its invisible characters written out (``\\x07``, ``<U+202E>``), not cut."""
    return text if text.isprintable() else "".join(map(_visible, text))


def _visible(c: str) -> str:
    if c == " " or c.isprintable():
        return c
    if c in "\n\r\t":
        return {"\n": "↵", "\r": "↵", "\t": " "}[c]
    o = ord(c)
    return f"\\x{o:02x}" if o < 0x100 else f"<U+{o:04X}>"


_IS_NFKC = functools.partial(unicodedata.is_normalized, "NFKC")


def clean_all(values: list[Any]) -> list[str]:
    """:func:`clean` of every value; a column of names that are already clean costs a few C calls.

    A national table has 500,000 unit names, nearly always plain text: then
    checking the whole column at once (types, spaces, printable, NFKC) is a
    hundred times cheaper than cleaning name by name, and gives the same.
    """
    if values and set(map(type, values)) == {str}:
        joined = "".join(values)
        # "\n" never combines with a neighbour, so the lines are normalised iff each one is
        if " " not in joined and joined.isprintable() and (joined.isascii() or _IS_NFKC("\n".join(values))):
            return list(values)
    return [clean(v) for v in values]


def _number_text(value: object) -> str:
    """Text of a non-string cell: ``101.0`` read from a numeric code cell becomes ``101``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def split_unit(text: object) -> tuple[str, str | None]:
    """Split ``衔接资金（万元）`` into ``("衔接资金", "万元")``; the unit is None when absent.

    Also accepts ``(单位:万元)``.  The name part is cleaned but not case-folded.
    """
    s = clean(text)
    m = _UNIT_RE.match(s)
    if not m or not m.group(1):
        return s, None
    inner = m.group(2)
    if inner.startswith(("单位:", "单位：")):
        inner = inner[3:]
    if inner in KNOWN_UNITS or inner.casefold() in KNOWN_UNITS:
        return m.group(1), inner
    return s, None


def strip_numbering(text: str) -> str:
    """Drop a leading enumeration such as ``1.``, ``(2)``, ``三、`` or ``①`` from cleaned text."""
    m = _NUMBERING_RE.match(text)
    if m and m.end() < len(text):
        return text[m.end() :]
    return text


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """Key used to compare names: cleaned, unit dropped, numbering dropped, case-folded.

    Cached: the same few hundred header texts recur in thousands of workbooks.
    """
    name, _unit = split_unit(text)
    return strip_numbering(name).rstrip(":").casefold()


def key_of(value: object) -> str:
    """:func:`name_key` for any cell value (numbers, None)."""
    if value is None or value == "":
        return ""
    return name_key(value if isinstance(value, str) else _number_text(value))


def code_key(value: object) -> str:
    """Key used to compare codes (``A1.2``, ``101``): cleaned and case-folded, nothing dropped."""
    return clean(value).casefold()


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most similar to ``name`` (difflib ratio ≥ cutoff), for "did you mean" hints.

    Memoised: the same extra rows recur in every county's workbook, and difflib
    over all known names is by far the slowest step of reading one.
    """
    return _closest(name, tuple(candidates), cutoff)


@functools.lru_cache(maxsize=4096)
def _closest(name: str, candidates: tuple[str, ...], cutoff: float) -> str | None:
    by_key = _keyed(candidates)
    hits = difflib.get_close_matches(key_of(name), list(by_key), n=1, cutoff=cutoff)
    return by_key[hits[0]] if hits else None


@functools.lru_cache(maxsize=64)
def _keyed(candidates: tuple[str, ...]) -> dict[str, str]:
    by_key: dict[str, str] = {}
    for c in candidates:
        by_key.setdefault(key_of(c), c)
    return by_key
