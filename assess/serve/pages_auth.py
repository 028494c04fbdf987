"""Sign-in and sign-out, the home page, the audit log, job progress."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from assess.serve.auth import OFFICE
from assess.serve.web import (
    CSRF_FAILED,
    NOT_FOUND,
    Refused,
    checked_form,
    client_address,
    office,
    page,
    same_origin,
    server_of,
    session_of,
    signed_in,
)

WRONG_CODE = "访问码不正确,请核对后重新输入"
TOO_MANY_TRIES = "访问码输错次数过多,请 5 分钟后再试"


async def home(request: Request) -> Response:
    session = session_of(request)
    if session is None:
        return RedirectResponse("/signin", 303)
    if session.is_office and server_of(request).store.scheme_ref() is None:
        return RedirectResponse("/scheme", 303)
    return RedirectResponse("/collect", 303)


async def signin_page(request: Request) -> Response:
    return page(request, "signin.html.j2", message="")


async def signin(request: Request) -> Response:
    from assess.serve.app import session_cookie

    server = server_of(request)
    if not same_origin(request):
        raise Refused(403, CSRF_FAILED)
    address = client_address(request)
    if server.sessions.throttled(address):
        return page(request, "signin.html.j2", 429, message=TOO_MANY_TRIES)
    form = await request.form(max_files=0, max_fields=5, max_part_size=1024)
    typed = str(form.get("code") or "")
    server.codes.reload()
    found = server.codes.match(typed)
    if found is None:
        server.sessions.failed(address)
        server.audit.write("未登录", "登录失败", ip=address)
        return page(request, "signin.html.j2", 401, message=WRONG_CODE)
    role, unit = found
    session = server.sessions.new(role, unit)
    server.audit.write(session.who, "登录", ip=address)
    response = RedirectResponse("/", 303)
    response.headers.append("set-cookie", session_cookie(session.token))
    return response


async def signout(request: Request) -> Response:
    from assess.serve.app import session_cookie

    session = signed_in(request)
    await checked_form(request, session)
    server = server_of(request)
    server.audit.write(session.who, "退出登录", ip=client_address(request))
    server.sessions.end(session.token)
    response = RedirectResponse("/signin" if server.config.sign_in else "/", 303)
    response.headers.append("set-cookie", session_cookie("", clear=True))
    return response


async def audit_page(request: Request) -> Response:
    office(request)
    entries = server_of(request).audit.tail(300)
    return page(request, "audit.html.j2", entries=entries)


async def job_status(request: Request) -> Response:
    session = signed_in(request)
    job = server_of(request).jobs.get(request.path_params["job_id"])
    if job is None or (job.who != session.who and session.role != OFFICE):
        raise Refused(404, NOT_FOUND)
    return JSONResponse(job.to_dict())


ROUTES = [
    Route("/", home),
    Route("/signin", signin_page, methods=["GET"]),
    Route("/signin", signin, methods=["POST"]),
    Route("/signout", signout, methods=["POST"]),
    Route("/audit", audit_page),
    Route("/jobs/{job_id}", job_status),
]
