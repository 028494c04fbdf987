"""The page's work, done by the commands' own functions.

Each function here calls the function the command line calls
(:func:`assess.commands.rank.run_rank`, ``run_score``, ``run_explain``,
``run_template``, ``run_rectify_cli``) on the working folder's files and
writes into ``输出/`` or ``整改/`` with the same writers: what the page offers
for download is what ``assess`` itself wrote.  Nothing here scores, reads or
renders.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assess.errors import UsageError
from assess.serve.jobs import Job
from assess.serve.store import Store, read_json

RANK_NAME = "考核结果排名"
RANK_FORMATS = ("json", "html", "xlsx", "doc")
OFFICE_FORMATS = ("docx", "pdf")  # written too where LibreOffice is installed, as the command line does


def rank_formats() -> tuple[str, ...]:
    """The ranking's formats here: those the command line can write on this machine."""
    from assess.render.office import find_soffice

    return RANK_FORMATS + (OFFICE_FORMATS if find_soffice() else ())


RANK_FOLDER = "排名"
SHEETS_FOLDER = "得分表"
EXPLAIN_FOLDER = "差距分析"
TEMPLATES_FOLDER = "模板"
READ_JOBS = (
    0  # as the command line: both cores (workers are spawned, not forked, beside the server's threads)
)


def need_scheme(store: Store) -> str:
    ref = store.scheme_ref()
    if ref is None:
        raise UsageError("尚未选择考核方案,请先在“方案”页选择内置方案或上传方案")
    return ref


def need_accepted(store: Store) -> Path:
    if not store.accepted_units():
        raise UsageError("还没有已通过的提交,无法评分;请先在“数据收集”页上传并通过检查")
    return store.layout.accepted


def rank_all(store: Store, job: Job) -> dict[str, Any]:
    """Rank every accepted unit and write its score sheets, all from one snapshot of 已通过/.

    The ranking (JSON, HTML, xlsx, doc) is written from one reading, and the
    score sheets read the same snapshot: a county uploading meanwhile changes
    the next ranking, never half of this one.
    """
    from assess.commands.rank import run_rank

    scheme = need_scheme(store)
    accepted = need_accepted(store)
    folder = store.layout.output / RANK_FOLDER
    first, *others = rank_formats()
    with snapshot(accepted) as inputs:
        job.stage = "读取数据、评分排名"
        run = run_rank(
            scheme,
            [inputs],
            [],
            data_opts=[],
            previous=[],
            overall=False,
            fmt=first,
            output=folder / f"{RANK_NAME}.{first}",
            report_date=None,
            title=None,
            issuer=None,
            quiet=False,
            strict=False,
            jobs=READ_JOBS,
            force=True,
            progress=job.progress,
            also=tuple((fmt, folder / f"{RANK_NAME}.{fmt}") for fmt in others),
        )
        messages = [_shown(m, inputs, accepted, store).strip() for m in run.messages]
        job.messages.extend(messages)
        job.stage = "生成得分表"
        score_sheets(store, job, inputs)
    return {"messages": messages}


def _shown(message: str, snapshot_folder: Path, accepted: Path, store: Store) -> str:
    """A message naming the snapshot's files names them in 已通过/, relative to the working folder."""
    message = message.replace(str(snapshot_folder), store.layout.relative(accepted))
    return message.replace(str(store.layout.root) + os.sep, "")


@contextmanager
def snapshot(folder: Path) -> Iterator[Path]:
    """The files of ``folder`` as they are now, hard-linked (copied where links are not
    possible) into a folder of the same name that only this job reads, removed after.

    An accepted copy is replaced by a rename, so a link keeps the version it was
    made from.  A unit whose .xls is being replaced by an .xlsx counts once: the newer.
    """
    import shutil
    import tempfile

    root = Path(tempfile.mkdtemp(prefix=".排名快照-", dir=folder.parent))
    target = root / folder.name
    try:
        target.mkdir()
        for parent in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
            newest: dict[str, Path] = {}
            for path in parent.iterdir():
                try:
                    if path.is_file() and (
                        path.stem not in newest or path.stat().st_mtime > newest[path.stem].stat().st_mtime
                    ):
                        newest[path.stem] = path
                except OSError:  # removed while listed: its replacement is listed too
                    continue
            place = target / parent.relative_to(folder)
            place.mkdir(parents=True, exist_ok=True)
            for path in newest.values():
                try:
                    os.link(path, place / path.name)
                except FileNotFoundError:
                    continue
                except OSError:
                    shutil.copy2(path, place / path.name)
        yield target
    finally:
        shutil.rmtree(root, ignore_errors=True)


def ranking(store: Store) -> dict[str, Any] | None:
    """The last ranking as the page shows it (from the JSON ``rank`` wrote), or None."""
    path = store.layout.output / RANK_FOLDER / f"{RANK_NAME}.json"
    doc = read_json(path, None)
    if not isinstance(doc, dict) or not str(doc.get("format", "")).startswith("assess.rank"):
        return None
    units = [
        {
            "unit": u.get("unit"),
            "group": u.get("group") or "",
            "rank": u.get("rank"),
            "total": u.get("total"),
            "grade": u.get("grade") or "",
            "flags": "、".join(str(f) for f in u.get("flags") or []),
            "vetoes": "、".join(
                str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in u.get("vetoes") or []
            ),
        }
        for u in doc.get("units", [])
        if isinstance(u, dict)
    ]
    return {
        "title": doc.get("title", ""),
        "units": units,
        "statistics": doc.get("statistics") or [],
        "notes": doc.get("notes") or [],
        "refused": doc.get("refused") or [],
        "time": _mtime(path),
    }


def _mtime(path: Path) -> str:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    except OSError:
        return ""


def score_sheets(store: Store, job: Job | None = None, inputs: Path | None = None) -> list[str]:
    """Every accepted unit's score sheet (HTML and xlsx) into 输出/得分表/, scored as one cohort
    (from the ranking's snapshot when it gives one)."""
    from assess.commands.score import run_score

    scheme = need_scheme(store)
    inputs = inputs or need_accepted(store)
    folder = store.layout.output / SHEETS_FOLDER
    messages: list[str] = []
    for fmt in ("html", "xlsx"):
        if job is not None:
            job.stage = f"生成得分表({fmt})"
        run = run_score(scheme, [inputs], [], fmt, folder, None, True)
        messages += run.messages
    return messages


def sheet_file(store: Store, unit: str, suffix: str = ".html") -> Path | None:
    from assess.render.atomic import safe_filename

    path = store.layout.output / SHEETS_FOLDER / f"{safe_filename(unit)}{suffix}"
    return path if path.is_file() else None


def explain(store: Store, unit: str) -> tuple[str, Path]:
    """``assess explain`` for one unit among all accepted: its text, and its HTML document."""
    from assess.commands.explain import run_explain
    from assess.render.atomic import safe_filename

    scheme = need_scheme(store)
    cohort = need_accepted(store)
    own = store.accepted_file(store.unit_slot(unit))
    if own is None:
        raise UsageError(f"“{unit}”还没有已通过的提交,无法分析")
    args: dict[str, Any] = {"units": [unit], "sets": [], "report_date": None, "force": True}
    text = run_explain(scheme, [own], [cohort], [], fmt="table", output=None, **args).stdout
    target = store.layout.output / EXPLAIN_FOLDER / f"{safe_filename(unit)}.html"
    run_explain(scheme, [own], [cohort], [], fmt="html", output=target, **args)
    return text, target


def template(store: Store, unit: str | None, source: str | None = None) -> Path:
    """A blank template for a unit (or for a source), as ``assess template`` makes it."""
    from assess.commands.template import run_template
    from assess.render.atomic import safe_filename

    scheme = need_scheme(store)
    name = safe_filename(f"来源_{source}" if source else unit or "填报模板")
    target = store.layout.output / TEMPLATES_FOLDER / f"{name}.xlsx"
    made = run_template(scheme, target, "county", None, unit, True, source)
    return made.written[0][0] if made.written else target


# ---- rectification ----------------------------------------------------------

RECTIFY_JSON = "整改情况.json"
ADOPTED = "采用"  # 整改/问题清单/采用/: the latest upload of each findings list by its name


def findings_in_use(store: Store) -> list[Path]:
    folder = store.layout.path("整改/问题清单") / ADOPTED
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".xlsx", ".xls", ".csv", ".ods")
    )


def rectify(store: Store, as_of: dt.date | None = None) -> dict[str, Any]:
    """``assess rectify`` on the ranking's results, the findings lists in use and the ledger."""
    from assess.commands.rectify_cli import run_rectify_cli

    scheme = need_scheme(store)
    results = store.layout.output / RANK_FOLDER / f"{RANK_NAME}.json"
    given = [results] if results.is_file() else []
    findings = findings_in_use(store)
    if not given and not findings and not store.layout.ledger.is_file():
        raise UsageError("请先排名(生成评分结果),或上传督查发现问题清单,再生成整改台账")
    run = run_rectify_cli(
        scheme,
        given,
        findings,
        store.layout.ledger,
        store.layout.rectify,
        as_of or dt.date.today(),
        "single",
        {"xlsx", "html", "json"},
        True,
        None,
        None,
    )
    # the page shows where files went inside the working folder, never the server's own paths
    # (and no command-line option: the page lists what the checklist leaves out, with no way to ask for it)
    from assess.rectify.problems import ALL_LOST_HINT

    root = f"{store.layout.root}{os.sep}"
    shown = [m.replace(root, "").replace(ALL_LOST_HINT, "。") for m in run.messages]
    return {"messages": shown, "exit_code": run.exit_code}


def rectify_progress(store: Store) -> dict[str, Any] | None:
    doc = read_json(store.layout.rectify / RECTIFY_JSON, None)
    if not isinstance(doc, dict) or not isinstance(doc.get("progress"), dict):
        return None
    progress = doc["progress"]
    return {
        "as_of": doc.get("as_of", ""),
        "overall": progress.get("overall") or {},
        "units": progress.get("units") or [],
        "sources": progress.get("sources") or [],
        "problems": len(doc.get("problems") or []),
    }


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)
