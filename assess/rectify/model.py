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

# Statuses, in life-cycle order (docs/rectify.md, "整改状态与认定"):
# 未开始 → 整改中 → 已完成（待认定）→ 已销号, plus 长期坚持 and 不涉及.
NOT_STARTED = "未开始"
IN_PROGRESS = "整改中"
COMPLETED = "已完成（待认定）"
CLOSED = "已销号"
LONG_TERM = "长期坚持"  # rectified, with a mechanism kept up for good: counts as done
NOT_APPLICABLE = "不涉及"  # a unit's claim that a shared problem is not theirs: outside the figures
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, CLOSED, LONG_TERM, NOT_APPLICABLE)
DONE = frozenset({COMPLETED, CLOSED, LONG_TERM})
# The word ledgers before the life cycle used; still accepted in a ledger, read as COMPLETED.
OLD_COMPLETED = "已完成"

# Words seen in published ledgers, accepted in findings workbooks (not in the ledger).
STATUS_ALIASES = {
    "待整改": NOT_STARTED,
    "未整改": NOT_STARTED,
    "正在整改": IN_PROGRESS,
    "部分整改": IN_PROGRESS,
    "整改验证": IN_PROGRESS,
    "退回补充": IN_PROGRESS,
    OLD_COMPLETED: COMPLETED,
    "已整改": COMPLETED,
    "已基本完成": COMPLETED,
    "完成": COMPLETED,
    "待认定": COMPLETED,
    "销号": CLOSED,
    "已认定": CLOSED,
}


def ledger_status(text: str) -> str | None:
    """A ledger's 整改状态 cell as one of STATUSES: the six words (half- or full-width
    brackets alike) and the old 已完成; None for anything else."""
    s = unicodedata.normalize("NFKC", text).strip()
    if s == OLD_COMPLETED:
        return COMPLETED
    return _STATUS_KEYS.get(s)


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
# Columns of the life cycle (ledger format 2); a format-1 ledger gets them at its right edge.
C_CONFIRM_UNIT = "认定单位"
C_CONFIRM_DATE = "认定日期"
C_NA_REASON = "不涉及理由"
COLUMNS_V1 = (
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
COLUMNS = (*COLUMNS_V1, C_CONFIRM_UNIT, C_CONFIRM_DATE, C_NA_REASON)
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
    group: str = ""  # key of the shared problem (单位名称 全部 / a list) this unit's row was split from

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
        """The status as written (the old 已完成 read as 已完成（待认定）); blank is 未开始."""
        text = str(self.values.get(C_STATUS) or "").strip()
        return (ledger_status(text) or text) if text else NOT_STARTED

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


# ---- readable ledger ids -------------------------------------------------------

# 问题来源 → the short word in an id, first keyword found wins (docs/rectify.md, "编号").
SOURCE_WORDS = (
    ("巡视", "巡视"),
    ("巡察", "巡察"),
    ("审计", "审计"),
    ("督查", "督查"),
    ("暗访", "暗访"),
    ("第三方", "评估"),
    ("考核", "考核"),
    ("评估", "评估"),
    ("自查", "自查"),
    ("信访", "信访"),
)
SHARED_WORD = "共性"  # in the id of a problem addressed to several units


def source_word(source: str) -> str:
    """``督查暗访`` → ``督查``, ``国家考核评估反馈问题`` → ``考核``; other sources their first 4 characters."""
    text = unicodedata.normalize("NFKC", source)
    for keyword, word in SOURCE_WORDS:
        if keyword in text:
            return word
    return normalise_text(text)[:4] or "其他"


def id_part(text: str) -> str:
    """A unit's name as a part of an id: no spaces, punctuation or hyphens."""
    return _PUNCT_RE.sub("", unicodedata.normalize("NFKC", text)) or "未知"


_SEQ_RE = re.compile(r"^(.+)-(\d+)$")  # 2024-督查-浏阳市-003
_CLAIMED_RE = re.compile(r"^(.+)-(\d+)-[^-\d][^-]*$")  # 2024-督查-共性-001-浏阳市


class IdMaker:
    """Readable ids ``2024-督查-浏阳市-003``: year, source word, unit, sequence in that prefix.

    Numbers continue after the highest one ever used in the prefix (rows and the
    hidden sheet, so a deleted row's number is not given again).
    """

    def __init__(self, taken: set[str]) -> None:
        self.taken = set(taken)
        self._next: dict[str, int] = {}  # prefix → next number
        for ident in self.taken:
            for pattern in (_SEQ_RE, _CLAIMED_RE):
                m = pattern.match(ident)
                if m:
                    n = int(m.group(2)) + 1
                    if n > self._next.get(m.group(1), 1):
                        self._next[m.group(1)] = n

    def _number(self, prefix: str) -> int:
        n = self._next.get(prefix, 1)
        self._next[prefix] = n + 1
        return n

    def _free(self, ident: str) -> str:
        name, n = ident, 2
        while name in self.taken:
            name = f"{ident}-{n}"
            n += 1
        self.taken.add(name)
        return name

    def new(self, year: int, source: str, unit: str) -> str:
        prefix = f"{year}-{source_word(source)}-{id_part(unit)}"
        return self._free(f"{prefix}-{self._number(prefix):03d}")

    def shared_number(self, year: int, source: str) -> str:
        """``2024-督查-共性-003``: the shared problem's own number, its units' ids derive from it."""
        prefix = f"{year}-{source_word(source)}-{SHARED_WORD}"
        return f"{prefix}-{self._number(prefix):03d}"

    def claimed(self, shared: str, unit: str) -> str:
        return self._free(f"{shared}-{id_part(unit)}")


def id_sort_key(ident: str) -> tuple[Any, ...]:
    """Ids in natural order: ``…-009`` before ``…-010``."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", ident))


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


_STATUS_KEYS = {unicodedata.normalize("NFKC", s): s for s in STATUSES}

__all__ = [
    "COLUMNS",
    "DONE",
    "GENERATED",
    "STATUSES",
    "IdMaker",
    "Problem",
    "Row",
    "add_days",
    "as_date",
    "canonical",
    "clean_text",
    "finding_problem_id",
    "id_sort_key",
    "ledger_status",
    "parse_deadline",
    "score_problem_id",
    "shown",
    "stable_id",
]
