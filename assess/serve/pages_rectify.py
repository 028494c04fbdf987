"""Rectification: findings lists, the ledger (download, hand-edited upload), checklists, progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from assess.errors import AssessError, Finding
from assess.serve import layout as L
from assess.serve import work
from assess.serve.receipts import finding_dict
from assess.serve.store import generated_name, locked, sha256_bytes
from assess.serve.uploads import data_suffix, read_upload, shown_name
from assess.serve.web import (
    NOT_FOUND,
    Refused,
    checked_form,
    client_address,
    download,
    office,
    page,
    server_of,
)

NOT_A_WORKBOOK = "只接受 .xlsx .xls .ods .csv 格式的工作簿"
LEDGER_NOT_XLSX = "整改台账应为 .xlsx 文件(请上传从本页下载、填写后的台账)"
DOCUMENT_SUFFIXES = (".xlsx", ".html", ".doc", ".docx", ".pdf", ".json")


def documents(store: Any) -> list[Path]:
    """The files rectify wrote into 整改/ (the ledger first); backups and locks are not offered."""
    folder = store.layout.rectify
    if not folder.is_dir():
        return []
    found = [
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in DOCUMENT_SUFFIXES
        and ".bak" not in p.name
        and "备份" not in p.name
    ]
    return sorted(found, key=lambda p: (p.name != "整改台账.xlsx", p.name))


async def rectify_page(request: Request, **extra: Any) -> Response:
    office(request)
    store = server_of(request).store
    status = extra.pop("status", 200)
    return page(
        request,
        "rectify.html.j2",
        status,
        progress=work.rectify_progress(store),
        files=[p.name for p in documents(store)],
        findings=[p.name for p in work.findings_in_use(store)],
        ranked=(store.layout.output / work.RANK_FOLDER / f"{work.RANK_NAME}.json").is_file(),
        messages=extra.get("messages", []),
        receipt=extra.get("receipt"),
    )


async def _one_file(request: Request) -> tuple[Any, Any, str, bytes]:
    session = office(request)
    form = await checked_form(request, session, files=1)
    item = form.get("file")
    if item is None or isinstance(item, str):
        raise Refused(400, "请选择要上传的文件")
    shown = shown_name(item.filename)
    data = await read_upload(item, server_of(request).limits.max_file_bytes)
    if data is None:
        from assess.serve.uploads import file_too_large_text

        raise Refused(413, file_too_large_text(server_of(request).limits))
    return session, form, shown, data


def _run(store: Any) -> dict[str, Any]:
    return work.rectify(store)


async def upload_findings(request: Request) -> Response:
    from assess.rectify.findings import read_findings
    from assess.render.atomic import copy_atomic, safe_filename, write_atomic

    session, _form, shown, data = await _one_file(request)
    suffix = data_suffix(shown)
    if suffix is None or suffix in (".xlsm", ".xlsb"):
        raise Refused(400, NOT_A_WORKBOOK)
    server = server_of(request)
    store = server.store
    folder = store.layout.path(L.FINDINGS)
    folder.mkdir(parents=True, exist_ok=True)
    stored = write_atomic(folder / generated_name(suffix), data)
    found: list[Finding] = []
    try:
        problems = await run_in_threadpool(read_findings, stored, found)
    except AssessError as exc:
        problems, found = [], [*found, exc.to_finding()]
    bad = any(f.severity == "error" for f in found) or not problems
    if not bad:
        adopted = folder / work.ADOPTED
        adopted.mkdir(parents=True, exist_ok=True)
        target = adopted / f"{safe_filename(Path(shown).stem)}{suffix}"
        with locked(adopted / "采用.json"):
            copy_atomic(stored, target, "无法采用问题清单({error})")
    server.audit.write(
        session.who,
        "上传问题清单",
        file=shown,
        stored=store.layout.relative(stored),
        sha256=sha256_bytes(data),
        result="有问题,未采用" if bad else f"已采用,问题 {len(problems)} 条",
        ip=client_address(request),
    )
    receipt = {
        "name": shown,
        "ok": not bad,
        "count": len(problems),
        "findings": [finding_dict(f, shown) for f in found],
    }
    messages: list[str] = []
    if not bad:
        try:
            messages = (await run_in_threadpool(_run, store))["messages"]
        except AssessError as exc:
            messages = [exc.format_message()]
    return await rectify_page(request, receipt=receipt, messages=messages, status=200 if not bad else 422)


async def run_rectify(request: Request) -> Response:
    session = office(request)
    await checked_form(request, session)
    server = server_of(request)
    try:
        result = await run_in_threadpool(_run, server.store)
    except AssessError as exc:
        raise Refused(409, exc.format_message()) from None
    server.audit.write(
        session.who,
        "更新整改台账",
        file=L.LEDGER,
        sha256=_sha(server.store.layout.ledger),
        ip=client_address(request),
    )
    return await rectify_page(request, messages=result["messages"])


def _sha(path: Path) -> str | None:
    from assess.commands.common import sha256_file

    try:
        return sha256_file(path)
    except OSError:
        return None


def replace_ledger(store: Any, stored: Path, as_of: dt.date) -> Path | None:
    """Put a checked, hand-edited ledger in place under the ledger's lock; the old one is kept."""
    from assess.commands.rectify import backup_path
    from assess.rectify.lock import LedgerLock, refuse_if_open
    from assess.render.atomic import copy_atomic

    target = store.layout.ledger
    refuse_if_open(target)
    with LedgerLock(target):
        kept = None
        if target.exists():
            kept = backup_path(target, as_of)
            copy_atomic(target, kept, "替换前无法备份台账({error}),台账未作任何修改")
        copy_atomic(stored, target, "无法替换台账({error})")
    return kept


async def upload_ledger(request: Request) -> Response:
    from assess.rectify.ledger_read import open_ledger
    from assess.render.atomic import write_atomic

    session, _form, shown, data = await _one_file(request)
    if not shown.lower().endswith(".xlsx"):
        raise Refused(400, LEDGER_NOT_XLSX)
    server = server_of(request)
    store = server.store
    folder = store.layout.path(L.RECTIFY) / "台账上传"
    folder.mkdir(parents=True, exist_ok=True)
    stored = write_atomic(folder / generated_name(".xlsx"), data)
    try:
        await run_in_threadpool(open_ledger, stored)
    except AssessError as exc:
        server.audit.write(
            session.who,
            "上传整改台账",
            file=shown,
            sha256=sha256_bytes(data),
            result="无法读取,未采用",
            ip=client_address(request),
        )
        receipt = {
            "name": shown,
            "ok": False,
            "count": 0,
            "findings": [finding_dict(exc.to_finding(), shown)],
        }
        return await rectify_page(request, receipt=receipt, status=422)
    try:
        kept = await run_in_threadpool(replace_ledger, store, stored, dt.date.today())
        messages = (await run_in_threadpool(_run, store))["messages"]
    except AssessError as exc:
        raise Refused(409, exc.format_message()) from None
    if kept is not None:
        messages.insert(0, f"原台账已备份为 {kept.name}")
    server.audit.write(
        session.who,
        "上传整改台账",
        file=shown,
        stored=store.layout.relative(stored),
        sha256=sha256_bytes(data),
        result="已采用",
        ip=client_address(request),
    )
    receipt = {"name": shown, "ok": True, "count": 0, "findings": []}
    return await rectify_page(request, receipt=receipt, messages=messages)


async def rectify_file(request: Request) -> Response:
    office(request)
    wanted = request.query_params.get("name", "")
    found = next((p for p in documents(server_of(request).store) if p.name == wanted), None)
    if found is None:
        raise Refused(404, NOT_FOUND)
    return download(found, inline=request.query_params.get("view") == "1" and found.suffix == ".html")


ROUTES = [
    Route("/rectify", rectify_page, methods=["GET"]),
    Route("/rectify/findings", upload_findings, methods=["POST"]),
    Route("/rectify/run", run_rectify, methods=["POST"]),
    Route("/rectify/ledger", upload_ledger, methods=["POST"]),
    Route("/rectify/file", rectify_file, methods=["GET"]),
]
