"""Results: rank all (a background job with progress), score sheets, explain, downloads, publish."""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from assess.errors import AssessError
from assess.serve import work
from assess.serve.auth import Session
from assess.serve.web import (
    NOT_FOUND,
    NOT_PUBLISHED,
    OTHER_UNIT,
    Refused,
    checked_form,
    client_address,
    download,
    office,
    page,
    server_of,
    signed_in,
    wants_json,
)

RANK_JOB = "rank"
SHEETS_JOB = "sheets"


def _may_see(request: Request) -> Session:
    """The office always; a unit only once the office has published the results."""
    session = signed_in(request)
    if not session.is_office and not server_of(request).store.published:
        raise Refused(403, NOT_PUBLISHED)
    return session


def rank_files(store: object) -> list[Path]:
    from assess.serve.store import Store

    assert isinstance(store, Store)
    folder = store.layout.output / work.RANK_FOLDER
    return [
        folder / f"{work.RANK_NAME}.{fmt}"
        for fmt in (*work.RANK_FORMATS, *work.OFFICE_FORMATS)
        if (folder / f"{work.RANK_NAME}.{fmt}").is_file()
    ]


async def results_page(request: Request) -> Response:
    session = _may_see(request)
    server = server_of(request)
    store = server.store
    ranking = await run_in_threadpool(work.ranking, store)
    units = [r["unit"] for r in ranking["units"]] if ranking else []
    if not session.is_office:
        units = [u for u in units if u == session.unit]
    job = server.jobs.latest(RANK_JOB)
    return page(
        request,
        "results.html.j2",
        ranking=ranking,
        files=[p.name for p in rank_files(store)],
        units=units,
        accepted=len(store.accepted_units()),
        job=job.to_dict() if job and session.is_office else None,
        sheets={u: work.sheet_file(store, u) is not None for u in units},
    )


async def rank(request: Request) -> Response:
    session = office(request)
    await checked_form(request, session)
    server = server_of(request)
    server.scheme()
    store = server.store

    def run(job: object) -> object:
        from assess.serve.jobs import Job

        assert isinstance(job, Job)
        result = work.rank_all(store, job)  # the score sheets too, from the same snapshot
        server.audit.write(
            session.who,
            "排名",
            file=f"{work.RANK_NAME}.json",
            sha256=_sha(store.layout.output / work.RANK_FOLDER / f"{work.RANK_NAME}.json"),
        )
        return result

    job = server.jobs.start(RANK_JOB, session.who, run)
    server.audit.write(session.who, "开始排名", ip=client_address(request))
    if store.published:  # the units saw the last ranking; a new one waits for the office to publish it
        store.update_settings(published=False)
        server.audit.write(session.who, "撤回发布(重新排名)", ip=client_address(request))
    if wants_json(request):
        return JSONResponse(job.to_dict(), status_code=202)
    return RedirectResponse(f"/results?job={job.id}", 303)


def _sha(path: Path) -> str | None:
    from assess.commands.common import sha256_file

    try:
        return sha256_file(path)
    except OSError:
        return None


async def publish(request: Request) -> Response:
    session = office(request)
    form = await checked_form(request, session)
    server = server_of(request)
    value = str(form.get("publish") or "") == "1"
    if value and work.ranking(server.store) is None:
        raise Refused(409, "还没有排名结果,无法发布")
    server.store.update_settings(published=value)
    server.audit.write(session.who, "发布结果" if value else "撤回发布", ip=client_address(request))
    return RedirectResponse("/results", 303)


async def rank_file(request: Request) -> Response:
    session = _may_see(request)
    store = server_of(request).store
    wanted = request.query_params.get("name", "")
    found = next((p for p in rank_files(store) if p.name == wanted), None)
    if found is None:
        raise Refused(404, NOT_FOUND)
    if not session.is_office and found.suffix == ".json":
        raise Refused(403, OTHER_UNIT)  # the JSON holds every unit's data and bases
    return download(found, inline=request.query_params.get("view") == "1" and found.suffix == ".html")


def _unit(request: Request, session: Session) -> str:
    unit = request.query_params.get("unit", "")
    if not session.is_office and unit != session.unit:
        raise Refused(403, OTHER_UNIT)
    ranking = work.ranking(server_of(request).store)
    if ranking is None or unit not in {r["unit"] for r in ranking["units"]}:
        raise Refused(404, NOT_FOUND)
    return unit


async def sheet(request: Request) -> Response:
    session = _may_see(request)
    unit = _unit(request, session)
    fmt = request.query_params.get("format", "html")
    suffix = {"html": ".html", "xlsx": ".xlsx"}.get(fmt)
    if suffix is None:
        raise Refused(404, NOT_FOUND)
    path = work.sheet_file(server_of(request).store, unit, suffix)
    if path is None:
        raise Refused(404, "得分表尚未生成,请先排名")
    return download(
        path, f"{unit}_得分表{suffix}", inline=suffix == ".html" and request.query_params.get("view") == "1"
    )


async def explain(request: Request) -> Response:
    session = office(request)
    unit = _unit(request, session)
    server = server_of(request)
    try:
        text, target = await run_in_threadpool(work.explain, server.store, unit)
    except AssessError as exc:
        raise Refused(409, exc.format_message()) from None
    server.audit.write(session.who, "差距分析", file=target.name, ip=client_address(request))
    return page(request, "explain.html.j2", unit=unit, text=text)


async def explain_file(request: Request) -> Response:
    from assess.render.atomic import safe_filename

    session = office(request)
    unit = _unit(request, session)
    path = server_of(request).store.layout.output / work.EXPLAIN_FOLDER / f"{safe_filename(unit)}.html"
    if not path.is_file():
        raise Refused(404, NOT_FOUND)
    return download(path, f"{unit}_差距分析.html")


ROUTES = [
    Route("/results", results_page, methods=["GET"]),
    Route("/results/rank", rank, methods=["POST"]),
    Route("/results/publish", publish, methods=["POST"]),
    Route("/results/file", rank_file, methods=["GET"]),
    Route("/results/sheet", sheet, methods=["GET"]),
    Route("/results/explain", explain, methods=["GET"]),
    Route("/results/explain/file", explain_file, methods=["GET"]),
]
