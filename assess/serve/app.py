"""The Starlette application: routes, the gate every request passes, error pages."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assess.errors import AssessError
from assess.serve.auth import COOKIE, OFFICE, SESSION_HOURS
from assess.serve.uploads import TooLarge, too_large_text
from assess.serve.web import LOOPBACK, Config, Refused, Server, refused_response

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'"
)
WRONG_HOST = "拒绝访问:请求的主机名不是本机地址"
INTERNAL = "assess 内部错误:请把启动 assess serve 的窗口中显示的内容报告给维护人员"


class Gate:
    """Every HTTP request: its Host, its session, its size; every answer: safe headers."""

    def __init__(self, app: ASGIApp, server: Server) -> None:
        self.app = app
        self.server = server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        config = self.server.config
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if config.check_host and not config.sign_in and _host_name(headers.get("host", "")) not in LOOPBACK:
            await _plain(send, 421, WRONG_HOST)
            return
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:
            cookie = SimpleCookie()
        token = cookie[COOKIE].value if COOKIE in cookie else None
        session = self.server.sessions.get(token)
        fresh = None
        if session is None and not config.sign_in:
            session = fresh = self.server.sessions.new(OFFICE)
        scope.setdefault("state", {})["session"] = session
        limit = config.limits.max_request_bytes
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _plain(send, 413, too_large_text(config.limits))
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"SAMEORIGIN"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cache-control", b"no-store"),
                ]
                if fresh is not None:
                    extra.append((b"set-cookie", session_cookie(fresh.token).encode("latin-1")))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, counted, send_with_headers)


def session_cookie(token: str, *, clear: bool = False) -> str:
    age = 0 if clear else SESSION_HOURS * 3600
    return f"{COOKIE}={'' if clear else token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={age}"


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def create_app(config: Config) -> Starlette:
    """The application for one working folder."""
    from assess.resources import bundled_dir
    from assess.serve import pages_auth, pages_collect, pages_rectify, pages_results, pages_scheme

    server = Server(config)
    routes: list[Any] = [
        *pages_auth.ROUTES,
        *pages_scheme.ROUTES,
        *pages_collect.ROUTES,
        *pages_results.ROUTES,
        *pages_rectify.ROUTES,
        Mount(
            "/static",
            StaticFiles(directory=str(bundled_dir("templates") / "serve" / "static")),
            name="static",
        ),
    ]

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        return refused_response(request, exc)

    async def too_large(request: Request, exc: Exception) -> Response:
        return refused_response(request, Refused(413, too_large_text(config.limits)))

    async def not_found(request: Request, exc: Exception) -> Response:
        from starlette.exceptions import HTTPException

        status = exc.status_code if isinstance(exc, HTTPException) else 404
        text = "找不到请求的页面" if status == 404 else "不支持的请求方式"
        return refused_response(request, Refused(status, text))

    async def user_error(request: Request, exc: Exception) -> Response:
        """An AssessError no page caught: its Chinese message, as the command line prints it."""
        assert isinstance(exc, AssessError)
        return refused_response(request, Refused(400, exc.format_message()))

    async def bug(request: Request, exc: Exception) -> Response:
        """A bug in assess: a Chinese page, and the traceback on the console that started the server."""
        return refused_response(request, Refused(500, INTERNAL))

    app = Starlette(
        routes=routes,
        exception_handlers={
            Refused: refused,
            TooLarge: too_large,
            AssessError: user_error,
            404: not_found,
            405: not_found,
            Exception: bug,
        },
    )
    app.state.server = server
    app.add_middleware(Gate, server=server)
    return app


__all__ = ["Config", "Route", "create_app", "session_cookie"]
