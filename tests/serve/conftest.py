"""A working folder and a TestClient over ``assess serve``'s application."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # starlette's note about httpx2
    from starlette.testclient import TestClient

from assess.serve.app import create_app
from assess.serve.uploads import Limits
from assess.serve.web import Config

ROOT = Path(__file__).resolve().parents[2]
COUNTIES = ROOT / "examples" / "counties"
BASE = "http://127.0.0.1:8765"
OFFICE_CODE = "TEST-OFFICE-CODE-1"


def county(name: str) -> bytes:
    return (COUNTIES / f"{name}.xlsx").read_bytes()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html) or re.search(r'data-csrf="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


class Client:
    """A TestClient that knows its CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.http = client
        self.app: Any = client.app
        self.csrf = ""

    @property
    def server(self) -> Any:
        return self.app.state.server

    @property
    def folder(self) -> Path:
        return Path(self.server.store.layout.root)

    def get(self, url: str, **kw: Any) -> Any:
        response = self.http.get(url, **kw)
        if "data-csrf=" in response.text:
            self.csrf = csrf_of(response.text)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kw: Any) -> Any:
        if csrf and not self.csrf:
            self.get("/collect" if self.server.store.scheme_ref() else "/scheme")
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf", self.csrf)
        return self.http.post(url, data=form, **kw)

    def upload(self, *files: tuple[str, bytes], source: str | None = None, **kw: Any) -> Any:
        data = {"source": source} if source else {}
        parts = [("files", (name, content)) for name, content in files]
        return self.post("/collect/upload", data, files=parts, headers={"accept": "application/json"}, **kw)

    def choose(self, scheme: str = "county-2024") -> None:
        response = self.post("/scheme/choose", {"scheme": scheme})
        assert response.status_code == 200, response.text


def make_client(folder: Path, **config: Any) -> Iterator[Client]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # starlette's note about httpx2
        app = create_app(Config(folder=folder, **config))
        with TestClient(app, base_url=BASE) as http:
            yield Client(http)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Client]:
    """The person at the machine (loopback, no sign-in), the bundled county-2024 scheme chosen."""
    for client in make_client(tmp_path / "work"):
        client.choose()
        yield client


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Client]:
    """Small limits: 300 KB a request, 100 KB a file, 3 files."""
    limits = Limits(max_request_bytes=300_000, max_file_bytes=100_000, max_files=3)
    for client in make_client(tmp_path / "work", limits=limits):
        client.choose()
        yield client


@pytest.fixture
def network(tmp_path: Path) -> Iterator[Client]:
    """Bound to a network address: sign-in required; the scheme chosen by the office first."""
    yield from make_client(tmp_path / "work", host="0.0.0.0", sign_in=True, office_code=OFFICE_CODE)


def sign_in(client: Client, code: str) -> Any:
    response = client.post("/signin", {"code": code}, csrf=False)
    client.csrf = ""
    return response
