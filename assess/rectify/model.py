"""Rectification data: problems, statuses, deadlines, stable ids and cell text.

A *problem* is one item to rectify, produced from score results or from an
inspection's findings workbook.  The ledger stores problems as rows; this
module holds what both sides share: the column names, the four statuses, the
deadline forms (a date, 立行立改, 长期坚持) and the stable id.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from assess.errors import Location

# Statuses, in workflow order.  已完成 and 已销号 count as done.
NOT_STARTED = "未开始"
IN_PROGRESS = "整改中"
COMPLETED = "已完成"
CLOSED = "已销号"
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, CLOSED)
DONE = frozenset({COMPLETED, CLOSED})

# Words seen in published ledgers, accepted in findings workbooks (not in the ledger).
STATUS_ALIASES = {
    "待整改": NOT_STARTED,
    "未整改": NOT_STARTED,
    "正在整改": IN_PROGRESS,
    "部分整改": IN_PROGRESS,
    "整改验证": IN_PROGRESS,
    "退回补充": IN_PROGRESS,
    "已整改": COMPLETED,
    "已基本完成": COMPLETED,
    "完成": COMPLETED,
    "销号": CLOSED,
}

# Deadline words: a kind of deadline written in 整改时限 instead of a date.
IMMEDIATE = "立行立改"
ONGOING = "长期坚持"
DEADLINE_WORDS = (IMMEDIATE, ONGOING)

# Problem sources.
SOURCE_SCORE = "考核评估"

Deadline = dt.date | str | None  # a date, IMMEDIATE, ONGOING, or not set

# Ledger columns, in the order a new ledger has them.
C_ID = "编号"
C_UNIT = "单位名称"
C_SOURCE = "问题来源"
C_CATEGORY = "问题类别"
C_DESCRIPTION = "问题描述"
C_INDICATOR = "关联指标"
C_LOST = "失分"
C_DEPARTMENT = "责任单位"
C_OWNER = "责任人"
C_MEASURE = "整改措施"
C_DEADLINE = "整改时限"
C_STATUS = "整改状态"
C_DONE_DATE = "完成日期"
C_EVIDENCE = "佐证材料"
C_REMARK = "备注"
C_CHECK = "核对情况"
COLUMNS = (
    C_ID,
    C_UNIT,
    C_SOURCE,
    C_CATEGORY,
    C_DESCRIPTION,
    C_INDICATOR,
    C_LOST,
    C_DEPARTMENT,
    C_OWNER,
    C_MEASURE,
    C_DEADLINE,
    C_STATUS,
    C_DONE_DATE,
    C_EVIDENCE,
    C_REMARK,
    C_CHECK,
)
# Columns filled from the inputs: updated on a re-run unless a person changed them.
GENERATED = (
    C_SOURCE,
    C_CATEGORY,
    C_DESCRIPTION,
    C_INDICATOR,
    C_LOST,
    C_DEPARTMENT,
    C_OWNER,
    C_MEASURE,
    C_DEADLINE,
)
# 核对情况 value for a problem the latest inputs no longer contain.
NOT_SEEN = "本轮未再发现"


@dataclass(slots=True)
class Problem:
    """One problem to rectify, as the inputs describe it."""

    id: str
    unit: str
    source: str
    category: str
    description: str
    origin: str  # "score:<scheme id>" or "findings:<file name>": what a re-run must contain to still see it
    indicator: str = ""
    lost: float | None = None
    department: str = ""
    owner: str = ""
    measure: str = ""
    deadline: Deadline = None
    deadline_days: int | None = None  # deadline counted from the day first seen (score problems)
    status: str | None = None  # initial status (findings workbooks may carry one)
    location: Location | None = None

    def generated(self) -> dict[str, Any]:
        """The generated columns' values, keyed by ledger column name."""
        return {
            C_SOURCE: self.source,
            C_CATEGORY: self.category,
            C_DESCRIPTION: self.description,
            C_INDICATOR: self.indicator,
            C_LOST: self.lost,
            C_DEPARTMENT: self.department,
            C_OWNER: self.owner,
            C_MEASURE: self.measure,
            C_DEADLINE: self.deadline,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "unit": self.unit,
            "source": self.source,
            "category": self.category,
            "description": self.description,
            "indicator": self.indicator or None,
            "lost": self.lost,
            "department": self.department or None,
            "owner": self.owner or None,
            "measure": self.measure or None,
            "deadline": deadline_text(self.deadline) or None,
            "origin": self.origin,
        }


@dataclass(slots=True)
class Row:
    """One ledger row as read back (or about to be written)."""

    id: str
    unit: str
    values: dict[str, Any] = field(default_factory=dict)  # column name → python value
    sheet: str = ""
    row: int = 0

    def get(self, column: str) -> Any:
        return self.values.get(column)

    @property
    def status(self) -> str:
        return str(self.values.get(C_STATUS) or NOT_STARTED)

    @property
    def deadline(self) -> Deadline:
        value = self.values.get(C_DEADLINE)
        return value if isinstance(value, (dt.date, str)) and value != "" else None


# ---- stable ids -------------------------------------------------------------

_ID_ALPHABET = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def stable_id(*parts: str) -> str:
    """``ZG-`` and 8 characters from a hash of ``parts``: short, stable, case-free.

    40 bits: two different problems share an id with odds of about 1 in 40
    million for a ledger of 100 problems, 1 in 400 000 for 1000.
    """
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    text = base64.b32encode(digest[:5]).decode("ascii").translate(_ID_ALPHABET)
    return f"ZG-{text}"


_PUNCT_RE = re.compile(r"[\s,.;:!?、。,;:!?\"'“”‘’()()\[\]【】《》<>—\-_·…]+")


def normalise_text(text: str) -> str:
    """Description key for ids: NFKC, case-folded, spaces and punctuation dropped."""
    return _PUNCT_RE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def score_problem_id(scheme_id: str, unit: str, kind: str, item_id: str) -> str:
    return stable_id("score", scheme_id, unit.strip(), kind, item_id)


def finding_problem_id(unit: str, source: str, description: str) -> str:
    return stable_id("finding", unit.strip(), source.strip(), normalise_text(description))


# ---- dates and text -----------------------------------------------------------

# Dates a ledger can hold: Excel shows nothing before 1900 and nothing after 9999.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(9999, 12, 31)
# Excel keeps at most this many characters in a cell; longer text is cut (with a warning).
MAX_CELL_TEXT = 32_767

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# What cannot be seen or printed: control characters other than tab and line break,
# and format characters (zero-width spaces and joiners, BOM, bidi overrides).
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)


def clean_text(text: str) -> str:
    """Cell text without invisible characters (controls, zero-width, bidi), line breaks as ``\\n``, stripped.

    Such characters come with copy and paste; they cannot be written to a
    worksheet (openpyxl refuses controls) and would make ``浏阳市`` and
    ``浏阳市`` + a zero-width space two different units.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isprintable():
        text = _INVISIBLE_RE.sub("", text)
    return text.strip()


def shown(value: Any, limit: int = 40) -> str:
    """``value`` as quoted in a message: invisible characters made visible, long text cut short."""
    text = value if isinstance(value, str) else str(value)
    total = len(text)
    if total > limit:
        text = text[:limit]
    if not text.isprintable():
        text = "".join(
            c
            if c == " " or c.isprintable()
            else ("↵" if c in "\r\n" else f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"<U+{ord(c):04X}>")
            for c in text
        )
    return f"{text}…(共 {total:,} 个字符)" if total > limit else text


def add_days(day: dt.date, days: int) -> dt.date | None:
    """``day`` + ``days``, or None when the result is past what a ledger can hold."""
    try:
        result = day + dt.timedelta(days=days)
    except (OverflowError, ValueError):
        return None
    return result if MIN_DATE <= result <= MAX_DATE else None


def parse_iso(text: str) -> dt.date | None:
    """An ISO date written by assess itself (the hidden sheet); None when it is not one."""
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def parse_date_text(text: str) -> dt.date | None:
    """``2025-06-30``, ``2025/6/30``, ``2025.6.30``, ``2025年6月30日`` (with a time part ignored)."""
    s = unicodedata.normalize("NFKC", text).strip()
    if len(s) > 10 and s[10:11] in (" ", "T") and s[:4].isdigit():
        s = s[:10]
    m = _DATE_RE.match(s)
    if not m:
        return None
    try:
        day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return day if day >= MIN_DATE else None


def as_date(value: Any) -> dt.date | None:
    """A cell value as a date: date/datetime cells or date text; None otherwise."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value if MIN_DATE <= value <= MAX_DATE else None
    if isinstance(value, str):
        return parse_date_text(value)
    return None


def parse_deadline(value: Any) -> tuple[Deadline, bool]:
    """A 整改时限 cell: (deadline, ok).  Blank is ok and None; bad text is (None, False)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, str):
        s = unicodedata.normalize("NFKC", value).strip()
        if s in DEADLINE_WORDS:
            return s, True
        if s in ("立即整改", "即知即改"):
            return IMMEDIATE, True
    d = as_date(value)
    return (d, True) if d is not None else (None, False)


def deadline_text(value: Deadline) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def fmt_number(value: float | None) -> str:
    """A number without trailing zeros: 1.5, 2, 0.25."""
    if value is None or not math.isfinite(value):
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def canonical(value: Any) -> str:
    """A cell value as text for comparisons (what was generated vs. what the cell holds)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        try:
            return fmt_number(float(value))
        except OverflowError:
            return str(value)
    return str(value).strip()


__all__ = [
    "COLUMNS",
    "DONE",
    "GENERATED",
    "STATUSES",
    "Problem",
    "Row",
    "add_days",
    "as_date",
    "canonical",
    "clean_text",
    "finding_problem_id",
    "parse_deadline",
    "score_problem_id",
    "shown",
    "stable_id",
]
