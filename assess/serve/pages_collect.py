"""The collection page: every unit's state, uploads with receipts, versions, blank templates."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from assess.errors import AssessError
from assess.serve import collect
from assess.serve.auth import Session
from assess.serve.store import Slot
from assess.serve.uploads import read_upload, shown_name
from assess.serve.web import (
    NOT_FOUND,
    OFFICE_ONLY,
    OTHER_UNIT,
    Refused,
    checked_form,
    client_address,
    download,
    page,
    server_of,
    signed_in,
    wants_json,
)

NO_FILES = "请选择要上传的文件"


async def collect_page(request: Request) -> Response:
    session = signed_in(request)
    server = server_of(request)
    plan = server.plan()
    rows = await run_in_threadpool(collect.rows, server.store, plan, session)
    sources = collect.source_rows(server.store, plan) if session.is_office else []
    unknown = server.store.status(server.store.unknown_slot()) if session.is_office else None
    counts = {state: sum(1 for r in rows if r["state"] == state) for state in ("未提交", "有问题", "已通过")}
    return page(
        request,
        "collect.html.j2",
        rows=rows,
        sources=sources,
        unknown=unknown,
        counts=counts,
        title=plan.scheme.title,
        max_files=server.limits.max_files,
        max_mb=server.limits.max_file_bytes // (1024 * 1024),
    )


async def upload(request: Request) -> Response:
    session = signed_in(request)
    server = server_of(request)
    limits = server.limits
    form = await checked_form(request, session, files=limits.max_files)
    scheme = server.scheme()
    plan = server.plan()
    source = str(form.get("source") or "") or None
    if source is not None:
        if not session.is_office:
            raise Refused(403, OFFICE_ONLY)
        if source not in {s["id"] for s in collect.source_rows(server.store, plan)}:
            raise Refused(400, f"方案中没有数据来源“{source}”")
    items = [v for v in form.getlist("files") if not isinstance(v, str)]
    items = [v for v in items if v.filename or v.size]
    if not items:
        raise Refused(400, NO_FILES)
    uploads = []
    for item in items:
        data = await read_upload(item, limits.max_file_bytes)
        uploads.append(collect.Upload(shown_name(item.filename), data))
    receipts = []
    address = client_address(request)
    for one in uploads:
        try:
            receipts.append(
                await run_in_threadpool(
                    collect.take,
                    server.store,
                    server.audit,
                    session,
                    scheme,
                    plan,
                    one,
                    limits,
                    source=source,
                    address=address,
                )
            )
        except AssessError as exc:  # the folder cannot be written: said per file, the others go on
            receipts.append(collect.refusal(one.name, exc.format_message()))
    if wants_json(request):
        return JSONResponse({"receipts": receipts})
    return page(request, "receipts.html.j2", receipts=receipts)


def _slot(request: Request, session: Session) -> Slot:
    """The unit or source a request names, looked up among the scheme's, never used as a path."""
    server = server_of(request)
    plan = server.plan()
    unit = request.query_params.get("unit")
    source = request.query_params.get("source")
    if unit is not None:
        if not session.is_office and unit != session.unit:
            raise Refused(403, OTHER_UNIT)
        known = collect.expected_units(plan) or collect._seen_units(server.store)
        if unit not in known:
            raise Refused(404, NOT_FOUND)
        return server.store.unit_slot(unit)
    if not session.is_office:
        raise Refused(403, OTHER_UNIT)
    if source is not None:
        if source not in {s["id"] for s in collect.source_rows(server.store, plan)}:
            raise Refused(404, NOT_FOUND)
        return server.store.source_slot(source)
    if request.query_params.get("unknown") is not None:
        return server.store.unknown_slot()
    raise Refused(404, NOT_FOUND)


async def versions_page(request: Request) -> Response:
    session = signed_in(request)
    slot = _slot(request, session)
    store = server_of(request).store
    record = store.record(slot)
    status = store.status(slot)
    query = _query(request)
    return page(
        request,
        "versions.html.j2",
        slot=slot.title,
        versions=list(reversed(record["versions"])),
        status=status,
        query=query,
        is_unit=slot.key.startswith("unit:"),
        unit=slot.title if slot.key.startswith("unit:") else "",
    )


def _query(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k in ("unit", "source", "unknown")}


async def version_file(request: Request) -> Response:
    session = signed_in(request)
    slot = _slot(request, session)
    found = server_of(request).store.file_by_id(slot, request.query_params.get("v", ""))
    if found is None:
        raise Refused(404, NOT_FOUND)
    version, path = found
    return download(path, str(version.get("original") or path.name))


async def template(request: Request) -> Response:
    from assess.serve import work

    session = signed_in(request)
    server = server_of(request)
    slot = _slot(request, session)
    store = server.store
    args: tuple[Any, ...]
    if slot.key.startswith("unit:"):
        args = (store, slot.title, None)
        name = f"{slot.title}_填报模板.xlsx"
    elif slot.key.startswith("source:"):
        sid = slot.key.split(":", 1)[1]
        args = (store, None, sid)
        name = f"{sid}_模板.xlsx"
    else:
        raise Refused(404, NOT_FOUND)
    try:
        path = await run_in_threadpool(work.template, *args)
    except AssessError as exc:
        raise Refused(409, exc.format_message()) from None
    server.audit.write(session.who, "下载填报模板", file=name, ip=client_address(request))
    return download(path, name)


ROUTES = [
    Route("/collect", collect_page, methods=["GET"]),
    Route("/collect/upload", upload, methods=["POST"]),
    Route("/collect/versions", versions_page, methods=["GET"]),
    Route("/collect/file", version_file, methods=["GET"]),
    Route("/collect/template", template, methods=["GET"]),
]
