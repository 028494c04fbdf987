"""One error hierarchy, and findings as data.

Errors stop a command: they derive from ``click.ClickException`` so the CLI
prints a Chinese message with its location and exits with code 2, never a
traceback.  Findings do not stop anything: they are collected (every problem
at once, as frictionless-py and sqlfluff do), rendered as a table or JSON, and
make the command exit with code 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import click

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem sits: a file and, inside it, a YAML node or a cell."""

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # e.g. "D17"
    row: int | None = None  # 1-based spreadsheet row when no single cell
    line: int | None = None  # 1-based YAML line
    column: int | None = None  # 1-based YAML column
    key: str | None = None  # YAML key path such as categories[0].indicators[2].rule

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            head = self.file
            if self.line is not None:
                head += f":{self.line}"
                if self.column is not None:
                    head += f":{self.column}"
            parts.append(head)
        if self.sheet is not None:
            if self.cell:
                parts.append(f"{self.sheet}!{self.cell}")
            elif self.row is not None:
                parts.append(f"{self.sheet} 第 {self.row} 行")
            else:
                parts.append(f"工作表“{self.sheet}”")
        elif self.cell:
            parts.append(self.cell)
        elif self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.key:
            parts.append(self.key)
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in an input: reported, not raised."""

    code: str
    message: str
    location: Location = field(default_factory=Location)
    severity: str = "error"  # "error" or "warning"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "location": self.location.to_dict(),
            "where": str(self.location),
        }

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


def shorten(text: object, limit: int = 80) -> str:
    """A path fit for a one-line message: long text keeps its head and its tail (where the
    file's name and suffix are) and says its length; invisible characters are written out.
    Values quoted from cells use :func:`assess.workbook.names.shown`, which keeps the head."""
    from assess.workbook.names import visible

    value = str(text)
    if len(value) <= limit:
        return visible(value)
    head = limit * 2 // 3
    return f"{visible(value[:head])}…{visible(value[-(limit - head - 1) :])}(共 {len(value):,} 个字符)"


def os_error_text(exc: OSError) -> str:
    """What the operating system refused, in Chinese, for a file the user or the machine chose."""
    import errno

    return {
        errno.ENAMETOOLONG: "文件名或路径过长,请用较短的名称或较浅的文件夹",
        errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
        errno.ENOENT: "文件或文件夹不存在",
        errno.EACCES: "没有访问权限",
        errno.EPERM: "操作系统不允许此操作",
        errno.EROFS: "该位置只读",
        errno.ENOSPC: "磁盘空间不足",
        errno.EISDIR: "这是文件夹,不是文件",
        errno.EINVAL: "名称中有系统不允许的字符",
        errno.ELOOP: "符号链接循环",
        errno.EMFILE: "同时打开的文件过多",
    }.get(exc.errno or 0, exc.strerror or type(exc).__name__)


class AssessError(click.ClickException):
    """Base of every error a user can cause; exit code 2."""

    exit_code = EXIT_ERROR
    code: ClassVar[str] = "error"

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.location = location or Location()

    def format_message(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message

    def show(self, file: Any = None) -> None:
        click.echo(f"错误:{self.format_message()}", file=file, err=True)

    def to_finding(self) -> Finding:
        return Finding(self.code, self.message, self.location)


class UsageError(AssessError):
    """Options that do not fit together, or a path that does not exist."""

    code = "usage"


class SchemeError(AssessError):
    """A scheme that cannot be loaded (syntax, encoding, unsafe YAML) or is invalid."""

    code = "scheme"

    def __init__(
        self, message: str, location: Location | None = None, findings: list[Finding] | None = None
    ) -> None:
        super().__init__(message, location)
        self.findings = findings or []

    def format_message(self) -> str:
        if not self.findings:
            return super().format_message()
        lines = [self.message] + [f"  {f}" for f in self.findings]
        return "\n".join(lines)


class FormulaError(SchemeError):
    """A formula that is not allowed or cannot be evaluated."""

    code = "formula"


class WorkbookError(AssessError):
    """A data file that cannot be read at all."""

    code = "workbook"


class UnsafeFileError(WorkbookError):
    """A file refused for safety: zip bomb, entity expansion, oversize."""

    code = "unsafe-file"


class EncryptedFileError(WorkbookError):
    """A password-protected workbook."""

    code = "encrypted"


class DataError(AssessError):
    """Data that was read but cannot be scored (for example, refused missing values)."""

    code = "data"


class HistoryError(DataError):
    """Earlier years' results (``--previous``) that cannot be used together: a year unknown,
    not earlier than the scheme's, or given twice."""

    code = "history"


class LedgerError(AssessError):
    """A rectification ledger or findings file whose structure is broken."""

    code = "ledger"


class OutputError(AssessError):
    """An output that cannot be written: folder missing, disk full, file locked."""

    code = "output"
