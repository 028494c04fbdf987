"""The working folder of ``assess serve``: ordinary files the command line can use too.

::

    工作文件夹/
      考核设置.json          which scheme (a bundled id or 方案.yaml), whether results are published
      方案.yaml              an uploaded scheme that passed ``check`` (the one in use)
      方案/上传/             every uploaded scheme, under generated names
      提交/<单位>/           every submission of a unit (never overwritten) + 提交记录.json
      提交/来源_<编号>/      every submission of a data source (部门报表、问题清单…)
      提交/_未识别/          files whose unit could not be told
      已通过/<单位>.xlsx     the latest accepted submission of each unit (a copy, replaced atomically)
      已通过/<来源>/         the latest accepted file of each other source
      输出/                  what the commands write: 排名/, 得分表/, 差距分析/, 模板/
      整改/                  the ledger (整改台账.xlsx), checklists, progress; 整改/问题清单/ uploads
      审计日志.jsonl         who did what, when, with which file and its sha256
      访问码.xlsx            unit access codes to hand out (only with --unit-codes)

``assess rank -s <方案> 已通过`` ranks what the page ranks: the other sources
are found as subfolders of ``已通过/`` named after them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SETTINGS = "考核设置.json"
SCHEME_FILE = "方案.yaml"
SCHEME_UPLOADS = "方案/上传"
SUBMITTED = "提交"
INBOX = "_收件"
UNKNOWN = "_未识别"
ACCEPTED = "已通过"
OUTPUT = "输出"
RECTIFY = "整改"
FINDINGS = "整改/问题清单"
LEDGER = "整改/整改台账.xlsx"
AUDIT = "审计日志.jsonl"
UNIT_CODES = "访问码.xlsx"
CODE_HASHES = "访问码.json"
RECORD = "提交记录.json"
SOURCE_PREFIX = "来源_"


@dataclass(frozen=True)
class Layout:
    """Paths inside one working folder (never built from a request)."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())

    def path(self, relative: str) -> Path:
        return self.root / relative

    @property
    def settings(self) -> Path:
        return self.root / SETTINGS

    @property
    def scheme_file(self) -> Path:
        return self.root / SCHEME_FILE

    @property
    def submitted(self) -> Path:
        return self.root / SUBMITTED

    @property
    def accepted(self) -> Path:
        return self.root / ACCEPTED

    @property
    def output(self) -> Path:
        return self.root / OUTPUT

    @property
    def rectify(self) -> Path:
        return self.root / RECTIFY

    @property
    def ledger(self) -> Path:
        return self.root / LEDGER

    @property
    def audit(self) -> Path:
        return self.root / AUDIT

    def make(self) -> None:
        for sub in (SUBMITTED, f"{SUBMITTED}/{INBOX}", ACCEPTED, OUTPUT, RECTIFY, FINDINGS, SCHEME_UPLOADS):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def relative(self, path: Path) -> str:
        """``path`` relative to the folder, with forward slashes (for records and downloads)."""
        return Path(path).resolve().relative_to(self.root).as_posix()
