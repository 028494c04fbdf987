"""``--previous``: earlier years' results for ``rank`` and ``score``, given once or more.

Each ``--previous`` is a results file (``assess rank`` JSON, brief JSON, ``score`` JSON, or
the xlsx ``rank`` wrote), a folder of them, or ``年份=文件`` where the file does not say its
year.  Every file goes through the strict readers (``scoring/results_file.py``,
``render/ranking_xlsx.py``): a hand-edited value is refused with its place.  A folder's other
files (other kinds, other assess outputs, this year's own results) are passed over with a
note; a year given twice, or not earlier than the scheme's, is an error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assess.errors import Finding, HistoryError, Location
from assess.scheme.plan import Plan
from assess.scoring.history import Earlier, History

SUFFIXES = (".json", ".xlsx")
RESULT_FORMATS = frozenset({"assess.rank/1", "assess.rank-brief/1", "assess.score/1"})
YEAR_FORM = re.compile(r"^\s*(\d{4})\s*=\s*(.+)$")  # 2023=上年结果.xlsx
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
SHOWN = 5  # files named in the note of a folder's files passed over


@dataclass
class Given:
    path: Path
    year: int | None = None  # written on the command line (2023=文件)
    folder: Path | None = None  # the folder it was found in


@dataclass
class Previous:
    """The earlier years read, what was read, and what is said about them."""

    history: History
    files: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # warnings: skipped files, another scheme
    notes: list[str] = field(default_factory=list)  # notes of the ranking (较上年 against an older year)

    @property
    def given(self) -> bool:
        return bool(self.history.earlier)

    def head(self) -> dict[str, Any]:
        """``previous`` (the latest year's file, as before) and ``history`` of the document head."""
        latest = self.history.latest
        return {
            "previous": latest.file if latest else None,
            "history": [
                {"year": e.year, "file": e.file, "scheme": e.scheme}
                for e in (self.history.earlier[y] for y in self.history.years)
            ],
        }

    def messages(self) -> list[str]:
        """The warnings for the screen."""
        return [f"  提示:{f.message}" for f in self.findings]


def given_files(specs: Sequence[str]) -> tuple[list[Given], dict[Path, list[tuple[str, str]]]]:
    """The files the ``--previous`` options name, folders listed; and each folder's other
    files with why they are passed over."""
    out: list[Given] = []
    skipped: dict[Path, list[tuple[str, str]]] = {}
    for spec in specs:
        path, year = _split(spec)
        if path.is_dir():
            if year is not None:
                raise HistoryError(f"--previous {spec}:年份只能写给单个结果文件,“{path.name}”是文件夹")
            found, passed = _listed(path)
            if passed:
                skipped[path] = passed
            if not found:
                raise HistoryError(
                    f"上年结果文件夹“{path}”中没有 assess rank 输出的 .json 或 .xlsx 结果文件"
                    + (f"(跳过:{_names(passed)})" if passed else "")
                )
            out += [Given(p, None, path) for p in found]
        elif path.exists():  # a pipe or a device too: the strict readers refuse it with its name
            if path.suffix.lower() not in SUFFIXES:
                raise HistoryError(f"上年结果“{path.name}”应为 assess rank 输出的 .json 或 .xlsx")
            out.append(Given(path, year))
        else:
            raise HistoryError(f"找不到上年结果“{spec}”")
    seen: dict[Path, Given] = {}
    for g in out:
        key = g.path.resolve()
        if key in seen:
            raise HistoryError(f"上年结果“{g.path}”给出了两次;每个文件只给一次")
        seen[key] = g
    return out, skipped


def read_previous(plan: Plan, specs: Sequence[str]) -> Previous:
    """Every earlier year given, checked together: each year known, earlier than the scheme's,
    once only.  No ``--previous`` gives an empty history (years running are then not decided,
    said on the screen)."""
    year = plan.scheme.year
    given, passed = given_files(specs)
    got = Previous(History(year))
    by_year: dict[int, Given] = {}
    for g in given:
        read = _read(g)
        if isinstance(read, str):  # a folder's file that is not a result
            passed.setdefault(g.folder or g.path.parent, []).append((g.path.name, read))
            continue
        units, made = read
        at = g.year or made.year
        where = Location(file=str(g.path))
        if at is None:
            raise HistoryError(
                f"看不出上年结果“{g.path.name}”是哪一年的结果(文件中的方案年度 scheme.year、排名表的标题中都没有年份);"
                f"请写明年份,如 --previous 2023={g.path}",
                where,
            )
        if g.year is not None and made.year is not None and made.year != g.year:
            got.findings.append(
                Finding(
                    "previous-year",
                    f"上年结果“{g.path.name}”写明是 {made.year} 年的结果,按 --previous 所写作为 {g.year} 年的结果",
                    where,
                    "warning",
                )
            )
        if at >= year:
            if g.folder is not None and g.year is None:
                passed.setdefault(g.folder, []).append((g.path.name, f"{at} 年的结果,不早于本方案的年度"))
                continue
            raise HistoryError(
                f"上年结果“{g.path.name}”是 {at} 年的结果,不早于本方案的年度({year} 年);"
                "--previous 只能给往年的结果",
                where,
            )
        if at in by_year:
            raise HistoryError(f"{at} 年的结果有两个:{by_year[at].path}、{g.path};每年只能给一个")
        by_year[at] = g
        if made.scheme is not None and _family(made.scheme) != _family(plan.scheme.id):
            got.findings.append(
                Finding(
                    "previous-scheme",
                    f"上年结果“{g.path.name}”({at} 年)由方案 {made.scheme} 生成,本次方案为 {plan.scheme.id};"
                    "名次和等次照常比较,请确认是同一类考核的结果",
                    where,
                    "warning",
                )
            )
        got.history.earlier[at] = Earlier(at, units, g.path.name, made.scheme)
        got.files.append(g.path)
    empty = {g.folder for g in given if g.folder is not None} - {g.folder for g in by_year.values()}
    if empty:
        folder = min(empty, key=str)
        raise HistoryError(
            f"上年结果文件夹“{folder}”中没有往年的结果(assess rank 输出的 .json 或 .xlsx)"
            f";跳过:{_names(passed.get(folder, []))}"
        )
    got.findings[:0] = [_skipped(folder, names) for folder, names in passed.items()]
    latest = got.history.latest
    if latest is not None and latest.year != year - 1:
        got.notes.append(f"“较上年”按 {latest.year} 年的结果比较(没有给出 {year - 1} 年的结果)。")
    return got


def _split(spec: str) -> tuple[Path, int | None]:
    """``2023=文件`` → (文件, 2023); a path that exists as written is a path, ``=`` and all."""
    path = Path(spec)
    if path.exists():
        return path, None
    hit = YEAR_FORM.match(spec)
    if hit is None:
        return path, None
    return Path(hit.group(2).strip()), int(hit.group(1))


def _listed(folder: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """A folder's result files, and the others with why they are passed over."""
    from assess.commands.common import not_data

    found: list[Path] = []
    passed: list[tuple[str, str]] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError as e:
        raise HistoryError(f"无法读取上年结果文件夹“{folder}”({e.strerror or e})") from None
    for p in entries:
        if p.is_dir():
            passed.append((p.name, "文件夹"))
        elif not_data(p):
            passed.append((p.name, "临时或隐藏文件"))
        elif p.suffix.lower() not in SUFFIXES:
            passed.append((p.name, "不是 .json 或 .xlsx"))
        else:
            found.append(p)
    return found, passed


def _read(g: Given) -> tuple[dict[str, dict[str, Any]], Any] | str:
    """The units of one file and how it was made; for a folder's file that is no result of
    ``rank`` or ``score``, why it is passed over."""
    if g.path.suffix.lower() == ".json":
        from assess.scoring.results_file import made_of, read_json, results_of

        doc = read_json(g.path, "上年结果")
        fmt = doc.get("format") if isinstance(doc, dict) else None
        if (
            g.folder is not None
            and isinstance(fmt, str)
            and fmt.startswith("assess.")
            and fmt not in RESULT_FORMATS
        ):
            return f"assess 的其他输出 {fmt}"
        return results_of(doc, g.path), made_of(doc, g.path)
    from assess.render.ranking_xlsx import read_ranking_book
    from assess.workbook.marker import BRIEF, RANKING, label
    from assess.workbook.read import open_book

    book = open_book(g.path)
    kind = book.output_kind
    if g.folder is not None and kind is not None and kind not in (RANKING, BRIEF):
        return f"assess 输出的{label(kind)}"
    units, made = read_ranking_book(g.path, book, required=g.folder is None)
    return (units, made) if units else "不是排名表"


def _family(scheme_id: str) -> str:
    """A scheme's id without its year: county-2023 and county-2024 are the same assessment."""
    return YEAR.sub("", scheme_id)


def _names(passed: list[tuple[str, str]]) -> str:
    shown = "、".join(f"{name}({why})" for name, why in passed[:SHOWN])
    return shown + (f" 等 {len(passed)} 个" if len(passed) > SHOWN else "")


def _skipped(folder: Path, passed: list[tuple[str, str]]) -> Finding:
    return Finding(
        "previous-skipped",
        f"上年结果文件夹“{folder.name}”中跳过 {len(passed)} 个文件:{_names(passed)}",
        Location(file=str(folder)),
        "warning",
    )


__all__ = ["Previous", "given_files", "read_previous"]
