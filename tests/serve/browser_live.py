"""The real ``assess serve`` application under uvicorn in a background thread, and a Chromium to drive it.

Used by tests/serve/test_browser.py.  The server listens on a free port of 127.0.0.1 (the socket is bound
here and handed to uvicorn, so no other process can take the port in between); the browser is the
system's Chromium (Debian's ``chromium``) driven by Playwright, which downloads nothing.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("ASSESS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]


def missing() -> str | None:
    """Why the browser tests cannot run here (None: they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "未安装 playwright(pip install '.[test]')"
    if not CHROMIUM.is_file() and not shutil.which(str(CHROMIUM)):
        return f"找不到 Chromium({CHROMIUM};Debian/Ubuntu:apt-get install chromium)"
    return None


@contextmanager
def live_server(folder: Path, **config: Any) -> Iterator[tuple[str, Any]]:
    """(address, application) of ``create_app(Config(folder, **config))`` served on 127.0.0.1."""
    import uvicorn

    from assess.serve.app import create_app
    from assess.serve.web import Config

    folder.mkdir(parents=True, exist_ok=True)
    app = create_app(Config(folder=folder, **config))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="assess-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("assess serve 未能在 20 秒内启动")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def launch(playwright: Any) -> Any:
    """A headless Chromium (the system's, no download) under ``playwright``.

    Its own words (the file input's 选择文件) in Chinese, as a clerk's browser shows them: Chromium on Linux
    takes them from LANGUAGE (and Debian's chromium-l10n; without it they stay English).
    """
    env = {**os.environ, "LANGUAGE": "zh_CN:zh"}
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env, headless=True
    )
