"""What every page shares: the server's state, the session, access checks, forms, replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from assess.errors import AssessError
from assess.serve import layout as L
from assess.serve.audit import AuditLog
from assess.serve.auth import CSRF_FIELD, CSRF_HEADER, Codes, Session, Sessions, csrf_ok
from assess.serve.jobs import Jobs
from assess.serve.store import Store
from assess.serve.uploads import Limits, too_many_text

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")

NOT_SIGNED_IN = "请先输入访问码登录"
OFFICE_ONLY = "无权访问:此功能只供考核办公室使用"
OTHER_UNIT = "无权访问:只能查看本单位的提交和回执"
NOT_PUBLISHED = "考核结果尚未发布,发布后才能查看"
CSRF_FAILED = "请求来源无法核实(表单已过期或来自其他网站),未执行任何操作;请刷新页面后重试"
NOT_FOUND = "找不到请求的内容"
NO_SCHEME = "尚未选择考核方案,请先在“方案”页选择内置方案或上传方案"


@dataclass
class Config:
    folder: Path
    host: str = "127.0.0.1"
    sign_in: bool = False  # required whenever the host is not a loopback address
    office_code: str | None = None
    limits: Limits = field(default_factory=Limits)
    check_host: bool = True  # loopback: refuse a Host header naming another machine (DNS rebinding)


class Refused(Exception):
    """A request refused with an HTTP status and a Chinese message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Server:
    """The state one application holds: the folder, its codes, sessions and jobs."""

    def __init__(self, config: Config) -> None:
        import jinja2

        from assess.resources import bundled_dir

        self.config = config
        self.store = Store(config.folder)
        self.audit = AuditLog(self.store.layout.audit)
        self.codes = Codes(config.office_code, self.store.layout.path(L.CODE_HASHES))
        self.sessions = Sessions()
        self.jobs = Jobs()
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(bundled_dir("templates") / "serve")),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )

        self._plan: tuple[tuple[str, float], Any] | None = None

    @property
    def limits(self) -> Limits:
        return self.config.limits

    def scheme(self) -> str:
        ref = self.store.scheme_ref()
        if ref is None:
            raise Refused(409, NO_SCHEME)
        return ref

    def plan(self) -> Any:
        """The scheme compiled once per change of its file (as every command compiles it)."""
        from assess.commands.common import load_plan
        from assess.scheme.registry import resolve_scheme

        ref = self.scheme()
        try:
            path = resolve_scheme(ref)
            key = (ref, path.stat().st_mtime)
            if self._plan is None or self._plan[0] != key:
                self._plan = (key, load_plan(ref))
        except AssessError as exc:
            raise Refused(409, f"方案无法使用:{exc.format_message()}") from None
        except OSError:
            raise Refused(409, NO_SCHEME) from None
        return self._plan[1]


def server_of(request: Request) -> Server:
    server: Server = request.app.state.server
    return server


def session_of(request: Request) -> Session | None:
    session: Session | None = request.scope.get("state", {}).get("session")
    return session


def signed_in(request: Request) -> Session:
    session = session_of(request)
    if session is None:
        raise Refused(401, NOT_SIGNED_IN)
    return session


def office(request: Request) -> Session:
    session = signed_in(request)
    if not session.is_office:
        raise Refused(403, OFFICE_ONLY)
    return session


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def same_origin(request: Request) -> bool:
    """A POST's Origin (or Referer) names this server, or the browser sent neither."""
    own = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
    origin = request.headers.get("origin")
    if origin is not None:
        return origin.lower() == own
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}".lower() == own
    return True


async def checked_form(request: Request, session: Session, *, files: int = 0) -> FormData:
    """The POSTed form, refused unless it comes from this server's own page.

    ``files`` is how many files the form may carry; more is refused whole.
    """
    from starlette.exceptions import HTTPException

    if not same_origin(request):
        raise Refused(403, CSRF_FAILED)
    limits = server_of(request).limits
    try:
        form = await request.form(max_files=files + 1 if files else 0, max_fields=50, max_part_size=64 * 1024)
    except HTTPException as exc:
        if "Too many files" in str(exc.detail):
            raise Refused(413, too_many_text(limits)) from None
        raise Refused(400, f"表单内容无法读取:{exc.detail}") from None
    given = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    if not csrf_ok(session, str(given) if given is not None else None):
        raise Refused(403, CSRF_FAILED)
    if files and len([v for v in form.getlist("files") if not isinstance(v, str)]) > files:
        raise Refused(413, too_many_text(limits))
    return form


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def page(request: Request, name: str, http_status: int = 200, **context: Any) -> HTMLResponse:
    server = server_of(request)
    session = session_of(request)
    store = server.store
    html = server.templates.get_template(name).render(
        session=session,
        csrf=session.csrf if session else "",
        sign_in=server.config.sign_in,
        scheme_ref=store.scheme_ref(),
        published=store.published,
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=http_status)


def refused_response(request: Request, exc: Refused) -> Response:
    if wants_json(request):
        return JSONResponse({"error": exc.message}, status_code=exc.status)
    try:
        return page(request, "error.html.j2", exc.status, message=exc.message, refused=exc.status)
    except Exception:
        return Response(exc.message, status_code=exc.status, media_type="text/plain; charset=utf-8")


def download(path: Path, name: str | None = None, *, inline: bool = False) -> Response:
    """A file the server chose, sent under its own name (RFC 5987 for Chinese names)."""
    from urllib.parse import quote

    from starlette.responses import FileResponse

    media = {
        ".html": "text/html; charset=utf-8",
        ".json": "application/json",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".doc": "application/msword",
        ".yaml": "text/plain; charset=utf-8",
        ".jsonl": "text/plain; charset=utf-8",
    }.get(path.suffix.lower(), "application/octet-stream")
    shown = name or path.name
    kind = "inline" if inline else "attachment"
    headers = {"Content-Disposition": f"{kind}; filename*=UTF-8''{quote(shown)}"}
    return FileResponse(path, media_type=media, headers=headers)
