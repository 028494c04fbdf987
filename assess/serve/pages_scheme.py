"""The scheme page: choose a bundled scheme or upload one; ``check`` results; the summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from assess.errors import AssessError, Finding
from assess.serve import layout as L
from assess.serve.store import generated_name, sha256_bytes
from assess.serve.uploads import read_upload, scheme_suffix, shown_name
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

NOT_A_SCHEME = "方案文件应为 .yaml 或 .yml 文件"
SCHEME_TOO_LARGE = "方案文件超过 2 MB 的上限,未保存"
UNKNOWN_BUNDLED = "没有这个内置方案"


def scheme_findings(findings: list[Finding], shown: str) -> list[dict[str, Any]]:
    """``check`` findings of a scheme with their YAML line and column."""
    return [
        {
            "severity": "错误" if f.severity == "error" else "提醒",
            "line": f.location.line,
            "column": f.location.column,
            "key": f.location.key or "",
            "message": f.message,
            "file": shown,
            "code": f.code,
        }
        for f in findings
    ]


def summary(ref: str) -> dict[str, Any]:
    """What the scheme holds, on one page: categories, points, groups, units, sources."""
    from assess.commands.common import load_plan
    from assess.sources.spec import KIND_WORDS

    plan = load_plan(ref)
    s = plan.scheme
    groups = {g.id: g.name for g in s.groups}
    return {
        "id": s.id,
        "title": s.title,
        "year": s.year,
        "issuer": s.issuer or "",
        "full_score": s.full_score,
        "categories": [
            {"id": c.id, "name": c.name, "points": c.points, "indicators": len(c.indicators)}
            for c in s.categories
        ],
        "groups": [
            {"id": g.id, "name": g.name, "units": sum(1 for u in s.units if u.group in (g.id, g.name))}
            for g in s.groups
        ],
        "units": [{"name": u.name, "group": groups.get(u.group or "", u.group or "")} for u in s.units],
        "sources": [
            {"id": src.id, "kind": KIND_WORDS.get(src.kind, src.kind), "title": src.title}
            for src in plan.sources
        ],
        "grades": [g.name for g in s.grades],
    }


def _check(path: Path) -> tuple[list[Finding], bool]:
    from assess.commands.check import run_check

    report = run_check(None, [path], [])
    return report.findings, report.has_errors or report.unusable


async def scheme_page(request: Request, **extra: Any) -> Response:
    from assess.scheme.registry import bundled_schemes, resolve_scheme

    office(request)
    store = server_of(request).store
    ref = store.scheme_ref()
    info: dict[str, Any] | None = None
    current: list[dict[str, Any]] = []
    error = ""
    if ref is not None:
        try:
            info = await run_in_threadpool(summary, ref)
            found, _bad = await run_in_threadpool(_check, resolve_scheme(ref))
            current = scheme_findings(found, Path(ref).name if ref.endswith((".yaml", ".yml")) else ref)
        except AssessError as exc:
            error = exc.format_message()
    status = extra.pop("status", 200)
    return page(
        request,
        "scheme.html.j2",
        status,
        bundled=[{"id": b.id, "title": b.title, "year": b.year} for b in bundled_schemes()],
        info=info,
        current=current,
        error=error,
        uploaded=extra.get("uploaded"),
    )


async def choose(request: Request) -> Response:
    from assess.scheme.registry import bundled_schemes

    session = office(request)
    form = await checked_form(request, session)
    wanted = str(form.get("scheme") or "")
    chosen = next((b for b in bundled_schemes() if b.id == wanted), None)
    if chosen is None:
        raise Refused(400, UNKNOWN_BUNDLED)
    server = server_of(request)
    server.store.update_settings(scheme=chosen.id, published=False)
    server.audit.write(session.who, "选择内置方案", file=chosen.path.name, ip=client_address(request))
    return RedirectResponse("/scheme", 303)


async def upload(request: Request) -> Response:
    from assess.render.atomic import copy_atomic, write_atomic

    session = office(request)
    form = await checked_form(request, session, files=1)
    server = server_of(request)
    item = form.get("file")
    if item is None or isinstance(item, str):
        raise Refused(400, "请选择要上传的方案文件")
    shown = shown_name(item.filename)
    if scheme_suffix(shown) is None:
        raise Refused(400, NOT_A_SCHEME)
    data = await read_upload(item, server.limits.max_scheme_bytes)
    if data is None:
        raise Refused(413, SCHEME_TOO_LARGE)
    folder = server.store.layout.path(L.SCHEME_UPLOADS)
    folder.mkdir(parents=True, exist_ok=True)
    stored = write_atomic(folder / generated_name(".yaml"), data)
    findings, bad = await run_in_threadpool(_check, stored)
    if not bad:
        copy_atomic(stored, server.store.layout.scheme_file, "无法启用方案({error})")
        server.store.update_settings(scheme=L.SCHEME_FILE, published=False)
    server.audit.write(
        session.who,
        "上传方案",
        file=shown,
        stored=server.store.layout.relative(stored),
        sha256=sha256_bytes(data),
        result="有错误,未启用" if bad else "已启用",
        ip=client_address(request),
    )
    uploaded = {"name": shown, "ok": not bad, "findings": scheme_findings(findings, shown)}
    return await scheme_page(request, uploaded=uploaded, status=422 if bad else 200)


async def scheme_file(request: Request) -> Response:
    from assess.scheme.registry import resolve_scheme

    office(request)
    ref = server_of(request).store.scheme_ref()
    if ref is None:
        raise Refused(404, NOT_FOUND)
    path = resolve_scheme(ref)
    return download(path, path.name)


ROUTES = [
    Route("/scheme", scheme_page, methods=["GET"]),
    Route("/scheme/choose", choose, methods=["POST"]),
    Route("/scheme/upload", upload, methods=["POST"]),
    Route("/scheme/file", scheme_file, methods=["GET"]),
]
